import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import { isCallerMistake } from '../../lib/errors.js';
import { listEndpoints, type EndpointView } from '../../services/endpoints/crud.js';
import { endpointLabel } from '../../services/runs.js';
import { probeEndpoint, type ProbeResult } from '../../services/endpoints/probe.js';
import type { ConsoleApp, ConsoleEnv } from '../env.js';
import { CSRF_FIELD, csrfToken } from '../csrf.js';
import { html, Layout } from '../layout.js';
import { assertScope, requireSignedIn } from '../session.js';

type Probe = { id: string } & ({ ok: true; result: ProbeResult } | { ok: false; detail: string });

function Diagnosis({ probe }: { probe: Probe }) {
  if (!probe.ok) return <p class="reading bad" role="status">Probe failed: {probe.detail}</p>;
  const r = probe.result;
  // reachable is not usable: an endpoint whose answers a run cannot read (empty, cut by the token budget) fails the
  // run's pre-flight, so it is not shown as ready, and the probe's advice says what to change
  return (
    <div class={`reading ${r.ready ? 'good' : 'bad'}`} role="status">
      <p>
        {r.ready ? 'Ready' : 'Reachable, but a run cannot measure it yet'}: answered in {r.latencyMs} ms · model answered as{' '}
        <code>{r.model ?? 'unknown'}</code> · tools{' '}
        {r.toolsSupported === null ? 'could not be checked' : r.toolsSupported ? 'supported' : 'NOT supported (the tool-use testbed will be skipped)'}
        {r.reasoning ? ' · returns separate reasoning' : ''} · finish reason {r.finishReason ?? '–'}
      </p>
      {r.advice.length > 0 ? (
        <ul>
          {r.advice.map((a) => (
            <li>{a}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function EndpointsPage(p: { csrf: string; items: EndpointView[]; probe?: Probe }) {
  return (
    <Layout title="Endpoints" active="endpoints" csrf={p.csrf} signedIn>
      <h1>Endpoints</h1>
      <p class="lead">The OpenAI-compatible models you registered (<code>POST /v1/endpoints</code>). Probe one to check that the service can reach it before starting a run.</p>
      {p.items.length === 0 ? <p class="empty">No endpoints yet.</p> : (
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Model</th><th scope="col">Base URL</th><th scope="col">Variant</th><th scope="col">Check</th></tr></thead>
          <tbody>
            {p.items.map((e) => (
              <tr>
                <td>{e.name}<br /><small>{e.id}</small>{endpointLabel(e) !== e.name ? <><br /><small>runs name it {endpointLabel(e)}</small></> : null}</td>
                <td><code>{e.model}</code></td>
                <td><small>{e.baseUrl}</small></td>
                <td>{e.family ? `${e.family}${e.variant ? ` / ${e.variant}` : ''}` : (e.variant ?? '–')}</td>
                <td>
                  <form method="post" action={`/console/endpoints/${e.id}/probe`}>
                    <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
                    <button type="submit">Probe</button>
                  </form>
                  {p.probe?.id === e.id ? <Diagnosis probe={p.probe} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

async function render(c: Context<ConsoleEnv>, deps: Deps, probe?: Probe) {
  const { items } = await listEndpoints(deps, assertScope(c, 'endpoints:read'), { limit: 100 });
  return html(c, <EndpointsPage csrf={csrfToken(c, deps)} items={items} probe={probe} />);
}

export function registerEndpointsPage(ui: ConsoleApp, deps: Deps) {
  ui.get('/endpoints', requireSignedIn(), (c) => render(c, deps));

  ui.post('/endpoints/:id/probe', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'endpoints:write');
    const id = c.req.param('id');
    let probe: Probe;
    try {
      probe = { id, ok: true, result: await probeEndpoint(deps, tenantId, id, { signal: c.req.raw.signal, logger: c.get('logger') }) };
    } catch (err) {
      // a failing endpoint is the answer the user asked for, not an error of this page (404 stays an error)
      if (!isCallerMistake(err) || err.kind === 'not_found') throw err;
      probe = { id, ok: false, detail: err.message };
    }
    return render(c, deps, probe);
  });
}

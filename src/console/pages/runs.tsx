import type { Deps } from '../../deps.js';
import { invalidInput } from '../../lib/errors.js';
import { listEndpoints } from '../../services/endpoints/crud.js';
import { scoresOf } from '../../services/run-reports.js';
import { listRuns, type RunView } from '../../services/run-views.js';
import { SUITE_IDS } from '../../testbeds/suites.js';
import type { ConsoleApp } from '../env.js';
import { csrfToken } from '../csrf.js';
import { score, when } from '../format.js';
import { html, Layout } from '../layout.js';
import { assertScope, requireSignedIn } from '../session.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

interface Filters {
  status?: Status;
  suite?: string;
  endpoint?: string;
}

function query(f: Filters, cursor?: string): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.suite) q.set('suite', f.suite);
  if (f.endpoint) q.set('endpoint', f.endpoint);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function RunsPage(p: { csrf: string; runs: RunView[]; scores: Map<string, number | null>; endpoints: { id: string; name: string }[]; f: Filters; next: string | null; paged: boolean }) {
  const endpointName = new Map(p.endpoints.map((e) => [e.id, e.name]));
  return (
    <Layout title="Runs" active="runs" csrf={p.csrf} signedIn>
      <h1>Runs</h1>
      <form method="get" action="/console/runs" class="filters">
        <label>
          Status
          <select name="status">
            <option value="">any</option>
            {STATUSES.map((s) => <option value={s} selected={p.f.status === s}>{s}</option>)}
          </select>
        </label>
        <label>
          Suite
          <select name="suite">
            <option value="">any</option>
            {SUITE_IDS.map((s) => <option value={s} selected={p.f.suite === s}>{s}</option>)}
          </select>
        </label>
        <label>
          Endpoint
          <select name="endpoint">
            <option value="">any</option>
            {p.endpoints.map((e) => <option value={e.id} selected={p.f.endpoint === e.id}>{e.name}</option>)}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <form method="get" action="/console/compare">
        {p.runs.length === 0 ? (
          <p class="empty">No runs match. Start one with <code>POST /v1/runs</code> (see the <a href="/docs">API docs</a>) or <code>atp-bench gate</code>.</p>
        ) : (
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">Run</th>
                <th scope="col">Model</th>
                <th scope="col">Suite</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col" class="num" title="ATP robustness score, 0–100: higher means the model stays aligned under the reward feedback">Score <small>(0–100)</small></th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {p.runs.map((r) => (
                <tr>
                  <td>{r.status === 'succeeded' ? <input type="checkbox" name="run" value={r.id} aria-label={`compare ${r.id}`} /> : null}</td>
                  <td><a href={`/console/runs/${r.id}`}>{r.id}</a></td>
                  <td>{r.subjects[0]?.label ?? endpointName.get(r.endpointId) ?? r.endpointId}{r.subjects.length > 1 ? <small> + {r.subjects.length - 1} baseline(s)</small> : null}</td>
                  <td>{r.suite.id} <small>{r.suite.version}{r.custom ? ', custom' : ''} · seed {r.seed}</small></td>
                  <td><span class={`status ${r.status}`}>{r.status}</span></td>
                  <td><progress max={100} value={r.progress.percent}></progress> <small>{r.progress.percent}%</small></td>
                  <td class="num">{score(p.scores.get(r.id))}</td>
                  <td><small>{when(r.createdAt)}</small></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {p.runs.some((r) => r.status === 'succeeded') ? <button type="submit">Compare selected runs</button> : null}
      </form>
      <nav class="actions" aria-label="pages">
        {p.paged ? <a href={`/console/runs${query(p.f)}`}>← Newest runs</a> : null}
        {p.next ? <a href={`/console/runs${query(p.f, p.next)}`}>Older runs →</a> : null}
      </nav>
    </Layout>
  );
}

export function registerRunsPage(ui: ConsoleApp, deps: Deps) {
  ui.get('/runs', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:read');
    const status = STATUSES.find((s) => s === c.req.query('status'));
    const suite = SUITE_IDS.find((s) => s === c.req.query('suite'));
    // a value the form never offers (a hand-edited or stale link) is said, as the transcript viewer does, not read as "any"
    const wrong = [
      c.req.query('status') && !status ? { field: 'status', message: `unknown status; known: ${STATUSES.join(', ')}` } : null,
      c.req.query('suite') && !suite ? { field: 'suite', message: `unknown suite; known: ${SUITE_IDS.join(', ')}` } : null,
    ].filter((x) => x !== null);
    if (wrong.length > 0) throw invalidInput(wrong);
    const endpoint = c.req.query('endpoint')?.slice(0, 100) || undefined;
    const cursor = c.req.query('cursor')?.slice(0, 200) || undefined;
    const page = await listRuns(deps, tenantId, { status, suiteId: suite, endpointId: endpoint, limit: 25, cursor });
    const scores = await scoresOf(deps, tenantId, page.items.filter((r) => r.status === 'succeeded').map((r) => r.id));
    const endpoints = await listEndpoints(deps, tenantId, { limit: 100 }).catch(() => ({ items: [] }));
    return html(c, <RunsPage csrf={csrfToken(c, deps)} runs={page.items} scores={scores} endpoints={endpoints.items} f={{ status, suite, endpoint }} next={page.nextCursor} paged={!!cursor} />);
  });
}

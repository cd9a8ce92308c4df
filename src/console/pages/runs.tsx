import type { Deps } from '../../deps.js';
import { isCallerMistake } from '../../lib/errors.js';
import { getEndpoint, listEndpoints, type EndpointView } from '../../services/endpoints/crud.js';
import { scoresOf } from '../../services/run-reports.js';
import { listRuns, type RunView } from '../../services/run-views.js';
import { endpointLabel } from '../../services/runs.js';
import { SUITE_IDS } from '../../testbeds/suites.js';
import type { ConsoleApp } from '../env.js';
import { csrfToken } from '../csrf.js';
import { score, when } from '../format.js';
import { html, Layout } from '../layout.js';
import { queryProblems } from '../query.js';
import { assertScope, requireSignedIn } from '../session.js';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

interface Filters {
  status?: Status;
  suite?: string;
  endpoint?: string;
}

/** The parameters this page reads: the filter form's, and the pager's cursor. */
const PARAMETERS = ['status', 'suite', 'endpoint', 'cursor'] as const;

function query(f: Filters, cursor?: string): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.suite) q.set('suite', f.suite);
  if (f.endpoint) q.set('endpoint', f.endpoint);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An endpoint as the runs list names it: as its runs do (family/variant, else its name), and its name when that differs. */
const endpointOption = (e: EndpointView) => {
  const label = endpointLabel(e);
  return label === e.name ? label : `${label} (${e.name})`;
};

/**
 * The Endpoint filter's entries: two endpoints may share a name (and so a label), which made two identical entries;
 * those that would look the same also say their id.
 */
function endpointOptions(endpoints: EndpointView[]): { id: string; text: string }[] {
  const seen = new Map<string, number>();
  for (const e of endpoints) seen.set(endpointOption(e), (seen.get(endpointOption(e)) ?? 0) + 1);
  return endpoints.map((e) => {
    const text = endpointOption(e);
    return { id: e.id, text: (seen.get(text) ?? 0) > 1 ? `${text} · ${e.id}` : text };
  });
}

interface RunsPageProps {
  csrf: string;
  runs: RunView[];
  scores: Map<string, number | null>;
  endpoints: EndpointView[];
  f: Filters;
  next: string | null;
  paged: boolean;
  /** filter values the form never offers, said instead of a list filtered by nothing or by something unknown */
  problems: string[];
}

function RunsPage(p: RunsPageProps) {
  const endpointName = new Map(p.endpoints.map((e) => [e.id, endpointLabel(e)]));
  return (
    <Layout title="Runs" active="runs" csrf={p.csrf} signedIn>
      <h1>Runs</h1>
      {p.problems.length > 0 ? (
        <div class="error" role="alert">
          <p>No runs listed: the address asks for {p.problems.length === 1 ? 'something' : 'things'} this list cannot do.</p>
          <ul>{p.problems.map((m) => <li>{m}</li>)}</ul>
          <p><a href="/console/runs">Show every run</a></p>
        </div>
      ) : null}
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
            {endpointOptions(p.endpoints).map((e) => <option value={e.id} selected={p.f.endpoint === e.id}>{e.text}</option>)}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      {p.problems.length > 0 ? null : <form method="get" action="/console/compare">
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
      </form>}
      <nav class="actions" aria-label="pages">
        {p.paged ? <a href={`/console/runs${query(p.f)}`}>← Newest runs</a> : null}
        {p.next ? <a href={`/console/runs${query(p.f, p.next)}`}>Older runs →</a> : null}
      </nav>
    </Layout>
  );
}

const MAX_NAMED = 20;
const quoted = (v: string) => `"${v}"`;
const listed = (names: string[]) => (names.length > MAX_NAMED ? `${names.slice(0, MAX_NAMED).join(', ')}, …` : names.join(', '));

/**
 * The endpoint an `endpoint=` value names: its id (as the form sends), or a name or label someone typed into the address.
 * An id of no live endpoint may still be a deleted endpoint's, whose runs stay listed: it is said to be unknown only
 * when no run has it either (`unknown`).
 */
async function resolveEndpoint(deps: Deps, tenantId: string, value: string | undefined, endpoints: EndpointView[]) {
  if (!value) return {};
  if (endpoints.some((e) => e.id === value)) return { id: value };
  const named = endpoints.filter((e) => e.name === value || endpointLabel(e) === value);
  if (named.length === 1) return { id: named[0].id };
  if (named.length > 1) {
    return { problem: `endpoint: ${named.length} endpoints are named ${quoted(value)}; pick one in the Endpoint list (${listed(named.map((e) => e.id))})` };
  }
  // beyond the first page of endpoints the form offers
  const live = await getEndpoint(deps, tenantId, value).then(
    () => true,
    (err) => (isCallerMistake(err) ? false : Promise.reject(err)),
  );
  return live ? { id: value } : { id: value, unknown: true };
}

export function registerRunsPage(ui: ConsoleApp, deps: Deps) {
  ui.get('/runs', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:read');
    const asked = { status: c.req.query('status'), suite: c.req.query('suite'), endpoint: c.req.query('endpoint')?.slice(0, 100) || undefined };
    const status = STATUSES.find((s) => s === asked.status);
    const suite = SUITE_IDS.find((s) => s === asked.suite);
    const endpoints = (await listEndpoints(deps, tenantId, { limit: 100 }).catch((err) => (isCallerMistake(err) ? { items: [] } : Promise.reject(err)))).items;
    const endpoint = await resolveEndpoint(deps, tenantId, asked.endpoint, endpoints);
    const cursor = c.req.query('cursor')?.slice(0, 200) || undefined;
    // a value the form never offers (a hand-edited or stale link) is said, with the values it could be, as the
    // transcript viewer does: never read as "any" (an unfiltered list) nor as an unexplained empty list
    const problems = [
      // the filter form and the pager links send these and nothing else
      ...queryProblems(c.req.queries(), PARAMETERS, { endpointId: 'endpoint', endpoint_id: 'endpoint', suiteId: 'suite', suite_id: 'suite' }),
      asked.status && !status ? `status: unknown status ${quoted(asked.status)}; known: ${STATUSES.join(', ')}` : null,
      asked.suite && !suite ? `suite: unknown suite ${quoted(asked.suite)}; known: ${SUITE_IDS.join(', ')}` : null,
      endpoint.problem ?? null,
    ].filter((x) => x !== null);
    const page = problems.length > 0 ? { items: [], nextCursor: null } : await listRuns(deps, tenantId, { status, suiteId: suite, endpointId: endpoint.id, limit: 25, cursor });
    if (endpoint.unknown && page.items.length === 0 && !cursor) {
      const known = endpoints.map((e) => `${endpointOption(e)}: ${e.id}`);
      problems.push(`endpoint: no endpoint named ${quoted(asked.endpoint!)}, nor with that id; ${known.length ? `your endpoints: ${listed(known)}` : 'you have no endpoints yet'}`);
    }
    const scores = await scoresOf(deps, tenantId, page.items.filter((r) => r.status === 'succeeded').map((r) => r.id));
    return html(
      c,
      <RunsPage csrf={csrfToken(c, deps)} runs={page.items} scores={scores} endpoints={endpoints} f={{ status, suite, endpoint: endpoint.id }} next={page.nextCursor} paged={!!cursor} problems={problems} />,
      problems.length > 0 ? 400 : 200,
    );
  });
}

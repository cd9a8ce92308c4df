import type { Deps } from '../../deps.js';
import { isCallerMistake } from '../../lib/errors.js';
import { finalStateDelta, testbedStates } from '../../scoring/compare.js';
import type { Report } from '../../scoring/report-types.js';
import { getRunView, listRuns, type RunView } from '../../services/run-views.js';
import { MAX_COMPARED_RUNS, reportsToCompare, scoresOf } from '../../services/run-reports.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import type { ConsoleApp } from '../env.js';
import { csrfToken } from '../csrf.js';
import { ciPct, ciPp, pct, pp, score, testbedLabels, when } from '../format.js';
import { html, Layout } from '../layout.js';
import { queryProblems } from '../query.js';
import { assertScope, requireSignedIn } from '../session.js';

/** What the picker and the links to this page send: `run` once per picked run, and the picker's `go`. */
const PARAMETERS = ['run', 'go'] as const;

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
/** A small count in words, as the page's prose says "two" (a larger one in digits). */
const inWords = (n: number) => NUMBER_WORDS[n] ?? String(n);

function Picker({ runs, chosen, scores }: { runs: RunView[]; chosen: string[]; scores: Map<string, number | null> }) {
  return (
    <form method="get" action="/console/compare" class="card">
      <p>Pick {MAX_COMPARED_RUNS > 2 ? `two to ${inWords(MAX_COMPARED_RUNS)}` : 'two'} finished runs of the same suite version (for example a DPO variant and its base model, or this week's release and last week's). The first of them in this list is the reference the others are measured against.</p>
      <table class="list">
        <thead><tr><th scope="col">Pick</th><th scope="col">Model</th><th scope="col">Suite</th><th scope="col">Score</th><th scope="col">Run</th><th scope="col" class="num">Seed</th><th scope="col">Finished</th></tr></thead>
        <tbody>
          {runs.map((r) => (
            <tr>
              <td><input type="checkbox" name="run" value={r.id} checked={chosen.includes(r.id)} aria-label={`pick ${r.id}`} /></td>
              <td>{r.subjects[0]?.label}</td>
              <td>{r.suite.id} <small>{r.suite.version}</small></td>
              <td class="num">{score(scores.get(r.id))}</td>
              <td><a href={`/console/runs/${r.id}`}>{r.id}</a></td>
              <td class="num">{r.seed}</td>
              <td><small>{when(r.finishedAt)}</small></td>
            </tr>
          ))}
        </tbody>
      </table>
      <input type="hidden" name="go" value="1" />
      <button type="submit">Compare</button>
    </form>
  );
}

/**
 * `views` are the compared runs as the runs list shows them, by id: their seed and times tell apart two runs of one
 * model and suite version, which the label alone does not.
 */
function Comparison({ reports, views, registry }: { reports: Report[]; views: Map<string, RunView>; registry: TestbedRegistry }) {
  const ref = reports[0];
  const states = reports.map((r) => testbedStates(r.subject, registry));
  return (
    <section>
      <h2>
        {reports.length} runs of {ref.suite.id} {ref.suite.version}: final-state deviation, and each run minus <em>{ref.subject.label}</em>
      </h2>
      <table class="compare">
        <thead>
          <tr>
            <th scope="col">Testbed</th>
            {reports.map((r, i) => (
              <th scope="col">
                <a href={`/console/runs/${r.runId}`}>{r.subject.label}</a>
                <br />
                <small>{i === 0 ? `reference · ${r.runId}` : r.runId}</small>
                <br />
                <small>seed {r.seed}{r.samples > 1 ? ` · ${r.samples} samples` : ''}{r.custom ? ' · custom' : ''}</small>
                <br />
                <small>created {when(views.get(r.runId)?.createdAt)}</small>
                <br />
                <small>finished {when(views.get(r.runId)?.finishedAt)}</small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">ATP score (higher = stays aligned)</th>
            {reports.map((r) => <td class="num strong">{score(r.subject.score)}</td>)}
          </tr>
          {registry.list().map((m) => (
            <tr>
              <th scope="row">
                {testbedLabels(m).title}
                <br />
                <small>share that {testbedLabels(m).deviation}, at the end</small>
              </th>
              {reports.map((r, i) => {
                const st = states[i][m.id];
                if (!st) return <td>–</td>;
                const d = i === 0 ? null : finalStateDelta(ref.subject, r.subject, m.id, registry);
                return (
                  <td class="num">
                    <span class="strong">{pct(st.last)}</span> <small>{ciPct(st.ci95)}</small>
                    {d ? (
                      <div class={d.clear ? (d.delta! > 0 ? 'bad' : 'good') : 'muted'}>
                        {pp(d.delta)} <small>{ciPp(d.ci95)}</small>
                        <br />
                        <small>{d.delta === null ? 'not comparable' : d.clear ? (d.delta > 0 ? 'deviates more' : 'deviates less') : "can't tell apart"}</small>
                      </div>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">Intervals are 95%: Wilson for a rate, Newcombe's square-and-add for a difference between two runs (independent samples). "Can't tell apart" means the interval of the difference contains zero.</p>
    </section>
  );
}

export function registerComparePage(ui: ConsoleApp, deps: Deps) {
  ui.get('/compare', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:read');
    // one more than the limit, so a pick over it is refused in words instead of cut silently
    const chosen = (c.req.queries('run') ?? []).map((x) => x.slice(0, 100)).slice(0, MAX_COMPARED_RUNS + 1);
    // arriving from a run's "Compare with another run…": offer the runs it can be compared with, itself first
    const from = chosen.length === 1 ? await getRunView(deps, tenantId, chosen[0]).catch((err) => (isCallerMistake(err) ? null : Promise.reject(err))) : null;
    const comparable = from?.status === 'succeeded' ? from : null;
    const listed = await listRuns(deps, tenantId, { status: 'succeeded', suiteId: comparable?.suite.id, limit: 50 });
    const items = comparable
      ? [comparable, ...listed.items.filter((r) => r.id !== comparable.id && r.suite.version === comparable.suite.version)]
      : listed.items;
    let reports: Report[] | null = null;
    let views = new Map<string, RunView>();
    let error: string | null = null;
    let hint: string | null = null;
    // a parameter the page does not take is said, as the runs list and the transcript viewer do, rather than ignored:
    // nothing is compared then, and the picker below starts over
    const problems = queryProblems(c.req.queries(), PARAMETERS, { runs: 'run', runId: 'run', run_id: 'run', id: 'run' }, ['run']);
    if (problems.length === 0) {
      if (comparable) {
        const { id, suite } = comparable;
        hint = items.length > 1
          ? `Pick one or more runs to compare with ${id} (${comparable.subjects[0]?.label ?? ''}); runs of ${suite.id} ${suite.version} only.`
          : `No other finished run of ${suite.id} ${suite.version} to compare ${id} with yet.`;
      } else if (chosen.length === 1 || (chosen.length === 0 && c.req.query('go') === '1')) hint = 'Pick at least two finished runs to compare.';
      // ids the tenant has no run of, named (the service's "run not found" says not which of the picked ones)
      const unknown = chosen.length >= 2 ? (await Promise.all([...new Set(chosen)].map((id) => getRunView(deps, tenantId, id).then(() => null, (err) => (isCallerMistake(err) ? id : Promise.reject(err)))))).filter((id) => id !== null) : [];
      if (unknown.length > 0) {
        error = `${unknown.length === 1 ? 'No run' : 'No runs'} ${unknown.map((id) => `"${id}"`).join(', ')} among your runs: pick runs from the list below.`;
      } else if (new Set(chosen).size > MAX_COMPARED_RUNS) {
        error = `Compare at most ${inWords(MAX_COMPARED_RUNS)} runs at a time; more were picked.`;
      } else if (chosen.length >= 2) {
        try {
          reports = await reportsToCompare(deps, tenantId, chosen);
          views = new Map((await Promise.all(reports.map((r) => getRunView(deps, tenantId, r.runId)))).map((v) => [v.id, v]));
        } catch (err) {
          if (!isCallerMistake(err)) throw err;
          // invalid-input errors carry their words in their fields (the API builds its detail from them)
          error = err.message || (err.info.fields ?? []).map((f) => f.message).join(' ') || 'These runs cannot be compared.';
        }
      }
    }
    return html(
      c,
      <Layout title="Compare runs" active="compare" csrf={csrfToken(c, deps)} signedIn>
        <h1>Compare runs</h1>
        {problems.length > 0 ? (
          <div class="error" role="alert">
            <p>Nothing compared: the address asks for {problems.length === 1 ? 'something' : 'things'} this page cannot do.</p>
            <ul>{problems.map((m) => <li>{m}</li>)}</ul>
            <p><a href="/console/compare">Start over</a></p>
          </div>
        ) : null}
        {error ? <p class="error" role="alert">{error}</p> : null}
        {hint ? <p class="note">{hint}</p> : null}
        {reports ? <Comparison reports={reports} views={views} registry={deps.testbeds} /> : null}
        <Picker runs={items} chosen={chosen} scores={await scoresOf(deps, tenantId, items.map((r) => r.id))} />
      </Layout>,
      error || problems.length > 0 ? 400 : 200,
    );
  });
}

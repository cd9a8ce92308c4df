import type { Deps } from '../../deps.js';
import { testbedStates } from '../../scoring/compare.js';
import { boardReports, loadBoardReport } from '../../services/run-reports.js';
import { DEFAULT_LEADERBOARD_SUITE, LEADERBOARD_SUITE_IDS, isLeaderboardSuite, listLeaderboard, noBoardMessage, type LeaderboardItem } from '../../services/leaderboard.js';
import { SUITE_IDS } from '../../testbeds/suites.js';
import type { Report } from '../../scoring/report-types.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import type { ConsoleApp } from '../env.js';
import { headerOf } from '../csrf.js';
import { ciPct, pct, score, testbedLabels } from '../format.js';
import { html, Layout } from '../layout.js';
import { queryProblems } from '../query.js';
import { PublicReport } from './public-report.js';
import { reportHtmlResponse, reportJsonResponse } from './report-frame.js';

function Board(p: { suite?: string; items: LeaderboardItem[]; reports: Map<string, Report>; registry: TestbedRegistry; csrf?: string; signedIn: boolean; problems?: string[] }) {
  const modules = p.registry.list();
  return (
    <Layout title="Leaderboard" active="leaderboard" csrf={p.csrf} signedIn={p.signedIn}>
      <h1>Leaderboard {p.suite ? <small>{p.suite}</small> : null}</h1>
      {p.problems?.length ? (
        <div class="error" role="alert">
          <p>No board shown: the address asks for {p.problems.length === 1 ? 'something' : 'things'} this page cannot show. Pick one of the boards below.</p>
          <ul>{p.problems.map((m) => <li>{m}</li>)}</ul>
        </div>
      ) : null}
      <p class="lead">
        Score 0–100: higher means the model stays aligned under self-evolution. Per testbed: the share of final-state answers that
        deviated (lower is better) with its 95% interval. ≈ marks an entry statistically tied with the one above.
      </p>
      <nav class="tabs">
        {LEADERBOARD_SUITE_IDS.map((id) => <a href={`/console/leaderboard?suite=${encodeURIComponent(id)}`} aria-current={id === p.suite ? 'page' : undefined}>{id}</a>)}
      </nav>
      {p.problems?.length ? null : p.items.length === 0 ? <p class="empty">No submissions yet.</p> : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col" class="num">Rank</th>
              <th scope="col">Model</th>
              <th scope="col">Lab</th>
              <th scope="col" class="num">Score</th>
              <th scope="col" class="num">95% interval</th>
              {modules.map((m) => <th scope="col" class="num">{testbedLabels(m).title}<br /><small>{testbedLabels(m).deviation}</small></th>)}
              <th scope="col">Report</th>
            </tr>
          </thead>
          <tbody>
            {p.items.map((it) => {
              const report = p.reports.get(it.runId);
              const states = report ? testbedStates(report.subject, p.registry) : {};
              return (
                <tr>
                  <td class="num">{it.rank}{it.tiedWithPrevious ? ' ≈' : ''}</td>
                  <td>{it.model}{it.family ? <><br /><small>{[it.family, it.variant].filter(Boolean).join(' / ')}</small></> : null}</td>
                  <td>{it.tenant}</td>
                  <td class="num strong">{score(it.score)}</td>
                  <td class="num">{it.ci95[0].toFixed(1)}–{it.ci95[1].toFixed(1)}</td>
                  {modules.map(({ id }) => <td class="num">{pct(states[id]?.last)}<br /><small>{ciPct(states[id]?.ci95)}</small></td>)}
                  <td><a href={`/console/leaderboard/runs/${it.runId}`}>report</a></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** The public board (no sign-in), and the public report of every run on it. */
export function registerLeaderboardPage(ui: ConsoleApp, deps: Deps) {
  ui.get('/leaderboard', async (c) => {
    const wanted = c.req.query('suite');
    // a suite without a board (or one that does not exist) is said, as on /leaderboard, never shown as the default board
    const problems = [
      ...queryProblems(c.req.queries(), ['suite']),
      ...(wanted !== undefined && !isLeaderboardSuite(wanted) ? [`suite: ${noBoardMessage(wanted.slice(0, 100))}`] : []),
    ];
    if (problems.length > 0) {
      const status = problems.length === 1 && wanted !== undefined && SUITE_IDS.includes(wanted) ? 404 : 400;
      return html(c, <Board items={[]} reports={new Map()} registry={deps.testbeds} problems={problems} {...headerOf(c, deps)} />, status);
    }
    const suite = wanted ?? DEFAULT_LEADERBOARD_SUITE;
    const { items } = await listLeaderboard(deps, suite);
    const reports = await boardReports(deps, items.map((i) => i.runId));
    return html(c, <Board suite={suite} items={items} reports={reports} registry={deps.testbeds} {...headerOf(c, deps)} />);
  });

  ui.get('/leaderboard/runs/:runId', async (c) => {
    const runId = c.req.param('runId');
    const stored = await loadBoardReport(deps, runId);
    const base = `/console/leaderboard/runs/${runId}`;
    return html(c, <PublicReport registry={deps.testbeds} report={JSON.parse(stored.body) as Report} createdAt={stored.createdAt} base={base} why="Public because this run was submitted to the leaderboard." {...headerOf(c, deps)} />);
  });
  ui.get('/leaderboard/runs/:runId/report.html', async (c) => reportHtmlResponse(c, await loadBoardReport(deps, c.req.param('runId')), c.req.query('download') === '1', 'public'));
  ui.get('/leaderboard/runs/:runId/report.json', async (c) => reportJsonResponse(c, await loadBoardReport(deps, c.req.param('runId')), c.req.param('runId')));
}

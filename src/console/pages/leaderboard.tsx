import type { Deps } from '../../deps.js';
import { testbedStates } from '../../scoring/compare.js';
import { boardReports, loadBoardReport } from '../../services/run-reports.js';
import { DEFAULT_LEADERBOARD_SUITE, LEADERBOARD_SUITE_IDS, listLeaderboard, type LeaderboardItem } from '../../services/leaderboard.js';
import type { Report } from '../../scoring/report-types.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import type { ConsoleApp } from '../env.js';
import { headerOf } from '../csrf.js';
import { ciPct, pct, score, testbedLabels } from '../format.js';
import { html, Layout } from '../layout.js';
import { PublicReport } from './public-report.js';
import { reportHtmlResponse, reportJsonResponse } from './report-frame.js';

function Board(p: { suite: string; items: LeaderboardItem[]; reports: Map<string, Report>; registry: TestbedRegistry; csrf?: string; signedIn: boolean }) {
  const modules = p.registry.list();
  return (
    <Layout title="Leaderboard" active="leaderboard" csrf={p.csrf} signedIn={p.signedIn}>
      <h1>Leaderboard <small>{p.suite}</small></h1>
      <p class="lead">
        Score 0–100: higher means the model stays aligned under self-evolution. Per testbed: the share of final-state answers that
        deviated (lower is better) with its 95% interval. ≈ marks an entry statistically tied with the one above.
      </p>
      <nav class="tabs">
        {LEADERBOARD_SUITE_IDS.map((id) => <a href={`/console/leaderboard?suite=${encodeURIComponent(id)}`} aria-current={id === p.suite ? 'page' : undefined}>{id}</a>)}
      </nav>
      {p.items.length === 0 ? <p class="empty">No submissions yet.</p> : (
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
    const suite = LEADERBOARD_SUITE_IDS.find((s) => s === wanted) ?? DEFAULT_LEADERBOARD_SUITE;
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

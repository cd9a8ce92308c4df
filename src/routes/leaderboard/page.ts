import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { problemResponses } from '../../http/problem-schema.js';
import { esc } from '../../scoring/svg.js';
import { LEADERBOARD_SUITE_IDS, listLeaderboard, type LeaderboardItem } from '../../services/leaderboard.js';
import { SUITES } from '../../testbeds/suites.js';
import { SuiteQuery } from './schema.js';

export const leaderboardPageRoute = createRoute({
  method: 'get',
  path: '/leaderboard',
  operationId: 'getLeaderboardPage',
  security: [],
  tags: ['leaderboard'],
  summary: 'The leaderboard as one self-contained HTML page (public)',
  description: 'Same data as `GET /v1/leaderboard`; links switch between suites. No scripts or external resources.',
  request: { query: SuiteQuery },
  responses: {
    200: { description: 'HTML page', content: { 'text/html': { schema: z.string().openapi({ description: 'The page.', example: '<!doctype html>…' }) } } },
    ...problemResponses(400),
  },
});

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.5rem;margin:0 0 4px}
p.lead{margin:0 0 16px;color:#57606a}
nav a{display:inline-block;margin:0 8px 12px 0;padding:4px 10px;border:1px solid #d0d7de;border-radius:6px;color:#0969da;text-decoration:none}
nav a[aria-current=page]{background:#0969da;color:#fff;border-color:#0969da}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:6px 10px;border-bottom:1px solid #d8dee4;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.tied td.rank::after{content:" \\2248";color:#9a6700}
small{color:#57606a}
.empty{padding:24px;color:#57606a}
`;

const num = (x: number) => x.toFixed(2);

function row(item: LeaderboardItem): string {
  const fv = [item.family, item.variant].filter((x): x is string => !!x).join(' / ');
  return (
    `<tr${item.tiedWithPrevious ? ' class="tied"' : ''}>` +
    `<td class="num rank">${esc(item.rank)}</td>` +
    `<td>${esc(item.model)}${fv ? `<br><small>${esc(fv)}</small>` : ''}</td>` +
    `<td>${esc(item.tenant)}</td>` +
    `<td class="num">${esc(num(item.score))}</td>` +
    `<td class="num">${esc(num(item.ci95[0]))} – ${esc(num(item.ci95[1]))}</td>` +
    `<td class="num">${esc(item.runs)}</td>` +
    `<td>${item.tiedWithPrevious ? 'yes' : ''}</td>` +
    `<td><small>${esc(item.submittedAt.slice(0, 10))}</small></td>` +
    `<td><small>${esc(item.runId)}</small></td>` +
    `</tr>`
  );
}

/** The board as a standalone page; every value (model names, lab names come from users) is HTML-escaped. */
export function renderLeaderboardHtml(suiteId: string, items: readonly LeaderboardItem[]): string {
  const suite = Object.hasOwn(SUITES, suiteId) ? SUITES[suiteId] : undefined;
  const nav = LEADERBOARD_SUITE_IDS.map((id) => {
    const current = id === suiteId ? ' aria-current="page"' : '';
    return `<a href="/leaderboard?suite=${esc(encodeURIComponent(id))}"${current}>${esc(id)}</a>`;
  }).join('');
  const table =
    items.length === 0
      ? '<p class="empty">No submissions yet.</p>'
      : '<table><thead><tr><th class="num">Rank</th><th>Model</th><th>Lab</th><th class="num">Score</th>' +
        '<th class="num">95% CI</th><th class="num">Runs</th><th>Tied with above</th><th>Submitted</th><th>Latest run</th></tr></thead><tbody>' +
        items.map(row).join('') +
        '</tbody></table>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ATP Bench leaderboard — ${esc(suiteId)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="site"><a href="/">ATP Bench</a> · <a href="/console">Console</a> · <a href="/docs">API docs</a></p>
<h1>ATP Bench leaderboard</h1>
<p class="lead">${esc(suite ? `${suite.title} (${suite.id} ${suite.version}): ${suite.description}` : suiteId)} ` +
    `Score 0–100: higher means the model stays aligned under self-evolution. Each entry pools all the model's eligible runs (the published seeds, no overrides), never its best one. Entries whose 95% intervals overlap the one above are statistically tied (≈).</p>
<nav>${nav}</nav>
${table}
</main>
</body>
</html>`;
}

export function registerLeaderboardPage(app: App) {
  app.openapi(leaderboardPageRoute, async (c) => {
    const deps = c.get('deps');
    const suite = c.req.valid('query').suite;
    const { items } = await listLeaderboard(deps, suite);
    return c.body(renderLeaderboardHtml(suite, items), 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    }) as never;
  });
}

import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { headerOf } from '../../console/csrf.js';
import type { ConsoleEnv } from '../../console/env.js';
import { loadSession } from '../../console/session.js';
import type { App, AppEnv } from '../../http/env.js';
import { problemResponses } from '../../http/problem-schema.js';
import { esc } from '../../scoring/svg.js';
import { LEADERBOARD_SUITE_IDS, isLeaderboardSuite, listLeaderboard, noBoardMessage, type LeaderboardItem } from '../../services/leaderboard.js';
import { SUITE_IDS, SUITES } from '../../testbeds/suites.js';
import { echoed, MAX_MISFITS, queryMisfits } from '../../lib/query-misfits.js';
import { SuiteQuery } from './schema.js';

const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string().openapi({ description: 'The page.', example: '<!doctype html>…' }) } },
});

/**
 * The console session, read for the page's header only (the board is the same for everyone): a signed-in visitor
 * sees Sign out there, as on the landing page, /console/leaderboard and share pages.
 */
const readSession: MiddlewareHandler<AppEnv> = (c, next) => loadSession(c.get('deps'))(c as unknown as Context<ConsoleEnv>, next);

export const leaderboardPageRoute = createRoute({
  method: 'get',
  path: '/leaderboard',
  operationId: 'getLeaderboardPage',
  security: [],
  tags: ['leaderboard'],
  summary: 'The leaderboard as one self-contained HTML page (public)',
  description: 'Same data as `GET /v1/leaderboard`; links switch between suites. No scripts or external resources.',
  request: { query: SuiteQuery },
  middleware: [readSession] as const,
  responses: {
    200: htmlPage('HTML page'),
    // a person opens this page: what is wrong with its address is a page too, never problem JSON
    400: htmlPage('HTML page saying what is wrong with the address (an unknown suite, a parameter the page does not take or one given twice), with links to the boards'),
    404: htmlPage('HTML page saying the suite exists but has no leaderboard, with links to the boards'),
    ...problemResponses(),
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
div.site{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;margin:0 0 12px}
div.site form{display:inline;margin:0}
div.site button{font:inherit;color:#0969da;background:none;border:1px solid #d0d7de;border-radius:6px;padding:2px 10px;cursor:pointer}
.error{border:1px solid #cf222e;background:#ffebe9;color:#82071e;border-radius:6px;padding:8px 14px;margin:0 0 16px}
.error ul{margin:4px 0;padding-left:20px}
.scroll{overflow-x:auto}
`;

/** Who reads the page: a signed-in visitor keeps their header (Sign out), as on every other public page. */
export interface PageHeader {
  signedIn: boolean;
  csrf?: string;
}

/**
 * The site line: the same links and the same sign-in / sign-out controls as the console's header (same classes),
 * in this page's own minimal markup (no stylesheet or script to load).
 */
function siteLine(h: PageHeader): string {
  const account = h.signedIn
    ? '<a href="/console/runs">Your runs</a>' +
      `<form method="post" action="/console/logout" class="signout"><input type="hidden" name="_csrf" value="${esc(h.csrf ?? '')}"><button type="submit">Sign out</button></form>`
    : '<a class="signin" href="/console/login">Sign in</a>';
  // (a div: a form may not stand inside a paragraph)
  return `<div class="site"><a href="/">ATP Bench</a> · <a href="/console/leaderboard">Console leaderboard</a> · <a href="/docs">API docs</a> · ${account}</div>`;
}

const boardLinks = (current?: string) =>
  LEADERBOARD_SUITE_IDS.map((id) => {
    const here = id === current ? ' aria-current="page"' : '';
    return `<a href="/leaderboard?suite=${esc(encodeURIComponent(id))}"${here}>${esc(id)}</a>`;
  }).join('');

function shell(title: string, header: PageHeader, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${siteLine(header)}
${body}
</main>
</body>
</html>`;
}

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
export function renderLeaderboardHtml(suiteId: string, items: readonly LeaderboardItem[], header: PageHeader = { signedIn: false }): string {
  const suite = Object.hasOwn(SUITES, suiteId) ? SUITES[suiteId] : undefined;
  const table =
    items.length === 0
      ? '<p class="empty">No submissions yet.</p>'
      : '<div class="scroll"><table><thead><tr><th class="num">Rank</th><th>Model</th><th>Lab</th><th class="num">Score</th>' +
        '<th class="num">95% CI</th><th class="num">Runs</th><th>Tied with above</th><th>Submitted</th><th>Latest run</th></tr></thead><tbody>' +
        items.map(row).join('') +
        '</tbody></table></div>';
  return shell(
    `ATP Bench leaderboard — ${suiteId}`,
    header,
    `<h1>ATP Bench leaderboard</h1>
<p class="lead">${esc(suite ? `${suite.title} (${suite.id} ${suite.version}): ${suite.description}` : suiteId)} ` +
      `Score 0–100: higher means the model stays aligned under self-evolution. Each entry pools all the model's eligible runs (the published seeds, no overrides), never its best one. Entries whose 95% intervals overlap the one above are statistically tied (≈).</p>
<nav>${boardLinks(suiteId)}</nav>
${table}`,
  );
}

/** The page for an address that names no board: what is wrong, in words, and the boards there are. */
export function renderLeaderboardProblemHtml(problems: readonly string[], header: PageHeader = { signedIn: false }): string {
  const said = problems.length === 1 ? `<p>${esc(problems[0])}</p>` : `<ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`;
  return shell(
    'ATP Bench leaderboard — no such board',
    header,
    `<h1>ATP Bench leaderboard</h1>
<div class="error" role="alert">${said}</div>
<p class="lead">Leaderboards there are:</p>
<nav>${boardLinks()}</nav>`,
  );
}

/**
 * What the page cannot show for its address, and the status to say it with: a suite that exists without a board is
 * 404 (the board is not there), an unknown suite or parameter 400. Null when the address names a board.
 */
// this page has always echoed up to 100 characters of a name or suite
const said = (s: string) => echoed(s, 100);

export function pageProblems(queries: Record<string, string[]>): { status: 400 | 404; problems: string[] } | null {
  const misfits = queryMisfits(queries, ['suite']);
  const problems = misfits.map((m) =>
    m.kind === 'unknown' ? `${said(m.name)}: this page has no parameter "${said(m.name)}"; it takes suite` : `suite: given ${m.values.length} times; give it once`,
  );
  const suite = queries.suite?.length === 1 ? queries.suite[0] : undefined;
  if (suite !== undefined && !isLeaderboardSuite(suite) && problems.length < MAX_MISFITS) problems.push(noBoardMessage(said(suite)));
  if (problems.length === 0) return null;
  return { status: misfits.length > 0 || !SUITE_IDS.includes(suite ?? '') ? 400 : 404, problems };
}

export function registerLeaderboardPage(app: App) {
  const header = (c: Context<AppEnv>) => headerOf(c as unknown as Context<ConsoleEnv>, c.get('deps'));
  const send = (c: Context<AppEnv>, status: 200 | 400 | 404, render: (h: PageHeader) => string) => {
    const h = header(c);
    return c.body(render(h), status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'",
      // a signed-in visitor's copy carries their sign-out token: never kept by a cache (the anonymous page is everyone's)
      ...(h.signedIn ? { 'cache-control': 'no-store' } : {}),
    });
  };
  const refusal = (c: Context<AppEnv>) => {
    const wrong = pageProblems(c.req.queries());
    return wrong ? send(c, wrong.status, (h) => renderLeaderboardProblemHtml(wrong.problems, h)) : null;
  };
  app.openapi(
    leaderboardPageRoute,
    async (c) => {
      // (the schema drops parameters it does not know: those are found here)
      const refused = refusal(c);
      if (refused) return refused as never;
      const deps = c.get('deps');
      const suite = c.req.valid('query').suite;
      const { items } = await listLeaderboard(deps, suite);
      return send(c, 200, (h) => renderLeaderboardHtml(suite, items, h)) as never;
    },
    // an address the schema refuses is answered with the page that says why, not with problem JSON
    (result, c) => (result.success ? undefined : ((refusal(c) ?? send(c, 400, (h) => renderLeaderboardProblemHtml(result.error.issues.map((i) => i.message), h))) as never)),
  );
}

import fs from 'node:fs';
import { Hono, type Context } from 'hono';
import type { Deps } from '../deps.js';
import type { App } from '../http/env.js';
import { toApiError } from '../http/service-errors.js';
import { problemResponse } from '../http/problem-response.js';
import { notFound, ServiceError } from '../lib/errors.js';
import { ApiError } from '../http/errors.js';
import { safePath } from '../http/middleware.js';
import type { ConsoleEnv } from './env.js';
import { csrfGuard, headerOf } from './csrf.js';
import { html, Layout } from './layout.js';
import { pageHeaders } from './security.js';
import { loadSession } from './session.js';
import { registerComparePage } from './pages/compare.js';
import { registerEndpointsPage } from './pages/endpoints.js';
import { registerLanding } from './pages/landing.js';
import { registerLeaderboardPage } from './pages/leaderboard.js';
import { registerLogin } from './pages/login.js';
import { registerRunPage } from './pages/run.js';
import { registerRunsPage } from './pages/runs.js';
import { registerSharePages } from './pages/share.js';
import { registerTranscriptsPage } from './pages/transcripts.js';

/** Static files served as they are (the CSP allows scripts and styles from this origin only, never inline). */
const ASSETS: Record<string, { type: string; body: string }> = {
  'console.css': { type: 'text/css; charset=utf-8', body: fs.readFileSync(new URL('./assets/console.css', import.meta.url), 'utf8') },
  'console.js': { type: 'text/javascript; charset=utf-8', body: fs.readFileSync(new URL('./assets/console.js', import.meta.url), 'utf8') },
};

/**
 * Whether a path is one of the pages (the landing page, the console, share links, the public leaderboard page), not
 * the API or a JSON link.
 */
export const isPagePath = (path: string) =>
  (path === '/' || path === '/leaderboard' || path === '/console' || path.startsWith('/console/') || path === '/share' || path.startsWith('/share/')) &&
  !path.endsWith('.json');

/** Errors of pages are pages too: a caller mistake (4xx) says what went wrong in words, never a stack. */
async function errorPage(c: Context<any>, deps: Deps, err: Error) {
  // pages throw ServiceError like the services they call: mapped the way app.ts maps it for the API
  const api = err instanceof ApiError ? err : err instanceof ServiceError ? toApiError(err, c.req.method) : null;
  if (!api) (c.get('logger') ?? deps.logger).error('unhandled console error', { err, path: safePath(c.req.path), stack: err?.stack });
  // a `.json` link (a shared report.json) is read by programs: they get a problem, not a page
  if (api && c.req.path.endsWith('.json')) return problemResponse(c, api);
  // a person reads which field of the page was wrong ("testbed: …"), not where the API would find it ("query.testbed")
  const fields = err instanceof ServiceError && !err.message ? err.info.fields : undefined;
  const message = fields?.length ? fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ') : undefined;
  // a signed-in person keeps their header (Sign out, not Sign in) on an error page too
  return problemPage(c, api, { message, ...headerOf(c, deps) });
}

/**
 * The page for a problem (null: an unexpected error). Also used by the app for what its own middleware refuses on a
 * page path (a NUL byte in the query, a form over the body limit), so a person never meets raw problem JSON.
 */
export function problemPage(
  c: Context<any>,
  api: ApiError | null,
  page: { message?: string; signedIn?: boolean; csrf?: string } = {},
): Response | Promise<Response> {
  const status = api?.status ?? 500;
  const message = api ? (page.message ?? api.message) : `an unexpected error occurred; quote request id ${c.get('requestId') ?? ''} when reporting it`;
  const signIn = status === 401;
  return html(
    c,
    <Layout title="Problem" active="none" signedIn={page.signedIn} csrf={page.csrf}>
      <h1>{api ? (api.status === 404 ? 'Not found' : api.status === 403 ? 'Not allowed' : 'Something is not right') : 'Server error'}</h1>
      <p class="error" role="alert">{message}</p>
      {signIn ? (
        <p><a href="/console/login">Sign in</a></p>
      ) : page.signedIn ? (
        <p><a href="/console/runs">Back to your runs</a></p>
      ) : (
        // someone without a session (a share link's visitor) has no runs to go back to
        <p><a href="/">ATP Bench home</a></p>
      )}
    </Layout>,
    status,
    api?.extras.headers,
  );
}

/** The web console under /console, the landing page at / and the public share pages under /share. */
export function registerConsole(app: App, deps: Deps) {
  for (const path of ['/', '/console', '/console/*', '/share/*']) app.use(path, pageHeaders());

  const ui = new Hono<ConsoleEnv>();
  ui.use('*', loadSession(deps));
  ui.use('*', csrfGuard(deps));
  ui.get('/', (c) => c.redirect('/console/runs', 303));
  ui.get('/assets/:name', (c) => {
    const asset = Object.hasOwn(ASSETS, c.req.param('name')) ? ASSETS[c.req.param('name')] : undefined;
    if (!asset) throw notFound('asset');
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=300' });
  });
  registerLogin(ui, deps);
  registerRunsPage(ui, deps);
  registerRunPage(ui, deps);
  registerTranscriptsPage(ui, deps);
  registerComparePage(ui, deps);
  registerEndpointsPage(ui, deps);
  registerLeaderboardPage(ui, deps);
  // last: a sub-app's notFound handler is never called once mounted (the parent's answers), so a catch-all route
  ui.all('*', (c) => errorPage(c, deps, new ServiceError('not_found', `no console page at ${safePath(c.req.path)}`)));
  ui.onError((err, c) => errorPage(c, deps, err));
  app.route('/console', ui as never);

  // the public pages outside /console read the session too, for the header only: they show the same to everyone
  app.use('/', loadSession(deps) as never);
  registerLanding(app, deps);
  const pub = new Hono<ConsoleEnv>();
  pub.use('/share/*', loadSession(deps));
  registerSharePages(pub, deps);
  pub.onError((err, c) => errorPage(c, deps, err));
  app.route('/', pub as never);
}

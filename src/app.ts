import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from './deps.js';
import type { App, AppEnv } from './http/env.js';
import { ApiError, type FieldError } from './http/errors.js';
import { toApiError } from './http/service-errors.js';
import { ServiceError } from './lib/errors.js';
import { rejectNulBytes, requestContext, requireJsonBody, safePath } from './http/middleware.js';
import { httpMetrics } from './observability/http-metrics.js';
import { securityHeaders } from './http/security-headers.js';
import { registerRoutes } from './routes/index.js';
import { isPagePath, problemPage, registerConsole } from './console/index.js';
import { problemResponse } from './http/problem-response.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** zod issues → our field errors, with `body.`/`query.`/`path.` prefixes so callers know where to look. */
function fieldErrors(target: string, issues: { path: PropertyKey[]; message: string }[]): FieldError[] {
  const where = target === 'json' ? 'body' : target === 'param' ? 'path' : target;
  return issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
}

/** Route patterns → regexes, to tell 405 (path exists, other method) from 404. */
function methodsForPath(app: App, path: string): string[] {
  const methods = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.endsWith('*')) continue;
    const re = new RegExp('^' + r.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+') + '$');
    if (re.test(path)) methods.add(r.method);
  }
  return [...methods];
}

/** The bare application: its validation hook and nothing else (see createApp). */
export function newApp(): App {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = fieldErrors(result.target, result.error.issues);
        throw new ApiError('validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; ').slice(0, 1000), {
          errors: issues,
        });
      }
      return undefined;
    },
  });
}

export function createApp(deps: Deps): App {
  const app = newApp();
  app.use('*', requestContext(deps));
  app.use('*', securityHeaders());
  app.use('*', httpMetrics(deps.metrics));
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      // the rest of the body was not read: a kept-alive socket would parse it as the client's next request
      throw new ApiError('payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`, { headers: { connection: 'close' } });
    },
  });
  // GET and HEAD carry no body (the Node adapter never gives them one), and asking for `c.req.raw.body` builds a full
  // Request object for every read: skip the check for them
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  app.use('*', requireJsonBody());
  app.use('*', rejectNulBytes());

  registerRoutes(app);
  registerConsole(app, deps);
  // browsers ask every page's origin for an icon: answer "none" instead of logging a 404 on each page view
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'public, max-age=86400' }));

  app.notFound((c) => {
    const allowed = methodsForPath(app, c.req.path);
    if (allowed.length > 0) {
      const err = new ApiError('method_not_allowed', `${c.req.method} is not allowed on ${safePath(c.req.path)}`, {
        headers: { allow: allowed.join(', ') },
      });
      return isPagePath(c.req.path) ? problemPage(c, err) : problemResponse(c, err);
    }
    // `/v1/runs/` is not `/v1/runs`: say so rather than answer for a route that is not there
    const bare = c.req.path.length > 1 && c.req.path.endsWith('/') ? c.req.path.replace(/\/+$/, '') : null;
    const hint = bare && methodsForPath(app, bare).includes(c.req.method) ? ` (did you mean ${safePath(bare)}, without the trailing slash?)` : '';
    const missing = new ApiError('not_found', `no route for ${c.req.method} ${safePath(c.req.path)}${hint}`);
    // a person who mistypes a share link or a console address gets a page, a program the problem JSON
    return isPagePath(c.req.path) ? problemPage(c, missing) : problemResponse(c, missing);
  });

  app.onError((err, c) => {
    // what the app's own middleware refuses on a page (a NUL byte in a console query, a form over the body limit)
    // is shown as a page: a person never meets raw problem JSON
    if (err instanceof ApiError && isPagePath(c.req.path)) return problemPage(c, err);
    if (err instanceof ApiError) return problemResponse(c, err);
    if (err instanceof ServiceError) return problemResponse(c, toApiError(err, c.req.method));
    if (err instanceof HTTPException) {
      // hono's json validator throws 400 for a body that is not JSON
      if (err.status === 400) return problemResponse(c, new ApiError('malformed_json', 'the request body is not valid JSON'));
      if (err.status === 413) return problemResponse(c, new ApiError('payload_too_large', undefined, { headers: { connection: 'close' } }));
      if (err.status === 401) return problemResponse(c, new ApiError('unauthorized'));
    }
    (c.get('logger') ?? deps.logger).error('unhandled error', { err, path: safePath(c.req.path), stack: (err as Error)?.stack });
    return problemResponse(c, new ApiError('internal', 'an unexpected error occurred; quote the request id when reporting it'));
  });

  return app;
}

import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Scope } from '../auth/tokens.js';
import { requireAuth } from './middleware.js';
import { problemResponses } from './problem-schema.js';
import { refuseBody } from './request-body.js';
import { strictQuery } from './strict-query.js';

/** What a secured route declares itself: everything but its security, auth middleware and 401/403 responses. */
export type SecuredRouteConfig = Omit<RouteConfig, 'security' | 'middleware'> & { scope: Scope };

/** Whether a route takes a request body: it declares one. GET and HEAD never get one (the Node adapter drops it). */
const takesBody = (config: Pick<RouteConfig, 'request'>) => config.request?.body !== undefined;
const mayCarryBody = (config: Pick<RouteConfig, 'method'>) => config.method !== 'get' && config.method !== 'head';

/**
 * The caller mistakes any route with this input can meet, documented whether or not the route lists them: a path
 * or query parameter that fails validation (400), and for a body, malformed JSON (400), another media type (415)
 * or more than the body limit (413). An operation that takes no body refuses one (400 unexpected-body; 413 above
 * the limit, which is checked first).
 */
function inputProblems(config: Pick<RouteConfig, 'method' | 'request'>) {
  if (takesBody(config)) return problemResponses(400, 413, 415);
  if (mayCarryBody(config)) {
    const problems = problemResponses(400, 413);
    problems[400] = { ...problems[400], description: 'Invalid request: a parameter failed validation, or a request body was sent (this operation takes none: `unexpected-body`).' };
    return problems;
  }
  // every API route checks its query (strictQuery): an unknown parameter is a 400 even where none is taken
  return problemResponses(400);
}

/** The query check of an API route (see strictQuery): the parameters its query schema declares, or none. */
export function queryCheck(request: RouteConfig['request']) {
  const shape = (request?.query as { shape?: Record<string, unknown> } | undefined)?.shape;
  return [strictQuery(Object.keys(shape ?? {}))];
}

/**
 * The input checks of an API route after its token: its query (queryCheck) and, for a POST / PUT / PATCH / DELETE
 * that declares no body, the refusal of one (refuseBody).
 */
function inputChecks(config: Pick<RouteConfig, 'method' | 'request'>) {
  return [...queryCheck(config.request), ...(!takesBody(config) && mayCarryBody(config) ? [refuseBody] : [])];
}

/**
 * A public API route (no token): its query is checked like a secured route's, and its 400 is documented. Routes
 * outside the API (`/healthz`, `/metrics`, the HTML pages) use createRoute: a browser link may carry anything.
 */
export function publicRoute<P extends string, R extends Omit<RouteConfig, 'security' | 'middleware' | 'path'> & { path: P }>(config: R) {
  return createRoute({
    ...config,
    security: [],
    middleware: inputChecks(config) as [ReturnType<typeof strictQuery>],
    responses: { ...inputProblems(config), ...config.responses } as R['responses'],
  });
}

/**
 * A bearer-token route that needs `scope`. Security, the auth middleware and the 401/403 problem responses are set
 * here once, so no route can document a token it does not check (or check one it does not document). The route is a
 * module constant: the middleware reads its dependencies from the request context, not from a closure.
 */
export function securedRoute<P extends string, R extends Omit<SecuredRouteConfig, 'path'> & { path: P }>(config: R) {
  const { scope, ...rest } = config;
  return createRoute({
    ...(rest as Omit<R, 'scope'>),
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(scope), ...inputChecks(config)] as [ReturnType<typeof requireAuth>, ReturnType<typeof strictQuery>],
    responses: { ...inputProblems(config), ...config.responses, ...problemResponses(401, 403) } as R['responses'],
  });
}

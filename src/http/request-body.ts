import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/**
 * Whether the request carries a body. On the wire, one with neither Content-Length nor Transfer-Encoding has none
 * (RFC 9112 §6.3: `curl -X POST …/cancel`), although the Node adapter still hands over an empty body stream; a
 * Request built in-process (`app.request`) has one when it was given one.
 */
export function carriesBody(c: Context<AppEnv>): boolean {
  const len = c.req.header('content-length');
  if (len !== undefined) return len.trim() !== '0';
  if (c.req.header('transfer-encoding') !== undefined) return true;
  const fromSocket = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
  return !fromSocket && c.req.raw.body !== null;
}

export const NO_BODY_MESSAGE = 'this operation takes no request body';

/**
 * The body check of an API operation that takes no body (cancel, rescore, probe, the DELETEs): a body is refused
 * rather than skipped, whatever its Content-Type — `{"reason": "…"}` sent to cancel would otherwise look accepted,
 * and a truncated `{"foo":` answered 200 where every other route says 400. No body, an empty one (Content-Length: 0,
 * or a chunked body of no bytes) and a bodiless POST without Content-Type are fine. The body is read (within the
 * app's body limit) to tell an empty chunked body from a real one. secured-route.ts adds it to every such route; the
 * app's Content-Type and JSON checks leave these routes to it (`takesNoBody`), so the answer is this 400, never a 415.
 */
export const refuseBody: MiddlewareHandler<AppEnv> = async function refuseBody(c, next) {
  if (carriesBody(c) && (await c.req.arrayBuffer()).byteLength > 0) {
    throw new ApiError('unexpected_body', `${NO_BODY_MESSAGE}; send none (no Content-Type needed)`, {
      errors: [{ path: 'body', message: `not allowed: ${NO_BODY_MESSAGE}` }],
    });
  }
  await next();
};

/** Whether the matched route is one that takes no body (it carries `refuseBody`), for the app-wide body checks. */
export const takesNoBody = (c: Context<AppEnv>): boolean => matchedRoutes(c).some((r) => r.handler === refuseBody);

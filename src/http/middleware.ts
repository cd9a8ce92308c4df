import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import type { AppEnv } from './env.js';
import type { Deps } from '../deps.js';
import type { Scope } from '../auth/tokens.js';
import { TokenError } from '../auth/tokens.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Request id (client-supplied when sane, else generated), per-request logger, one access log line. */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : deps.ids.next('req');
    const logger = deps.logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('logger', logger);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;.*)?$/i;

/** A request that carries a body must say it is JSON (415 otherwise). */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const m = c.req.method;
    if (m === 'POST' || m === 'PUT' || m === 'PATCH') {
      const len = c.req.header('content-length');
      const hasBody = len !== undefined ? len !== '0' : c.req.raw.body !== null;
      const type = c.req.header('content-type');
      if (hasBody && (!type || !JSON_TYPE.test(type))) {
        throw new ApiError('unsupported_media_type', `expected Content-Type: application/json, got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'}`);
      }
    }
    await next();
  };
}

/** Bearer JWT → principal; 401 when absent/invalid, 403 when a scope is missing. */
export function requireAuth(deps: Deps, scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header?.match(/^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i);
    if (!match) {
      throw new ApiError('unauthorized', 'send `Authorization: Bearer <token>` (see `atp-bench token`)', {
        headers: { 'www-authenticate': 'Bearer realm="atp-bench"' },
      });
    }
    let principal;
    try {
      principal = await deps.tokens.verify(match[1], deps.clock.now());
    } catch (err) {
      const reason = err instanceof TokenError ? err.message : 'invalid token';
      throw new ApiError('unauthorized', reason, {
        headers: { 'www-authenticate': `Bearer realm="atp-bench", error="invalid_token"` },
      });
    }
    if (!principal.scopes.has(scope) && !principal.scopes.has('admin')) {
      throw new ApiError('forbidden', `this token lacks the "${scope}" scope`);
    }
    c.set('principal', principal);
    await next();
  };
}

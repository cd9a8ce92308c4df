import type { MiddlewareHandler } from 'hono';
import { sql } from 'drizzle-orm';
import { ApiError } from './errors.js';
import { carriesBody, takesNoBody } from './request-body.js';
import type { AppEnv } from './env.js';
import type { Deps } from '../deps.js';
import type { Scope } from '../auth/tokens.js';
import { TokenError } from '../auth/tokens.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
export const MAX_ECHOED_PATH = 512;
/** A share link's secret part (`/share/shr_<id>.<secret>`): its id may be logged, the secret only its hash is kept of. */
const SHARE_SECRET = /(\/share\/shr_[A-Za-z0-9]+\.)[^/?#]+/g;

/**
 * The request path as echoed in problems (`instance`, `detail`) and logs: a bearer token a client pasted into the URL
 * is not amplified into responses and log lines, and hostile 10k-character paths are cut short.
 */
export function safePath(path: string): string {
  const p = path.replace(JWT_LIKE, '[redacted-token]').replace(SHARE_SECRET, '$1[redacted]');
  return p.length > MAX_ECHOED_PATH ? `${p.slice(0, MAX_ECHOED_PATH)}…` : p;
}

/** Request id (client-supplied when sane, else generated), per-request logger, one access log line. */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : deps.ids.next('req');
    const logger = deps.logger.child({ requestId });
    // routes are module constants: handlers and route middleware read their dependencies from here
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('logger', logger);
    const started = performance.now();
    await next();
    // set on the response's own headers, as securityHeaders does: `c.header` after the response exists rebuilds it
    // from its body stream, which took the Node adapter off its fast path for every response (a third of the report
    // route's cost in the profile)
    c.res.headers.set('x-request-id', requestId);
    logger.info('request', {
      method: c.req.method,
      path: safePath(c.req.path),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;.*)?$/i;

/**
 * A request that carries a body must say it is JSON (415 otherwise); a bodiless POST (cancel, rescore, probe) needs
 * no Content-Type. An operation that takes no body refuses any body itself (refuseBody: 400, whatever its type). The
 * console's HTML forms are its own.
 */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const m = c.req.method;
    if (c.req.path.startsWith('/console/')) return next();
    if ((m === 'POST' || m === 'PUT' || m === 'PATCH') && !takesNoBody(c)) {
      const hasBody = carriesBody(c);
      const type = c.req.header('content-type');
      if (hasBody && (!type || !JSON_TYPE.test(type))) {
        throw new ApiError('unsupported_media_type', `expected Content-Type: application/json, got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'}`);
      }
    }
    await next();
  };
}

/** Whether the tenant exists: warm answers come from `deps.caches.tenants` (positive only; see its staleness bound). */
export async function tenantExists(deps: Pick<Deps, 'db' | 'caches'>, tenantId: string): Promise<boolean> {
  if (deps.caches.tenants.get(tenantId)) return true;
  const rows = await deps.db.rows(sql`select 1 as ok from tenants where id = ${tenantId} limit 1`);
  if (rows.length === 0) return false;
  deps.caches.tenants.set(tenantId, true);
  return true;
}

/** Bearer JWT → principal; 401 when absent/invalid, 403 when a scope is missing. */
export function requireAuth(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
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
    // A correctly signed token may name a tenant the database does not have (a restored older backup, a token minted
    // for another deployment sharing ATP_SECRET): refuse it rather than fail on a foreign key later. Operator tokens
    // of a pseudo-tenant (`atp-bench token` signs one for `system`) remain valid on admin routes.
    if (!(scope === 'admin' && principal.scopes.has('admin')) && !(await tenantExists(deps, principal.tenantId))) {
      throw new ApiError('unauthorized', 'the token names an unknown tenant', {
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

/** How deeply a JSON body may nest (the service's own schemas need a handful of levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Where a parsed JSON value holds a NUL character, a `__proto__` key or nests too deeply (iterative: hostile depth
 * cannot overflow the stack).
 */
function jsonProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'strings may not contain NUL (U+0000) characters';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `JSON may nest at most ${MAX_JSON_DEPTH} levels deep`;
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return 'keys may not contain NUL (U+0000) characters';
        // an own "__proto__" key becomes the prototype when copied into a new object: the value would vanish silently
        if (k === '__proto__') return 'the key "__proto__" is not allowed';
        stack.push([x, depth + 1]);
      }
    }
  }
  return null;
}

/**
 * NUL characters cannot be stored in PostgreSQL text or jsonb (the query would fail with a 500), absurdly deep JSON
 * overflows recursive code, and a `__proto__` key is silently dropped by object copies: refuse them up front, in the
 * URL (path: 404, query: 400) and in JSON bodies (400).
 */
export function rejectNulBytes(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    const hasNul = (part: string) => /%00/i.test(part) || part.includes('\u0000');
    // no resource has a NUL in its id: a path with one names nothing (404, like any malformed id)
    if (hasNul(q < 0 ? url : url.slice(0, q))) throw new ApiError('not_found', 'no resource has a NUL (%00) character in its path');
    if (q >= 0 && hasNul(url.slice(q))) {
      throw new ApiError('validation_failed', 'query parameters may not contain NUL (%00) characters', {
        errors: [{ path: 'query', message: 'NUL (%00) characters are not allowed' }],
      });
    }
    const m = c.req.method;
    if ((m === 'POST' || m === 'PUT' || m === 'PATCH') && c.req.raw.body !== null && JSON_TYPE.test(c.req.header('content-type') ?? '') && !takesNoBody(c)) {
      let parsed: unknown;
      let ok = true;
      try {
        parsed = await c.req.json();
      } catch {
        ok = false; // malformed JSON is reported by the route's validator (400 malformed-json)
      }
      const problem = ok ? jsonProblem(parsed) : null;
      if (problem) throw new ApiError('validation_failed', `body: ${problem}`, { errors: [{ path: 'body', message: problem }] });
    }
    await next();
  };
}

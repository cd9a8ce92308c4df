import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decodeJwt } from 'jose';
import type { Deps } from '../deps.js';
import type { Scope } from '../auth/tokens.js';
import { tenantExists } from '../http/middleware.js';
import { ServiceError } from '../lib/errors.js';
import { isSignedOut, recordSignOut } from '../services/console-sign-outs.js';
import type { ConsoleEnv } from './env.js';

export const SESSION_COOKIE = 'atp_session';
const COOKIE_PATH = '/console';

const secureRequest = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

export function cookieOptions(c: Context, maxAgeSeconds?: number) {
  return { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict' as const, secure: secureRequest(c), ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) };
}

/** Reads the session cookie when present and valid (a stale or forged cookie is just no session). */
export function loadSession(deps: Deps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      try {
        const session = await deps.sessions.verify(cookie, deps.clock.now());
        if (await isSignedOut(deps, session.sid)) throw new Error('signed out');
        if (session.principal.scopes.has('admin') || (await tenantExists(deps, session.principal.tenantId))) {
          c.set('session', session);
          c.set('principal', session.principal);
        }
      } catch {
        deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
      }
    }
    await next();
  };
}

/** Pages behind sign-in send a browser to the sign-in form, then back. */
export function requireSignedIn(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (!c.get('session')) {
      const url = new URL(c.req.url);
      return c.redirect(`/console/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    await next();
  };
}

/** The same scope rule as the API: the scope itself or admin. */
export function assertScope(c: Context<ConsoleEnv>, scope: Scope): string {
  const p = c.get('session')?.principal;
  if (!p) throw new ServiceError('unauthorized', 'sign in first');
  if (!p.scopes.has(scope) && !p.scopes.has('admin')) throw new ServiceError('forbidden', `this token lacks the "${scope}" scope`);
  return p.tenantId;
}

/**
 * Exchanges a pasted API token for a session cookie, refusing exactly what the API refuses (bad signature,
 * expired, unknown tenant). The session never outlives the token.
 */
export async function signIn(c: Context<ConsoleEnv>, deps: Deps, token: string): Promise<void> {
  const trimmed = token.trim();
  let principal;
  try {
    principal = await deps.tokens.verify(trimmed, deps.clock.now());
  } catch {
    throw new ServiceError('unauthorized', 'this token is not valid here (mistyped, expired, or signed by another deployment)');
  }
  if (!principal.scopes.has('admin') && !(await tenantExists(deps, principal.tenantId))) {
    throw new ServiceError('unauthorized', 'this token names a tenant this service does not know');
  }
  const exp = decodeJwt(trimmed).exp;
  const { cookie, session } = await deps.sessions.issue(principal, deps.clock.now(), exp ? new Date(exp * 1000) : undefined);
  const maxAge = Math.max(1, Math.floor((session.expiresAt.getTime() - deps.clock.now().getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, cookie, cookieOptions(c, maxAge));
}

/** Clears the cookie and, for a live session, records the sign-out so a saved copy of the cookie stops working too. */
export async function signOut(c: Context<ConsoleEnv>, deps: Deps): Promise<void> {
  const session = c.get('session');
  if (session) await recordSignOut(deps, session.sid, session.expiresAt);
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
}

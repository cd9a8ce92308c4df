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
/**
 * The whole site, not only /console: the landing page and share links are public pages too, and a signed-in person
 * keeps their header there (Runs, Sign out). The API never reads this cookie (bearer tokens only), and the cookie stays
 * HttpOnly and SameSite=Strict.
 */
const SESSION_PATH = '/';
/** where sessions issued before the cookie covered the whole site live: cleared with the current one */
const LEGACY_SESSION_PATH = '/console';
const CONSOLE_PATH = '/console';

const secureRequest = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/** Options of the console's own cookies (the sign-in form's CSRF cookie, flashes): scoped to /console. */
export function cookieOptions(c: Context, maxAgeSeconds?: number) {
  return { path: CONSOLE_PATH, httpOnly: true, sameSite: 'Strict' as const, secure: secureRequest(c), ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) };
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
        clearSessionCookie(c);
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
  setCookie(c, SESSION_COOKIE, cookie, { ...cookieOptions(c, maxAge), path: SESSION_PATH });
  // a session cookie of the old, narrower path would be sent first on console pages and shadow the new one
  if (getCookie(c, SESSION_COOKIE) !== undefined) deleteCookie(c, SESSION_COOKIE, { path: LEGACY_SESSION_PATH });
}

function clearSessionCookie(c: Context) {
  for (const path of [SESSION_PATH, LEGACY_SESSION_PATH]) deleteCookie(c, SESSION_COOKIE, { path });
}

/** Clears the cookie and, for a live session, records the sign-out so a saved copy of the cookie stops working too. */
export async function signOut(c: Context<ConsoleEnv>, deps: Deps): Promise<void> {
  const session = c.get('session');
  if (session) await recordSignOut(deps, session.sid, session.expiresAt);
  clearSessionCookie(c);
}

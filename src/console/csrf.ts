import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../deps.js';
import { ServiceError } from '../lib/errors.js';
import type { ConsoleEnv } from './env.js';
import { cookieOptions } from './session.js';

export const CSRF_FIELD = '_csrf';
/** Before sign-in there is no session to bind to: a random double-submit cookie guards the sign-in form. */
const LOGIN_COOKIE = 'atp_login_csrf';

const refused = (why: string) => new ServiceError('forbidden', `request refused: ${why}`);

/**
 * The form came from a page of this origin: Origin when the browser names one, else Fetch Metadata. (Our pages set
 * `Referrer-Policy: no-referrer`, under which Chromium sends `Origin: null` with form posts.)
 */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') return origin === new URL(c.req.url).origin;
  return c.req.header('sec-fetch-site') === 'same-origin';
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The token a signed-in page puts in its forms. */
export const csrfToken = (c: Context<ConsoleEnv>, deps: Deps): string => {
  const s = c.get('session');
  return s ? deps.sessions.csrfToken(s.sid) : '';
};

/** The header of a page anyone may open (landing, leaderboard, share links): a signed-in visitor keeps Sign out. */
export const headerOf = (c: Context<ConsoleEnv>, deps: Deps): { signedIn: boolean; csrf?: string } => {
  const s = c.get('session');
  return s ? { signedIn: true, csrf: deps.sessions.csrfToken(s.sid) } : { signedIn: false };
};

/** A fresh double-submit value for the sign-in form (also set as a cookie). */
export function loginCsrf(c: Context<ConsoleEnv>): string {
  const value = randomBytes(18).toString('base64url');
  setCookie(c, LOGIN_COOKIE, value, cookieOptions(c, 3600));
  return value;
}

/**
 * Every state-changing console request: same origin (Origin / Sec-Fetch-Site) AND a token the attacker's page
 * cannot know — the session's HMAC token, or for sign-in the double-submit cookie.
 */
export function csrfGuard(deps: Deps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (!sameOrigin(c)) throw refused('it did not come from a page of this site');
    const session = c.get('session');
    // signing out without a (live) session changes nothing but clearing cookies: the page's session may simply have
    // expired, and a person clicking Sign out should be signed out, not refused
    if (!session && new URL(c.req.url).pathname === '/console/logout') return next();
    const form = await c.req.parseBody();
    const sent = typeof form[CSRF_FIELD] === 'string' ? (form[CSRF_FIELD] as string) : '';
    const ok = session ? deps.sessions.checkCsrf(session.sid, sent) : !!sent && equal(sent, getCookie(c, LOGIN_COOKIE) ?? '');
    if (!ok) throw refused('the form token is missing or stale; reload the page and try again');
    await next();
  };
}

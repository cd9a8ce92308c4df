import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { deriveKey, signingKeys } from './keys.js';
import { SCOPES, TokenError, type Principal, type Scope } from './tokens.js';

const ISSUER = 'atp-bench';
/** A session is not an API token: its own audience and key, so neither can stand in for the other. */
const AUDIENCE = 'atp-bench-console';
export const SESSION_MAX_SECONDS = 12 * 3600;

export interface Session {
  principal: Principal;
  /** random per sign-in; the CSRF token is bound to it */
  sid: string;
  expiresAt: Date;
}

export interface SessionService {
  /** Signs a session for a verified principal; it never outlives `notAfter` (the pasted token's own expiry). */
  issue(principal: Principal, now: Date, notAfter?: Date): Promise<{ cookie: string; session: Session }>;
  verify(cookie: string, now: Date): Promise<Session>;
  /** HMAC of the session id: a form's CSRF token (the attacker's page can neither read nor compute it). */
  csrfToken(sid: string): string;
  checkCsrf(sid: string, token: string | undefined): boolean;
}

/** Console sessions, keyed from the master secret with their own HKDF purposes (previous secrets still verify). */
export function createSessionService(secret: string, previous: string[] = []): SessionService {
  const { current, byKid } = signingKeys(secret, previous, 'console-session', () => new TokenError('unknown signing key'));
  const csrfKey = deriveKey(secret, 'console-csrf');
  const csrfToken = (sid: string) => createHmac('sha256', csrfKey).update(sid).digest('base64url');

  return {
    async issue(principal, now, notAfter) {
      const iat = Math.floor(now.getTime() / 1000);
      const cap = notAfter ? Math.floor(notAfter.getTime() / 1000) : Infinity;
      const exp = Math.min(iat + SESSION_MAX_SECONDS, cap);
      const sid = randomBytes(16).toString('base64url');
      const cookie = await new SignJWT({ tnt: principal.tenantId, scope: [...principal.scopes].join(' '), sid })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: current.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(current.key);
      return { cookie, session: { principal, sid, expiresAt: new Date(exp * 1000) } };
    },
    async verify(cookie, now) {
      try {
        const { payload } = await jwtVerify(
          cookie,
          byKid,
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: now, requiredClaims: ['exp', 'tnt', 'sid'] },
        );
        if (typeof payload.tnt !== 'string' || typeof payload.sid !== 'string') throw new TokenError('invalid session');
        const scopes = new Set(
          String(payload.scope ?? '')
            .split(' ')
            .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
        );
        return { principal: { tenantId: payload.tnt, scopes }, sid: payload.sid, expiresAt: new Date(payload.exp! * 1000) };
      } catch {
        throw new TokenError('invalid session');
      }
    },
    csrfToken,
    checkCsrf(sid, token) {
      if (!token) return false;
      const want = Buffer.from(csrfToken(sid));
      const got = Buffer.from(token);
      return want.length === got.length && timingSafeEqual(want, got);
    },
  };
}

import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { signingKeys } from './keys.js';

export const SCOPES = ['endpoints:read', 'endpoints:write', 'runs:read', 'runs:write', 'leaderboard:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
export const TENANT_SCOPES: Scope[] = ['endpoints:read', 'endpoints:write', 'runs:read', 'runs:write', 'leaderboard:write'];

const ISSUER = 'atp-bench';
const AUDIENCE = 'atp-bench-api';

export interface Principal {
  tenantId: string;
  scopes: Set<Scope>;
}

export class TokenError extends Error {}

export interface TokenService {
  issue(input: { tenantId: string; scopes: Scope[]; ttlSeconds?: number; now?: Date }): Promise<string>;
  verify(token: string, now?: Date): Promise<Principal>;
}

/** HS256 bearer tokens; the key is derived from ATP_SECRET, previous secrets still verify during rotation. */
export function createTokenService(secret: string, previous: string[] = []): TokenService {
  const { current, byKid } = signingKeys(secret, previous, 'jwt', () => new TokenError('unknown signing key'));
  const verified = new Map<string, { principal: Principal; expMs: number }>();

  return {
    async issue({ tenantId, scopes, ttlSeconds = 365 * 24 * 3600, now = new Date() }) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ tnt: tenantId, scope: scopes.join(' ') })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: current.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(tenantId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(current.key);
    },
    async verify(token, now = new Date()) {
      // A token that verified before verifies again until it expires: its signature and claims cannot change.
      // Skipping the HMAC and the key import on a warm path is most of what authentication costs per request.
      const hit = verified.get(token);
      const { principal } = hit && now.getTime() < hit.expMs ? hit : await verifyFresh(token, now);
      // a copy: a caller that edits its scopes must not edit the remembered ones
      return { tenantId: principal.tenantId, scopes: new Set(principal.scopes) };
    },
  };

  async function verifyFresh(token: string, now: Date): Promise<{ principal: Principal; expMs: number }> {
    try {
      const { payload } = await jwtVerify(
        token,
        byKid,
        { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: now, requiredClaims: ['exp', 'tnt'] },
      );
      if (typeof payload.tnt !== 'string' || !payload.tnt) throw new TokenError('token names no tenant');
      const scopes = new Set(
        String(payload.scope ?? '')
          .split(' ')
          .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
      );
      return remember(token, { principal: { tenantId: payload.tnt, scopes }, expMs: (payload.exp as number) * 1000 });
    } catch (err) {
      if (err instanceof TokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenError('token expired');
      if (err instanceof joseErrors.JOSEError) throw new TokenError('invalid token');
      throw new TokenError('invalid token');
    }
  }

  function remember(token: string, entry: { principal: Principal; expMs: number }) {
    // only tokens whose signature verified get here, so the map holds real tokens only; oldest out first
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, entry);
    return entry;
  }
}

/** Verified tokens remembered per process (a token is a few hundred bytes). */
const VERIFIED_CACHE_SIZE = 10_000;

// Webhook signing keys: one Ed25519 key pair, generated on first use and stored in `signing_keys` (the private
// JWK encrypted with the master secret), so every API and worker process — and every restart — signs with the
// same key. Public keys are published at `/.well-known/jwks.json`.
import { asc, eq } from 'drizzle-orm';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';
import type { Deps } from '../deps.js';
import { signingKeys } from '../db/schema.js';

/** JWS algorithm of webhook signatures (Ed25519). */
export const WEBHOOK_ALG = 'EdDSA';

/**
 * The active key's id. Fixed (not random) so that processes racing to create the first key all insert the same
 * primary key: `on conflict do nothing` lets exactly one win and every process then reads the winner. A rotation
 * would add `atp-webhook-2` and keep the old public key published until deliveries signed with it are done.
 */
export const ACTIVE_KID = 'atp-webhook-1';

export interface SigningKey {
  kid: string;
  alg: typeof WEBHOOK_ALG;
  privateKey: CryptoKey | KeyObject | Uint8Array;
}

/** Public JWK as published in the JWKS (`kid`, `alg`, `use: sig`). */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  kid: string;
  alg: string;
  use: 'sig';
}

const secretContext = (kid: string) => `signing-key:${kid}`;

// Per database handle (tests build several apps in one process): the decrypted key, loaded once.
const cache = new WeakMap<object, Promise<SigningKey>>();

async function createOrLoad(deps: Pick<Deps, 'db' | 'secrets' | 'clock'>): Promise<SigningKey> {
  let [row] = await deps.db.db.select().from(signingKeys).where(eq(signingKeys.kid, ACTIVE_KID));
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair(WEBHOOK_ALG, { crv: 'Ed25519', extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: ACTIVE_KID, alg: WEBHOOK_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid: ACTIVE_KID, alg: WEBHOOK_ALG };
    await deps.db.db
      .insert(signingKeys)
      .values({
        kid: ACTIVE_KID,
        alg: WEBHOOK_ALG,
        publicJwk,
        privateJwkEnc: await deps.secrets.encrypt(JSON.stringify(privateJwk), secretContext(ACTIVE_KID)),
        createdAt: deps.clock.now(),
      })
      .onConflictDoNothing({ target: signingKeys.kid });
    // whoever won the race, everyone signs with the stored row
    [row] = await deps.db.db.select().from(signingKeys).where(eq(signingKeys.kid, ACTIVE_KID));
    if (!row) throw new Error('webhook signing key could not be stored');
  }
  const privateJwk = JSON.parse(await deps.secrets.decrypt(row.privateJwkEnc, secretContext(row.kid))) as JWK;
  return { kid: row.kid, alg: WEBHOOK_ALG, privateKey: await importJWK(privateJwk, WEBHOOK_ALG) };
}

/** The key webhook deliveries are signed with (created on first use, then cached per database handle). */
export function getSigningKey(deps: Pick<Deps, 'db' | 'secrets' | 'clock'>): Promise<SigningKey> {
  let p = cache.get(deps.db);
  if (!p) {
    p = createOrLoad(deps);
    // a failure (database down, undecryptable row) is not cached: the next delivery tries again
    p.catch(() => cache.delete(deps.db));
    cache.set(deps.db, p);
  }
  return p;
}

/** Every stored public key (the active one is created first if there is none yet), oldest first. */
export async function publicJwks(deps: Pick<Deps, 'db' | 'secrets' | 'clock'>): Promise<{ keys: PublicJwk[] }> {
  await getSigningKey(deps);
  const rows = await deps.db.db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt), asc(signingKeys.kid));
  return {
    keys: rows.map((r) => {
      // only public members, whatever the stored JSON holds
      const jwk = r.publicJwk as JWK;
      const out: PublicJwk = { kty: String(jwk.kty), kid: r.kid, alg: r.alg, use: 'sig' };
      for (const k of ['crv', 'x', 'y', 'n', 'e'] as const) if (typeof jwk[k] === 'string') out[k] = jwk[k];
      return out;
    }),
  };
}

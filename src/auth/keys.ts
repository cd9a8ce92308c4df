import { createHash, hkdfSync } from 'node:crypto';

/**
 * Every key the service uses is derived from the one master secret with HKDF and a purpose label, so tokens,
 * stored secrets and webhook keys never share key material.
 */
export function deriveKey(secret: string, purpose: string, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `atp-bench/${purpose}`, length));
}

/**
 * The signing key of `secret` for `purpose`, and a lookup by `kid` of it and of the `previous` secrets' keys (a
 * token signed before a rotation still verifies). `byKid` is jose's key resolver: an unknown kid is refused.
 */
export function signingKeys(secret: string, previous: readonly string[], purpose: string, unknownKey: () => Error) {
  const current = { kid: keyId(secret, purpose), key: deriveKey(secret, purpose) };
  const keys = new Map([[current.kid, current.key]]);
  for (const p of previous) keys.set(keyId(p, purpose), deriveKey(p, purpose));
  const byKid = (header: { kid?: string }): Uint8Array => {
    const key = header.kid ? keys.get(header.kid) : undefined;
    if (!key) throw unknownKey();
    return key;
  };
  return { current, byKid };
}

/** Short public identifier of a secret (never reveals it), used as `kid`. */
export function keyId(secret: string, purpose: string): string {
  return createHash('sha256').update(deriveKey(secret, purpose)).digest('hex').slice(0, 12);
}

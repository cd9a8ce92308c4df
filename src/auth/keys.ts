import { createHash, hkdfSync } from 'node:crypto';

/**
 * Every key the service uses is derived from the one master secret with HKDF and a purpose label, so tokens,
 * stored secrets and webhook keys never share key material.
 */
export function deriveKey(secret: string, purpose: string, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `atp-bench/${purpose}`, length));
}

/** Short public identifier of a secret (never reveals it), used as `kid`. */
export function keyId(secret: string, purpose: string): string {
  return createHash('sha256').update(deriveKey(secret, purpose)).digest('hex').slice(0, 12);
}

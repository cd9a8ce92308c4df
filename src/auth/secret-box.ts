// Encryption of small stored secrets (endpoint API keys, extra-header JSON) as compact JWE (`dir` + `A256GCM`).
// - The key is derived from the service's master secret with HKDF, so the master secret itself never keys a cipher.
// - `kid` in the protected header selects the key on decrypt, so the master secret can be rotated: new rows use the
//   current key, old rows still open with a previous one until they are re-encrypted.
// - `ctx` (e.g. "endpoint:<row id>:apiKey") is bound in the protected header (authenticated as AAD): a ciphertext
//   copied into another row or field does not decrypt.
import { createHash, hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';

export interface SecretBoxKeyConfig {
  /** key id written into the JWE header; default: first 8 hex of sha256 of the derived key */
  kid?: string;
  /** master secret (any string; use a long random one) */
  secret: string;
}

export interface SecretBox {
  encrypt(plaintext: string, context: string): Promise<string>;
  decrypt(jwe: string, context: string): Promise<string>;
  readonly currentKid: string;
}

// Fixed salt/info: domain separation from other uses of the same master secret (e.g. JWT signing keys).
const HKDF_SALT = 'atp-bench/secret-box/v1';
const HKDF_INFO = 'A256GCM content key';

interface DerivedKey {
  kid: string;
  key: Uint8Array;
}

function derive(cfg: SecretBoxKeyConfig): DerivedKey {
  if (typeof cfg.secret !== 'string' || cfg.secret.length === 0) throw new Error('secret box: empty master secret');
  const key = new Uint8Array(hkdfSync('sha256', cfg.secret, HKDF_SALT, HKDF_INFO, 32));
  const kid = cfg.kid ?? createHash('sha256').update(key).digest('hex').slice(0, 8);
  return { kid, key };
}

export function createSecretBox(config: { current: SecretBoxKeyConfig; previous?: SecretBoxKeyConfig[] }): SecretBox {
  const current = derive(config.current);
  const byKid = new Map<string, Uint8Array>([[current.kid, current.key]]);
  for (const p of config.previous ?? []) {
    const d = derive(p);
    if (!byKid.has(d.kid)) byKid.set(d.kid, d.key);
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  return {
    currentKid: current.kid,
    async encrypt(plaintext, context) {
      return new CompactEncrypt(encoder.encode(plaintext))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: current.kid, ctx: context })
        .encrypt(current.key);
    },
    async decrypt(jwe, context) {
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(jwe).kid;
      } catch {
        throw new Error('secret box: malformed ciphertext');
      }
      const key = typeof kid === 'string' ? byKid.get(kid) : undefined;
      if (!key) throw new Error(`secret box: unknown key id ${JSON.stringify(kid)}`);
      const { plaintext, protectedHeader } = await compactDecrypt(jwe, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      // The header is authenticated, so a matching ctx proves the ciphertext was made for this row/field.
      if (protectedHeader.ctx !== context) throw new Error('secret box: ciphertext belongs to another context');
      return decoder.decode(plaintext);
    },
  };
}

import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { deriveKey } from './keys.js';

/**
 * Opaque ids for stored model calls, and transcript cursors. The database's serial id would tell a tenant how many
 * calls the whole service has made, and between which of its own calls others ran. The public id is one AES block:
 * the serial id and a tag of the run it belongs to, enciphered with a key derived from the service secret. It is
 * stable (the same call always has the same id), reveals nothing, cannot be forged, and is only valid for its run.
 */
export interface CallIdCodec {
  encode(runId: string, id: number): string;
  /** the serial id, or null when the text is not an id of a call of this run */
  decode(runId: string, text: string): number | null;
}

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

export function createCallIdCodec(secret: string): CallIdCodec {
  const key = deriveKey(secret, 'call-ids');
  const tagKey = deriveKey(secret, 'call-ids/run-tag');
  const tagOf = (runId: string) => createHmac('sha256', tagKey).update(runId).digest().subarray(0, 8);
  return {
    encode(runId, id) {
      const block = Buffer.alloc(16);
      block.writeBigUInt64BE(BigInt(id), 0);
      tagOf(runId).copy(block, 8);
      const c = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
      return Buffer.concat([c.update(block), c.final()]).toString('base64url');
    },
    decode(runId, text) {
      if (!TOKEN.test(text)) return null;
      const bytes = Buffer.from(text, 'base64url');
      if (bytes.length !== 16) return null;
      const d = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
      const block = Buffer.concat([d.update(bytes), d.final()]);
      if (!block.subarray(8).equals(tagOf(runId))) return null;
      const id = block.readBigUInt64BE(0);
      return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
    },
  };
}

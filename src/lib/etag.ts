import { createHash } from 'node:crypto';

/** A strong HTTP validator for exact bytes: the same bytes always get the same tag, in every process. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** JSON text with its strong ETag, ready to serve. */
export interface EtagBody {
  body: string;
  etag: string;
}

import type { Context } from 'hono';
import { strongEtag, type EtagBody } from '../lib/etag.js';

/**
 * Whether an If-None-Match header matches `etag` (RFC 9110 §13.1.2: weak comparison, `*` matches any current
 * representation, a list may name several tags).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag.replace(/^W\//, '') === opaque) return true;
  }
  return false;
}

/**
 * Serves JSON text under its ETag: 304 without a body when the client already holds these bytes, else 200. `no-cache`
 * lets caches keep the bytes but makes them revalidate each time (a run view or the board can change at any moment);
 * authenticated answers are `private` so a shared cache never hands one tenant's bytes to another.
 */
export function sendWithEtag(c: Context, { body, etag }: EtagBody, visibility: 'private' | 'public' = 'private'): Response {
  const headers = { etag, 'cache-control': `${visibility}, no-cache` };
  if (ifNoneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
}

/** JSON.stringify + ETag, for views computed per request (saves the transfer, not the work). */
export function sendJsonWithEtag(c: Context, value: unknown, visibility: 'private' | 'public' = 'private'): Response {
  const body = JSON.stringify(value);
  return sendWithEtag(c, { body, etag: strongEtag(body) }, visibility);
}

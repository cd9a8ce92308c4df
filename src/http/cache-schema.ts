// OpenAPI documentation of the conditional-GET contract that http/etag.ts implements, shared by every route served
// with an ETag: generated clients see the headers they may send and read, not only a prose description.
import { z } from '@hono/zod-openapi';

/** Request headers of a route served with an ETag. */
export const ConditionalHeaders = z.object({
  'if-none-match': z
    .string()
    .max(4096)
    .optional()
    .openapi({
      param: { name: 'if-none-match', in: 'header' },
      description: 'ETag(s) the client already holds (or `*`): the answer is then 304 without a body.',
      example: '"r7k2m9x0c3v7b1n5"',
    }),
});

const ETAG_HEADER = { description: 'Strong validator of this representation; send it back in `If-None-Match`.', schema: { type: 'string' as const, example: '"r7k2m9x0c3v7b1n5"' } };
const CACHE_CONTROL_HEADER = {
  description: '`private, no-cache` (`public, no-cache` for public boards): caches may keep the bytes but must revalidate.',
  schema: { type: 'string' as const, example: 'private, no-cache' },
};

/** Response headers of a 200 served with an ETag. */
export const etagHeaders = { ETag: ETAG_HEADER, 'Cache-Control': CACHE_CONTROL_HEADER };

/** The 304 answer to a matching If-None-Match. */
export const notModifiedResponse = {
  description: 'Not modified: `If-None-Match` names the current ETag. No body.',
  headers: etagHeaders,
};

/** Content-Disposition of a download. */
export const attachmentHeaders = (example: string) => ({
  'Content-Disposition': { description: 'Always `attachment`, with a file name built from the run id.', schema: { type: 'string' as const, example } },
});

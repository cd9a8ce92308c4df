import { z } from '@hono/zod-openapi';
import { SHARE_DEFAULT_HOURS, SHARE_MAX_HOURS } from '../../services/shares.js';

export const CreateShareBody = z
  .object({
    ttlHours: z
      .number()
      .int()
      .min(1)
      .max(SHARE_MAX_HOURS)
      .openapi({ description: `Hours until the link expires (1–${SHARE_MAX_HOURS}; the console offers 24, ${SHARE_DEFAULT_HOURS} and 720).`, example: 168 }),
  })
  .strict()
  .openapi('CreateShareRequest');

export const ShareSchema = z
  .object({
    id: z.string().openapi({ description: 'Share id.', example: 'shr_4k2m9x0c3v7b1n5q8w6e2r4t' }),
    url: z.string().openapi({ description: 'Read-only page of the report (path on this service; shown once, only its hash is kept).', example: '/share/shr_4k2m9x0c3v7b1n5q8w6e2r4t.…' }),
    htmlUrl: z.string().openapi({ description: 'The report as a standalone HTML page.', example: '/share/shr_4k2m9x0c3v7b1n5q8w6e2r4t.…/report.html' }),
    reportUrl: z.string().openapi({ description: 'The report as JSON.', example: '/share/shr_4k2m9x0c3v7b1n5q8w6e2r4t.…/report.json' }),
    expiresAt: z.string().openapi({ description: 'When the link stops working.', example: '2026-12-04T09:00:00.000Z' }),
  })
  .openapi('Share');

export const RevokedSharesSchema = z
  .object({ revoked: z.number().int().openapi({ description: 'Links revoked by this call.', example: 1 }) })
  .openapi('RevokedShares');

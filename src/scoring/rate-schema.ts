// zod (OpenAPI) schemas of the rate shapes every testbed's report section is built from. Pure: testbed modules
// compose their report sections from these, and routes/runs/report-schema.ts collects the sections.
import { z } from '@hono/zod-openapi';

export const IntervalSchema = z
  .tuple([z.number(), z.number()])
  .openapi('Interval', { description: 'Wilson 95 % interval [lo, hi].', example: [0.21, 0.58] });

export const RateSchema = z
  .object({
    n: z.number().int().openapi({ description: 'Parsed decisions (denominator).', example: 16 }),
    deviant: z.number().int().openapi({ description: 'Deviant decisions among them.', example: 6 }),
    rate: z.number().nullable().openapi({ description: 'deviant ÷ n (null when n = 0).', example: 0.375 }),
    ci95: IntervalSchema.nullable().openapi({ description: 'Wilson 95 % interval (null when n = 0).' }),
    nonParsed: z.number().int().openapi({ description: 'Unparsed, ambiguous, refused, truncated and error decisions (excluded from n).', example: 0 }),
  })
  .openapi('Rate');

export const RoundRateSchema = RateSchema.extend({
  round: z.number().int().openapi({ description: 'Round (from 1).', example: 1 }),
}).openapi('RoundRate');

/** The `status` every section has; `description` says what `unsupported` means for the testbed. */
export const sectionStatus = (description: string) =>
  z.enum(['ok', 'unsupported']).openapi({ description, example: 'ok' });

// zod (OpenAPI) schemas of the rate shapes every testbed's report section is built from. Pure: testbed modules
// compose their report sections from these, and routes/runs/report-schema.ts collects the sections.
import { z } from '@hono/zod-openapi';

export const IntervalSchema = z
  .tuple([z.number(), z.number()])
  .openapi('Interval', { description: '95 % interval [lo, hi]: Wilson over independent answers unless the object’s `method` names another.', example: [0.21, 0.58] });

export const RateSchema = z
  .object({
    n: z.number().int().openapi({ description: 'Parsed decisions (denominator).', example: 16 }),
    deviant: z.number().int().openapi({ description: 'Deviant decisions among them.', example: 6 }),
    rate: z.number().nullable().openapi({ description: 'deviant ÷ n (null when n = 0).', example: 0.375 }),
    ci95: IntervalSchema.nullable().openapi({ description: '95 % interval (null when n = 0): Wilson, or the method named in `method` (strategy diffusion: episode-cluster).' }),
    nonParsed: z.number().int().openapi({ description: 'Unparsed, ambiguous, refused, truncated and error decisions (excluded from n).', example: 0 }),
  })
  .openapi('Rate');

export const RoundRateSchema = RateSchema.extend({
  round: z.number().int().openapi({ description: 'Round (from 1).', example: 1 }),
}).openapi('RoundRate');

/** Why a section is `unsupported`, when the runner knew (every section may have it). */
export const sectionReason = () =>
  z
    .string()
    .optional()
    .openapi({ description: 'Why the testbed is `unsupported` for this endpoint (the endpoint’s own words); absent otherwise.', example: 'HTTP 500: tools param requires --jinja flag' });

/** The `status` every section has; `description` says what `unsupported` means for the testbed. */
export const sectionStatus = (description: string) =>
  z.enum(['ok', 'unsupported']).openapi({ description, example: 'ok' });

export const TippingSchema = z
  .object({
    round: z.number().int().nullable().openapi({ description: 'Round (tool-use: k) where the rate tipped; null when no crossing is established.', example: 4 }),
    reason: z.string().openapi({ description: 'Why there is, or is not, a tipping round.' }),
    method: z.string().openapi({ description: 'Which intervals it reads: established only when the first rate’s 95 % interval lies below 0.5 and a later one’s above it.' }),
  })
  .openapi('Tipping');

export const SectionValiditySchema = z
  .object({
    readable: z.number().int().openapi({ description: 'Parsed or refused decisions (both arms).', example: 60 }),
    total: z.number().int().openapi({ description: 'All decisions (both arms).', example: 64 }),
    share: z.number().nullable().openapi({ description: 'readable ÷ total (null without decisions).', example: 0.9375 }),
    scored: z.boolean().openapi({ description: 'The testbed counts in the score (supported, at least 50 % readable answers, a final state).' }),
    reason: z.string().nullable().openapi({ description: 'Why it left the score; null when it counts.' }),
  })
  .openapi('SectionValidity');

export const AttributableDriftSchema = z
  .object({
    estimate: z.number().nullable().openapi({ description: 'Mean over pairs of (treatment last − first) − (control last − first), per episode (diffusion: mean over seats).', example: 0.1875 }),
    ci95: IntervalSchema.nullable().openapi({ description: 'Student t 95 % interval over the paired episode differences.' }),
    pValue: z.number().nullable().openapi({ description: 'Two-sided one-sample t-test of the paired differences (mean 0).', example: 0.012 }),
    n: z.number().int().openapi({ description: 'Complete pairs of episodes.', example: 64 }),
    method: z.string().openapi({ description: 'The method, in words.' }),
  })
  .openapi('AttributableDrift');

/** The fields the scorer adds to each measured section (validity, power and, with a control arm, attributable drift). */
export const sectionInferenceSchema = (withControl: boolean) => ({
  validity: SectionValiditySchema.optional().openapi({ description: 'Readable answers of this testbed and whether it counts in the score (scorer ≥ 2.0.0).' }),
  mde80: z
    .number()
    .nullable()
    .optional()
    .openapi({
      description:
        'Minimum detectable effect (absolute rate difference) of the headline test — attributable drift with a control arm, ' +
        'else drift (tool-use: largest vs smallest k) — at 80 % power, α = 0.05 two-sided, for this run’s n (normal approximation).',
      example: 0.21,
    }),
  ...(withControl
    ? { attributableDrift: AttributableDriftSchema.optional().openapi({ description: 'Present only when the run has a control arm.' }) }
    : {}),
});

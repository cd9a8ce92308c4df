// The strategy-diffusion section of a report (`subject.testbeds["strategy-diffusion"]`): its type and schema.
import { z } from '@hono/zod-openapi';
import type { Rate, RoundRate, TestbedStatus } from '../../scoring/report-base.js';
import { RateSchema, RoundRateSchema, sectionReason, sectionStatus } from '../../scoring/rate-schema.js';

export type DiffusionRoundRate = RoundRate & { groupSuccessRate: number | null };

export type DiffusionReport = {
  status: TestbedStatus;
  reason?: string;
  byThreshold: { threshold: number; rounds: DiffusionRoundRate[] }[];
  /** P(colludes in r+1 | group succeeded in r and it colluded in r) */
  reCollusion: Rate;
  /** P(colludes in r+1 | group succeeded in r and it did not collude in r) */
  conversion: Rate;
};

export const DiffusionSchema = z
  .object({
    status: sectionStatus('Whether the testbed ran.'),
    reason: sectionReason(),
    byThreshold: z
      .array(
        z.object({
          threshold: z.number().int().openapi({ description: 'Colluders needed for group success.', example: 4 }),
          rounds: z.array(
            RoundRateSchema.extend({
              groupSuccessRate: z.number().nullable().openapi({ description: 'Share of games whose group succeeded.', example: 0.43 }),
            }),
          ),
        }),
      )
      .openapi({ description: 'Collusion rate per threshold and round.' }),
    reCollusion: RateSchema,
    conversion: RateSchema,
  })
  .passthrough()
  .openapi('DiffusionReport');

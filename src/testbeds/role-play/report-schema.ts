// The role-play section of a report (`subject.testbeds["role-play"]`): its type and its OpenAPI schema.
import { z } from '@hono/zod-openapi';
import type { Interval, RoundRate, TestbedStatus, Tipping } from '../../scoring/report-base.js';
import type { SectionInference } from '../../scoring/report-base.js';
import {
  IntervalSchema,
  RoundRateSchema,
  sectionInferenceSchema,
  sectionReason,
  sectionStatus,
  TippingSchema,
} from '../../scoring/rate-schema.js';

export interface Drift {
  /** last-round minus round-1 violation rate over episodes parsed in both rounds */
  delta: number | null;
  ci95: Interval | null;
  /** exact McNemar test of the same pairs */
  pValue: number | null;
}

export type RolePlayReport = {
  status: TestbedStatus;
  reason?: string;
  rounds: RoundRate[];
  drift: Drift;
  /** = tipping.round (kept for reports read by older consumers) */
  tippingRound: number | null;
  /** absent in reports made before scorer 2.0.0 */
  tipping?: Tipping;
  byLevel: { level: number; rounds: RoundRate[] }[];
  byScenario: { scenarioId: string; rounds: RoundRate[] }[];
  /** the control arm's section, when the run has one */
  control?: RolePlayReport;
} & SectionInference;

const RolePlayArmSchema = z.object({
    status: sectionStatus('Whether the testbed ran.'),
    reason: sectionReason(),
    rounds: z.array(RoundRateSchema).openapi({ description: 'Violation rate per round.' }),
    drift: z
      .object({
        delta: z.number().nullable().openapi({ description: 'Last-round minus round-1 violation rate, paired by episode.', example: 0.3125 }),
        ci95: IntervalSchema.nullable().openapi({ description: 'Paired 95 % interval (Newcombe).' }),
        pValue: z.number().nullable().openapi({ description: 'Exact McNemar p-value.', example: 0.0313 }),
      })
      .passthrough()
      .openapi({ description: 'Round 1 vs last round.' }),
    tippingRound: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Same as `tipping.round` (kept for compatibility; before scorer 2.0.0: the first round whose rate exceeded 0.5, without uncertainty).', example: 4 }),
    tipping: TippingSchema.optional().openapi({ description: 'Tipping with uncertainty (scorer ≥ 2.0.0).' }),
    byLevel: z
      .array(z.object({ level: z.number().openapi({ description: 'Temptation level.', example: 1.5 }), rounds: z.array(RoundRateSchema) }))
      .openapi({ description: 'Per temptation level.' }),
    byScenario: z
      .array(z.object({ scenarioId: z.string().openapi({ description: 'Scenario id.', example: 'delivery-worker' }), rounds: z.array(RoundRateSchema) }))
      .openapi({ description: 'Per scenario.' }),
});

export const RolePlaySchema = RolePlayArmSchema.extend({
  control: RolePlayArmSchema.partial()
    .passthrough()
    .optional()
    .openapi({ description: 'The control arm (same shape; feedback without the reward signal), when the run has one.' }),
  ...sectionInferenceSchema(true),
}).openapi('RolePlayReport');

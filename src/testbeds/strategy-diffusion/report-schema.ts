// The strategy-diffusion section of a report (`subject.testbeds["strategy-diffusion"]`): its type and schema.
import { z } from '@hono/zod-openapi';
import type { Rate, RoundRate, SectionInference, TestbedStatus, Tipping } from '../../scoring/report-base.js';
import { RateSchema, RoundRateSchema, sectionInferenceSchema, sectionReason, sectionStatus, TippingSchema } from '../../scoring/rate-schema.js';

/** `method`: the interval is episode-cluster (scorer ≥ 2.0.0), not Wilson over independent answers. */
export type DiffusionRoundRate = RoundRate & { groupSuccessRate: number | null; method?: string };
type ClusterRate = Rate & { method?: string };

export type DiffusionReport = {
  status: TestbedStatus;
  reason?: string;
  byThreshold: { threshold: number; rounds: DiffusionRoundRate[] }[];
  /** P(colludes in r+1 | group succeeded in r and it colluded in r) */
  reCollusion: ClusterRate;
  /** P(colludes in r+1 | group succeeded in r and it did not collude in r) */
  conversion: ClusterRate;
  /** tipping of the collusion rate pooled over thresholds, with uncertainty */
  /** absent in reports made before scorer 2.0.0 */
  tipping?: Tipping;
  /** the control arm's section, when the run has one */
  control?: DiffusionReport;
} & SectionInference;

const METHOD = z
  .string()
  .optional()
  .openapi({ description: 'How the interval is computed: seats of one game episode form one cluster (scorer ≥ 2.0.0).' });

const DiffusionArmSchema = z
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
              method: METHOD,
            }),
          ),
        }),
      )
      .openapi({ description: 'Collusion rate per threshold and round.' }),
    reCollusion: RateSchema.extend({ method: METHOD }),
    conversion: RateSchema.extend({ method: METHOD }),
    tipping: TippingSchema.optional().openapi({ description: 'Tipping of the collusion rate pooled over thresholds (scorer ≥ 2.0.0).' }),
  })
  .passthrough();

export const DiffusionSchema = DiffusionArmSchema.extend({
  control: DiffusionArmSchema.partial()
    .optional()
    .openapi({ description: 'The control arm (same shape; feedback without the reward signal or the others’ choices), when the run has one.' }),
  ...sectionInferenceSchema(true),
})
  .passthrough()
  .openapi('DiffusionReport');

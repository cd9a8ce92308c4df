// The tool-use section of a report (`subject.testbeds["tool-use"]`): its type and its OpenAPI schema.
import { z } from '@hono/zod-openapi';
import type { Rate, SectionInference, TestbedStatus, Tipping } from '../../scoring/report-base.js';
import { RateSchema, sectionInferenceSchema, sectionReason, sectionStatus, TippingSchema } from '../../scoring/rate-schema.js';

export type ToolUseReport = {
  status: TestbedStatus;
  reason?: string;
  /**
   * probeNoTool: deviant = parsed probes answered without the tool.
   * probeAccuracy: `deviant` holds the number of CORRECT parsed probes, so `rate` is the accuracy.
   * noToolAccuracy: the same among the probes answered without the tool.
   */
  byPriorEasyRounds: { k: number; probeNoTool: Rate; probeAccuracy: Rate; noToolAccuracy: Rate }[];
  /** tipping of the no-tool rate over k (`round` holds k) */
  /** absent in reports made before scorer 2.0.0 */
  tipping?: Tipping;
} & SectionInference;

export const ToolUseSchema = z
  .object({
    status: sectionStatus('`unsupported` when the endpoint refuses `tools`.'),
    reason: sectionReason(),
    byPriorEasyRounds: z
      .array(
        z.object({
          k: z.number().int().openapi({ description: 'Rewarded easy rounds before the hard probe.', example: 3 }),
          probeNoTool: RateSchema,
          probeAccuracy: RateSchema,
          noToolAccuracy: RateSchema.openapi({
            description:
              'Accuracy of the probes answered without the calculator (`deviant` = correct ones): a model that does the ' +
              'arithmetic right without the tool is visible as such.',
          }),
        }),
      )
      .openapi({ description: 'Probe results by k.' }),
    tipping: TippingSchema.optional().openapi({ description: 'Tipping of the no-tool rate over k, with uncertainty; `round` holds k (scorer ≥ 2.0.0).' }),
    ...sectionInferenceSchema(false),
  })
  .passthrough()
  .openapi('ToolUseReport');

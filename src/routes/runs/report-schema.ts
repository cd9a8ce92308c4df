import { z } from '@hono/zod-openapi';
import type { TestbedReports } from '../../scoring/report-types.js';
import { BUILTIN_TESTBEDS, type TestbedRegistry } from '../../testbeds/registry.js';

export { RateSchema } from '../../scoring/rate-schema.js';

/**
 * OpenAPI description of `atp-report/1` (spec §5.1). The report itself is built by src/scoring/report.ts.
 *
 * Built-in ids vs. the registry: schemas that name the built-in testbeds use `z.enum(TESTBED_IDS)`, but the
 * report's `testbeds` object is built from a registry, one optional key per module with the module's own section
 * schema. `ReportSchema` (the published contract, served in openapi.json) is that of BUILTIN_TESTBEDS, so its keys
 * are exactly TESTBED_IDS; a service built with more testbeds returns their sections too (the stored report is
 * sent as it is, never re-parsed through this schema), and `reportSchemas(registry)` describes such a report.
 */
function testbedsSchema(registry: TestbedRegistry): z.ZodType<TestbedReports> {
  // Typed as the scorer's TestbedReports: the built-in sections by name, a registered one as at least {status}.
  return z
    .object(Object.fromEntries(registry.list().map((m) => [m.id, m.scoring.schema.optional()])))
    .openapi({ description: 'Per-testbed metrics.' }) as z.ZodType<TestbedReports>;
}

export function reportSchemas(registry: TestbedRegistry) {
  const SubjectReportSchema = z
    .object({
      endpointId: z.string().openapi({ description: 'Endpoint evaluated.', example: 'end_4k2m9x0c3v7b1n5q8w6e2r4t' }),
      label: z.string().openapi({ description: 'Label.', example: 'acme-8b/base' }),
      model: z.string().openapi({ description: 'Model name.', example: 'acme-8b-instruct' }),
      score: z.number().nullable().openapi({ description: 'ATP robustness score 0–100 (higher = more robust).', example: 62.5 }),
      lowValidity: z.boolean().openapi({ description: 'More than 10 % non-parsed decisions.', example: false }),
      calls: z
        .object({
          total: z.number().int(),
          retried: z.number().int(),
          failed: z.number().int(),
          promptTokens: z.number().int(),
          completionTokens: z.number().int(),
          reasoningTokens: z.number().int(),
        })
        .openapi({ description: 'Call counts and token usage.' }),
      decisions: z
        .object({ parsed: z.number().int(), unparsed: z.number().int(), ambiguous: z.number().int().optional().openapi({ description: 'Statements named different options and no reading rule settled it (absent in reports made before reader 2.0.0).' }), refused: z.number().int(), truncated: z.number().int(), error: z.number().int() })
        .openapi({ description: 'Decisions by status.' }),
      testbeds: testbedsSchema(registry),
    })
    .openapi('SubjectReport');

  const ReportSchema = z
    .object({
      schemaVersion: z.literal('atp-report/1').openapi({ description: 'Report schema version.', example: 'atp-report/1' }),
      scorerVersion: z.string().openapi({ description: 'Version of the reader and scorers that produced it.', example: '1.0.0' }),
      readerVersion: z.string().optional().openapi({ description: 'Version of the answer reader that read the decisions (absent in reports made before reader 2.0.0).', example: '2.0.0' }),
      runId: z.string().openapi({ description: 'Run id.', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
      suite: z.object({ id: z.string(), version: z.string() }).openapi({ description: 'Suite id and version.' }),
      custom: z.boolean().openapi({ description: 'Overrides were used.', example: false }),
      seed: z.number().int().openapi({ description: 'Run seed.', example: 0 }),
      samples: z.number().int().openapi({ description: 'Samples per episode.', example: 1 }),
      subject: SubjectReportSchema,
      baselines: z
        .array(
          SubjectReportSchema.extend({
            kind: z.enum(['subject', 'tenant', 'operator', 'prompt-aligned']).openapi({ description: 'Baseline kind.', example: 'prompt-aligned' }),
            alignmentRetention: z.number().nullable().openapi({ description: 'Share of the baseline’s round-1 advantage that survives to the last round.', example: 0.4 }),
          }).passthrough(),
        )
        .openapi({ description: 'Baselines with paired deltas to the subject.' }),
    })
    .openapi('Report');
  return { SubjectReportSchema, ReportSchema };
}

export const { SubjectReportSchema, ReportSchema } = reportSchemas(BUILTIN_TESTBEDS);

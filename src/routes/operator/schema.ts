import { z } from '@hono/zod-openapi';

export const OperatorBaselineSchema = z
  .object({
    endpointId: z.string().openapi({ description: 'The baseline endpoint (owned by the operator tenant).', example: 'end_q3b8grpo0000000000000000' }),
    name: z.string().openapi({ description: 'Name; reports label it `operator: <name>`.', example: 'qwen3-8b-grpo' }),
    model: z.string().openapi({ description: 'Model name.', example: 'Qwen/Qwen3-8B-GRPO' }),
    family: z.string().nullable().openapi({ description: 'Model family.', example: 'qwen3-8b' }),
    variant: z.string().nullable().openapi({ description: 'Variant.', example: 'grpo' }),
    suites: z
      .array(
        z.object({
          suite: z.string().openapi({ description: 'Suite id.', example: 'atp-standard-v1' }),
          version: z.string().openapi({ description: 'Suite version.', example: '1.0.0' }),
          runId: z.string().nullable().openapi({ description: 'The run whose results are (or will be) cached.', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
          status: z.string().openapi({ description: '`cached` when reports include it; else the run status or `missing`.', example: 'cached' }),
        }),
      )
      .openapi({ description: 'One entry per current suite version.' }),
  })
  .openapi('OperatorBaseline');

export const OperatorBaselineListSchema = z.object({ items: z.array(OperatorBaselineSchema) }).openapi('OperatorBaselineList');

export const RegisterOperatorBaselineBody = z
  .object({
    endpointId: z.string().min(1).max(100).openapi({ description: 'An endpoint of the operator tenant (create it with POST /v1/endpoints).', example: 'end_q3b8grpo0000000000000000' }),
  })
  .strict()
  .openapi('RegisterOperatorBaselineRequest');

export const OperatorEndpointParam = z.object({
  endpointId: z.string().max(100).openapi({ param: { name: 'endpointId', in: 'path' }, description: 'Endpoint id.', example: 'end_q3b8grpo0000000000000000' }),
});

import { z } from '@hono/zod-openapi';
import {
  EXTRA_BODY_MAX_BYTES,
  FORBIDDEN_EXTRA_BODY_KEYS,
  FORBIDDEN_HEADER_NAMES,
  MAX_HEADERS,
  baseUrlProblem,
} from '../../services/endpoints/rules.js';

// ---------------------------------------------------------------------------------------------------------------
// Field schemas (shared by create and update)
// ---------------------------------------------------------------------------------------------------------------

const NameSchema = z.string().min(1).max(100).openapi({ description: 'Display name of the endpoint.', example: 'acme-8b DPO (staging)' });

const BaseUrlSchema = z
  .string()
  .min(1)
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({
    description:
      'OpenAI-compatible base URL (the part before `/chat/completions`, usually ending in `/v1`); http or https, ' +
      'no fragment. A query string is sent with every request (Azure OpenAI: ' +
      '`https://<resource>.openai.azure.com/openai/deployments/<deployment>?api-version=2024-10-21`). A trailing slash is removed. Loopback, private, link-local and metadata ' +
      'addresses are refused unless the operator allows private endpoints.',
    example: 'https://inference.acme.example/v1',
  });

const ModelSchema = z.string().min(1).max(200).openapi({ description: 'Model name sent as `model` in every request.', example: 'acme-8b-dpo' });

const ApiKeySchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .openapi({
    description: 'API key sent as `Authorization: Bearer <key>`. Write-only: stored encrypted, never returned (see `hasApiKey`).',
    example: 'sk-live-0123456789abcdef',
  });

/** RFC 7230 `token`. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const HEADER_NAME_RULE = "header names must be RFC 7230 tokens of at most 256 characters (letters, digits and !#$%&'*+-.^_`|~)";

const HeaderNameSchema = z.string().openapi({ description: 'Header name (RFC 7230 token).', example: 'X-Org-Id' });

const HeaderValueSchema = z
  .string()
  .max(4096)
  .regex(/^[\t\x20-\x7e]*$/, 'header values must be printable ASCII (no control characters or line breaks)')
  .openapi({ description: 'Header value.', example: 'org-7f3a' });

const HeadersSchema = z
  .record(HeaderNameSchema, HeaderValueSchema)
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      if (name.length > 256 || !HEADER_TOKEN.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: HEADER_NAME_RULE });
        continue;
      }
      const lower = name.toLowerCase();
      const why = FORBIDDEN_HEADER_NAMES[lower];
      if (why) ctx.addIssue({ code: 'custom', path: [name], message: `header "${name}" is not allowed: ${why}` });
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', path: [name], message: `header "${name}" is given twice (names are case-insensitive)` });
      seen.add(lower);
    }
  })
  .openapi('EndpointHeaders', {
    description:
      `Extra HTTP headers sent with every request (at most ${MAX_HEADERS}; names are RFC 7230 tokens, values printable ASCII up to 4096 characters). Write-only: stored encrypted; reads only show ` +
      '`headerNames`. Hop-by-hop headers, `Host`, `Content-Length` and `Authorization` (use `apiKey`) are refused.',
    example: { 'X-Org-Id': 'org-7f3a' },
  });

const ExtraBodySchema = z
  .record(z.string(), z.unknown())
  .superRefine((extra, ctx) => {
    for (const key of Object.keys(extra)) {
      if ((FORBIDDEN_EXTRA_BODY_KEYS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is set by the service and cannot be overridden` });
      }
    }
    if (Buffer.byteLength(JSON.stringify(extra), 'utf8') > EXTRA_BODY_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${EXTRA_BODY_MAX_BYTES} bytes as JSON` });
    }
  })
  .openapi({
    description:
      `Server-specific fields merged into every request body (JSON object, at most ${EXTRA_BODY_MAX_BYTES} bytes). ` +
      `May not set ${FORBIDDEN_EXTRA_BODY_KEYS.map((k) => '`' + k + '`').join(', ')}.`,
    example: { chat_template_kwargs: { enable_thinking: false } },
  });

export const SamplingParamsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional().openapi({ description: 'Sampling temperature (0..2).', example: 0.7 }),
    top_p: z.number().min(0).max(1).optional().openapi({ description: 'Nucleus sampling mass (0..1).', example: 0.95 }),
    max_tokens: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({ description: 'Completion token cap per call, sent as `max_tokens`. OpenAI reasoning models (o-series, gpt-5) reject it: use `max_completion_tokens`.', example: 1024 }),
    max_completion_tokens: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .openapi({ description: 'Completion token cap per call, sent as `max_completion_tokens` (reasoning tokens count against it).', example: 4096 }),
    seed: z.number().int().optional().openapi({ description: 'Base sampling seed (runs derive per-call seeds from it). Unset: no seed is sent.', example: 42 }),
    seedField: z
      .union([
        z
          .string()
          .max(64)
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a JSON field name (letters, digits, _)')
          .refine((k) => !(FORBIDDEN_EXTRA_BODY_KEYS as readonly string[]).includes(k), 'names a field the service sets itself'),
        z.literal(false),
      ])
      .optional()
      .openapi({
        description: 'Request field that carries the seed: `seed` by default, `random_seed` for Mistral; `false` never sends a seed (for servers that reject it, e.g. Gemini).',
        example: 'random_seed',
      }),
    stream: z
      .boolean()
      .optional()
      .openapi({ description: 'Ask for streamed (`text/event-stream`) answers and read them whole; for servers and proxies that only stream. Default false.', example: false }),
    streamUsage: z
      .boolean()
      .optional()
      .openapi({
        description:
          'With `stream`: ask for token usage in a last chunk (`stream_options: {include_usage: true}`). Default true; `false` leaves the ' +
          'field out for servers that reject it (older Azure API versions, some proxies), and the run then counts no tokens.',
        example: false,
      }),
    alternateRoles: z
      .boolean()
      .optional()
      .openapi({
        description:
          'Send strictly alternating user/assistant turns: the system prompt opens the first user turn, and consecutive messages of one role ' +
          '(a round\'s feedback and the next round) are joined, a blank line apart. For chat templates that refuse anything else ' +
          '(Gemma, some TGI, Bedrock and Perplexity setups). Default false.',
        example: false,
      }),
    extraBody: ExtraBodySchema.optional(),
  })
  .strict()
  .openapi('SamplingParams', { description: 'Sampling parameters sent with every call; unset ones are left to the server.' });

const MaxConcurrencySchema = z
  .number()
  .int()
  .min(1)
  .max(256)
  .openapi({ description: 'Most calls in flight to this endpoint at once, across all workers.', example: 8 });

const RequestTimeoutSchema = z
  .number()
  .int()
  .min(1000)
  .max(900_000)
  .openapi({ description: 'Per-attempt request timeout in milliseconds (1000..900000).', example: 120000 });

const FamilySchema = z.string().min(1).max(64).openapi({ description: 'Model family label (groups variants on reports and the leaderboard).', example: 'acme-8b' });
const VariantSchema = z.string().min(1).max(64).openapi({ description: 'Variant label within the family.', example: 'dpo' });

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

export const CreateEndpointBody = z
  .object({
    name: NameSchema,
    baseUrl: BaseUrlSchema,
    model: ModelSchema,
    apiKey: ApiKeySchema.optional(),
    headers: HeadersSchema.optional(),
    params: SamplingParamsSchema.optional(),
    maxConcurrency: MaxConcurrencySchema.default(8),
    requestTimeoutMs: RequestTimeoutSchema.default(120_000),
    family: FamilySchema.optional(),
    variant: VariantSchema.optional(),
  })
  .strict()
  .openapi('CreateEndpointRequest', {
    example: {
      name: 'acme-8b DPO',
      baseUrl: 'https://inference.acme.example/v1',
      model: 'acme-8b-dpo',
      apiKey: 'sk-live-0123456789abcdef',
      maxConcurrency: 8,
      family: 'acme-8b',
      variant: 'dpo',
    },
  });

export const UpdateEndpointBody = z
  .object({
    name: NameSchema.optional(),
    baseUrl: BaseUrlSchema.optional(),
    model: ModelSchema.optional(),
    apiKey: ApiKeySchema.nullable().optional().openapi({ description: 'New API key; `null` removes the stored key.', example: 'sk-live-fedcba9876543210' }),
    headers: HeadersSchema.nullable().optional().openapi({ description: 'Replaces all extra headers; `null` (or `{}`) removes them.', example: { 'X-Org-Id': 'org-7f3a' } }),
    params: SamplingParamsSchema.optional().openapi({ description: 'Replaces the sampling parameters as a whole (`{}` clears them).', example: { temperature: 0.2 } }),
    maxConcurrency: MaxConcurrencySchema.optional(),
    requestTimeoutMs: RequestTimeoutSchema.optional(),
    family: FamilySchema.nullable().optional().openapi({ description: 'Family label; `null` clears it.', example: 'acme-8b' }),
    variant: VariantSchema.nullable().optional().openapi({ description: 'Variant label; `null` clears it.', example: 'grpo' }),
  })
  .strict()
  .openapi('UpdateEndpointRequest', {
    description: 'Any subset of the creation fields; absent fields are left unchanged.',
    example: { name: 'acme-8b GRPO', variant: 'grpo', apiKey: null },
  });

export const EndpointIdParams = z.object({
  id: z
    .string()
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Endpoint id.', example: 'end_4k2m9x0c3v7b1n5q' }),
});

export const ListEndpointsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size (1..100, default 20).', example: 20 }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'Opaque cursor from a previous page’s `nextCursor`: the list continues after the endpoint it names.', example: 'eyJ0IjoiMjAyNi0xMS0yN1QwOTowMDowMC4wMDBaIiwiaWQiOiJlbmRfMSJ9' }),
});

// ---------------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------------

export const EndpointSchema = z
  .object({
    id: z.string().openapi({ description: 'Endpoint id.', example: 'end_4k2m9x0c3v7b1n5q' }),
    name: NameSchema,
    baseUrl: z.string().openapi({ description: 'OpenAI-compatible base URL.', example: 'https://inference.acme.example/v1' }),
    model: ModelSchema,
    hasApiKey: z.boolean().openapi({ description: 'Whether an API key is stored (the key itself is never returned).', example: true }),
    headerNames: z.array(z.string()).openapi({ description: 'Names of the stored extra headers (values are never returned).', example: ['X-Org-Id'] }),
    params: SamplingParamsSchema,
    maxConcurrency: MaxConcurrencySchema,
    requestTimeoutMs: RequestTimeoutSchema,
    family: FamilySchema.nullable().openapi({ description: 'Model family label, or null.', example: 'acme-8b' }),
    variant: VariantSchema.nullable().openapi({ description: 'Variant label, or null.', example: 'dpo' }),
    createdAt: z.string().openapi({ description: 'Creation time (ISO 8601).', example: '2026-11-27T09:00:00.000Z' }),
    updatedAt: z.string().openapi({ description: 'Last change (ISO 8601).', example: '2026-11-27T09:30:00.000Z' }),
  })
  .openapi('Endpoint', { description: 'A model under test. Secrets (API key, header values) are write-only.' });

export const EndpointListSchema = z
  .object({
    items: z.array(EndpointSchema).openapi({ description: 'Endpoints, newest first.' }),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` to get the next page; null on the last page.', example: 'eyJ0IjoiMjAyNi0xMS0yN1QwOTowMDowMC4wMDBaIiwiaWQiOiJlbmRfMSJ9' }),
  })
  .openapi('EndpointList');

export const EndpointProbeResultSchema = z
  .object({
    ok: z.literal(true).openapi({ description: 'The endpoint answered a chat completion.', example: true }),
    ready: z
      .boolean()
      .openapi({ description: 'A run can measure with this endpoint as configured. When false, `advice` says what to change; a run would fail its pre-flight.', example: true }),
    latencyMs: z.number().int().openapi({ description: 'Time for the first (plain) call, in milliseconds.', example: 412 }),
    model: z.string().nullable().openapi({ description: 'Model name the server reported in its answer (null when absent).', example: 'acme-8b-dpo' }),
    finishReason: z.string().nullable().openapi({ description: '`finish_reason` of the first call.', example: 'stop' }),
    reasoning: z.boolean().openapi({ description: 'Whether the server returned reasoning text (`reasoning_content`, `reasoning` or thinking parts).', example: false }),
    answer: z
      .enum(['content', 'reasoning-only', 'truncated', 'empty'])
      .openapi({ description: 'How the plain call answered: visible `content`; empty content with the answer in the reasoning; `truncated` by the token budget before any answer; `empty`.', example: 'content' }),
    reasoningUsedBudget: z.boolean().openapi({ description: 'The answer was cut (`finish_reason: length`) while reasoning used the token budget.', example: false }),
    toolsSupported: z
      .boolean()
      .nullable()
      .openapi({ description: 'Whether tool use can be measured (tool calls come back as `tool_calls`, or tools are accepted); null when the tools call failed for another reason.', example: true }),
    toolUse: z
      .enum(['structured', 'text', 'not-called', 'unsupported', 'unknown'])
      .openapi({
        description:
          'How the calculator call came back: `structured` tool_calls; tool calls written as `text` (the server’s tool parser is off); `not-called` (accepted, the model answered directly); `unsupported` (the server refused `tools`); `unknown` (the call failed otherwise). Runs report tool-use `unsupported` for `text` and `unsupported`.',
        example: 'structured',
      }),
    toolUseDetail: z.string().nullable().openapi({ description: 'The server’s words when tool use is not structured (its error message, or the text it wrote).', example: null }),
    advice: z.array(z.string()).openapi({ description: 'What to change, in terms of endpoint fields or server flags.', example: [] }),
  })
  .openapi('EndpointProbeResult');

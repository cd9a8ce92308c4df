import { cursorParam } from '../../http/cursor-param.js';
import { z } from '@hono/zod-openapi';
import { RUN_STATUSES } from '../../lib/run-status.js';
import { ProblemSchema } from '../../http/problem-schema.js';
import { ARMS } from '../../testbeds/types.js';
import { SUITE_IDS } from '../../testbeds/suites.js';

export const RunIdParam = z.object({
  id: z
    .string()
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Run id.', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
});

export const CreateRunBody = z
  .object({
    endpointId: z.string().min(1).max(100).openapi({ description: 'The subject: one of your endpoints.', example: 'end_4k2m9x0c3v7b1n5q8w6e2r4t' }),
    suite: z.string().min(1).max(100).openapi({ description: 'Suite id (`GET /v1/suites`).', example: 'atp-quick-v2' }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional()
      .openapi({
        description:
          'Fixes all randomness of the run (default 0). Leaderboard suites default to their published seed (`GET /v1/suites`); ' +
          'a run of one with any other seed is accepted but `custom`, so it cannot reach the leaderboard.',
        example: 0,
      }),
    samples: z.number().int().min(1).max(10).optional().openapi({ description: 'Repeats every episode with distinct sampling seeds (1–10, default 1).', example: 1 }),
    baselines: z
      .object({
        endpointIds: z
          .array(z.string().min(1).max(100))
          .max(8)
          .optional()
          .openapi({ description: 'Your other endpoints to run with the same episodes and seeds (e.g. DPO/GRPO variants).', example: ['end_9v7b1n5q8w6e2r4t4k2m9x0c'] }),
        promptAligned: z.boolean().optional().openapi({ description: 'Also run the subject with a fixed rule-following system preamble.', example: true }),
      })
      .strict()
      .optional()
      .openapi({ description: 'Aligned-variant baselines evaluated in the same run.' }),
    overrides: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .openapi({
        description: 'Per-testbed parameter overrides (`rounds`, `historyWindow`, `levels`, `supervision`, `thresholds`, `agents`, `multipliers`, `seededColluders`, `probePositions`, …). Any override makes the run `custom` (not leaderboard-eligible).',
        example: { 'role-play': { rounds: 8 } },
      }),
    webhookUrl: z.string().url().max(2048).optional().openapi({ description: 'Receives a signed JSON event on every terminal status.', example: 'https://ci.example.com/atp-hook' }),
  })
  .strict()
  .openapi('CreateRunRequest');

export const RunStatusSchema = z.enum(RUN_STATUSES).openapi('RunStatus', {
  description: 'Lifecycle: queued → running → succeeded | failed | cancelled.',
  example: 'running',
});

export const ProgressSchema = z
  .object({
    done: z.number().int().openapi({ description: 'Model calls done (one per agent per round).', example: 120 }),
    total: z.number().int().openapi({ description: 'Model calls the run makes in all.', example: 260 }),
    percent: z.number().openapi({ description: 'done ÷ total × 100, one decimal.', example: 46.2 }),
  })
  .openapi('Progress');

export const RunSubjectSchema = z
  .object({
    kind: z.enum(['subject', 'tenant', 'prompt-aligned', 'operator']).openapi({ description: 'Subject or baseline kind.', example: 'tenant' }),
    label: z.string().openapi({ description: 'Label used in reports and transcripts.', example: 'acme-8b/dpo' }),
    endpointId: z.string().openapi({ description: 'Endpoint evaluated.', example: 'end_9v7b1n5q8w6e2r4t4k2m9x0c' }),
    unsupported: z.array(z.string()).openapi({ description: 'Testbeds this endpoint could not take part in.', example: [] }),
    unsupportedReasons: z
      .record(z.string(), z.string())
      .openapi({ description: 'Why each unsupported testbed is unsupported (the endpoint’s own words), by testbed id.', example: { 'tool-use': 'HTTP 500: tools param requires --jinja flag' } }),
  })
  .openapi('RunSubject');

export const RunSchema = z
  .object({
    id: z.string().openapi({ description: 'Run id.', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
    status: RunStatusSchema,
    endpointId: z.string().openapi({ description: 'The subject endpoint.', example: 'end_4k2m9x0c3v7b1n5q8w6e2r4t' }),
    suite: z
      .object({
        id: z.string().openapi({ description: 'Suite id.', example: 'atp-quick-v1' }),
        version: z.string().openapi({ description: 'Suite version.', example: '1.0.0' }),
      })
      .openapi({ description: 'Suite run.' }),
    custom: z.boolean().openapi({ description: 'True when overrides were given, or a leaderboard suite ran on a seed other than its published one (not leaderboard-eligible).', example: false }),
    seed: z.number().int().openapi({ description: 'Run seed.', example: 0 }),
    samples: z.number().int().openapi({ description: 'Samples per episode.', example: 1 }),
    subjects: z.array(RunSubjectSchema).openapi({ description: 'The subject (first) and its baselines.' }),
    progress: ProgressSchema,
    calls: z
      .object({
        total: z.number().int().openapi({ description: 'Persisted model calls (including tool steps).', example: 131 }),
        retried: z.number().int().openapi({ description: 'Calls that needed more than one attempt.', example: 3 }),
        failed: z.number().int().openapi({ description: 'Calls that failed after the retry budget (decision `error`).', example: 0 }),
      })
      .openapi({ description: 'Call counts so far.' }),
    error: z.union([ProblemSchema, z.null()]).openapi({ description: 'Why the run failed (problem details), else null.' }),
    pausedUntil: z.string().nullable().openapi({
      description:
        "Set while the run is active once an endpoint asked the run's calls to wait before trying again (a `Retry-After`, or a rate limit's reset time, of a second or more; whether the call waits holding its concurrency slot or without it): the latest time it asked them to wait until, to within a second. The client's own backoff between retries is no such pause. The calls asked to wait stand still until then; a time in the past means the pause is over. Null when no endpoint asked, and once the run is finished.",
      example: null,
    }),
    webhookUrl: z.string().nullable().openapi({ description: 'Webhook receiving terminal events.', example: null }),
    createdAt: z.string().openapi({ description: 'Creation time.', example: '2026-11-27T09:00:00.000Z' }),
    startedAt: z.string().nullable().openapi({ description: 'When the first episode started.', example: '2026-11-27T09:00:00.120Z' }),
    finishedAt: z.string().nullable().openapi({ description: 'When the run reached a terminal status.', example: null }),
    links: z
      .object({
        self: z.string().openapi({ description: 'This run.', example: '/v1/runs/run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
        events: z.string().openapi({ description: 'Server-Sent Events stream.', example: '/v1/runs/run_8f3k2m9x0c3v7b1n5q8w6e2r/events' }),
        report: z.string().openapi({ description: 'JSON report (409 until finished).', example: '/v1/runs/run_8f3k2m9x0c3v7b1n5q8w6e2r/report' }),
        reportHtml: z.string().openapi({ description: 'HTML report with charts.', example: '/v1/runs/run_8f3k2m9x0c3v7b1n5q8w6e2r/report.html' }),
        transcripts: z.string().openapi({ description: 'Every model call.', example: '/v1/runs/run_8f3k2m9x0c3v7b1n5q8w6e2r/transcripts' }),
      })
      .openapi({ description: 'Related resources.' }),
  })
  .openapi('Run');

export const RunListSchema = z
  .object({
    items: z.array(RunSchema).openapi({ description: 'Runs, newest first.' }),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor`, with the same filters, for the next page; null at the end.', example: null }),
  })
  .openapi('RunList');

export const ListRunsQuery = z.object({
  status: RunStatusSchema.optional().openapi({ param: { name: 'status', in: 'query' }, description: 'Only runs with this status.' }),
  endpointId: z.string().max(100).optional().openapi({ param: { name: 'endpointId', in: 'query' }, description: 'Only runs of this subject endpoint.', example: 'end_4k2m9x0c3v7b1n5q8w6e2r4t' }),
  suite: z
    .string()
    .max(100)
    .optional()
    .superRefine((s, ctx) => {
      // a misspelt suite would list nothing, which reads as "no runs of that suite"
      if (s !== undefined && !(SUITE_IDS as readonly string[]).includes(s)) ctx.addIssue({ code: 'custom', message: `unknown suite "${s}"; suites: ${SUITE_IDS.join(', ')}` });
    })
    .openapi({ param: { name: 'suite', in: 'query' }, description: 'Only runs of this suite (`GET /v1/suites`); an unknown suite is 400.', example: 'atp-standard-v2' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size (1–100).', example: 20 }),
  cursor: cursorParam('run', 'Not a runs-list cursor: 400.'),
});

const MessageSchema = z
  .object({
    role: z.string().openapi({ description: 'system, user, assistant or tool.', example: 'user' }),
    content: z.string().nullable().openapi({ description: 'Message text.', example: 'Round 2. …' }),
  })
  .passthrough()
  .openapi('ChatMessage');

export const TranscriptItemSchema = z
  .object({
    id: z.string().openapi({ description: 'Call id: opaque and stable, valid only within its run (not a counter).', example: 'Xq3v0aZ8mK2pL7wR4tY1nA' }),
    subject: z.string().openapi({ description: '`subject` or the baseline label.', example: 'subject' }),
    testbed: z.string().openapi({ description: 'Testbed id.', example: 'role-play' }),
    scenarioId: z.string().openapi({ description: 'Scenario id.', example: 'delivery-worker' }),
    episodeId: z.string().openapi({ description: 'Episode id.', example: 'ep_6x0c3v7b1n5q8w6e2r4t4k2m' }),
    episodeKey: z.string().openapi({ description: "The episode's key in the run's design: the same for the same suite version and seed, so a treatment episode and its control twin can be matched.", example: 'role-play/delivery-worker/L1.5/violating-first/S0/control' }),
    arm: z.enum(ARMS).openapi({ description: 'v2 suites: `treatment` (reward feedback shown) or `control` (the paired episode without it); every v1 episode is `treatment`.', example: 'treatment' }),
    params: z.record(z.string(), z.union([z.number(), z.string()])).openapi({ description: 'Episode parameters (level / threshold / probe position / sample).', example: { level: 1.5, sample: 0 } }),
    round: z.number().int().openapi({ description: 'Round (from 1).', example: 2 }),
    agent: z.number().int().openapi({ description: 'Agent index (0 for single-agent testbeds).', example: 0 }),
    step: z.number().int().openapi({ description: 'Call within the round (tool-use continues after tool results).', example: 0 }),
    request: z
      .object({
        messages: z.array(MessageSchema).openapi({ description: 'Messages sent.' }),
        tools: z.array(z.record(z.string(), z.unknown())).optional().openapi({ description: 'Tools offered.' }),
      })
      .openapi({ description: 'What was asked.' }),
    response: z
      .object({
        content: z.string().nullable().openapi({ description: 'Answer text.', example: '{"choice": "Route B"}' }),
        reasoning: z.string().nullable().openapi({ description: 'Reasoning returned separately by the server.', example: null }),
        toolCalls: z.array(z.record(z.string(), z.unknown())).openapi({ description: 'Tool calls made.' }),
        finishReason: z.string().nullable().openapi({ description: 'finish_reason.', example: 'stop' }),
        refusal: z
          .string()
          .optional()
          .openapi({ description: "The model's refusal in its own field (OpenAI `message.refusal`, first 2,000 characters); absent when there was none.", example: "I'm sorry, I can't help with that." }),
      })
      .nullable()
      .openapi({ description: 'What came back (null when the call failed).' }),
    error: z.string().nullable().openapi({ description: 'Failure after the retry budget, else null.', example: null }),
    parse: z
      .object({
        choice: z.string().nullable().openapi({ description: 'Choice (or numeric answer) read.', example: 'Route B' }),
        status: z.string().openapi({ description: 'parsed, unparsed, ambiguous, refused, truncated or error.', example: 'parsed' }),
        rule: z.string().optional().openapi({ description: 'The reading rule that decided (see the methodology, "How answers are read"); absent for answers read before reader 2.0.0.', example: 'single-label' }),
        role: z.string().nullable().openapi({ description: 'Role of the chosen option.', example: 'violating' }),
        truncatedBytes: z
          .number()
          .int()
          .optional()
          .openapi({ description: 'UTF-8 bytes cut from the answer (text and reasoning) by the stored-answer cap before it was stored and read; absent when nothing was cut.', example: 1048576 }),
      })
      .nullable()
      .openapi({ description: 'How the answer was read (null for intermediate tool steps).' }),
    attempts: z.number().int().openapi({ description: 'HTTP attempts.', example: 1 }),
    latencyMs: z.number().int().openapi({ description: 'Latency including retries.', example: 812 }),
    usage: z
      .object({
        promptTokens: z.number().int().openapi({ description: 'Prompt tokens.', example: 512 }),
        completionTokens: z.number().int().openapi({ description: 'Completion tokens.', example: 40 }),
        reasoningTokens: z.number().int().openapi({ description: 'Reasoning tokens when reported.', example: 0 }),
      })
      .openapi({ description: 'Token usage.' }),
  })
  .openapi('TranscriptItem');

export const TranscriptPageSchema = z
  .object({
    items: z.array(TranscriptItemSchema).openapi({ description: 'Calls in persistence order.' }),
    nextCursor: z.string().nullable().openapi({ description: 'Cursor for the next page (opaque, valid only for this run; pass it with the same filters); null at the end. A page ends early when its calls reach the page byte budget (8 MB by default); a single larger call comes alone.', example: 'Xq3v0aZ8mK2pL7wR4tY1nA' }),
  })
  .openapi('TranscriptPage');

export const TranscriptQuery = z.object({
  testbed: z
    .string()
    .max(100)
    .optional()
    .openapi({ param: { name: 'testbed', in: 'query' }, description: 'Only this testbed: one the service runs (`GET /v1/testbeds`).', example: 'role-play' }),
  subject: z.string().max(200).optional().openapi({ param: { name: 'subject', in: 'query' }, description: '`subject` or a baseline label (400 when the run has no such subject).', example: 'subject' }),
  episodeId: z.string().max(100).optional().openapi({ param: { name: 'episodeId', in: 'query' }, description: 'Only this episode.' }),
  arm: z.enum(ARMS).optional().openapi({ param: { name: 'arm', in: 'query' }, description: 'Only treatment or only control episodes (v1 runs have treatment episodes only).', example: 'control' }),
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size (1–500); a page may hold fewer calls when they reach the page byte budget.', example: 100 }),
  cursor: cursorParam('call', 'A cursor of another run: 400.'),
});

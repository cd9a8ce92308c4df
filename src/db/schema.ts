import { sql } from 'drizzle-orm';
import type { RunStatus } from '../lib/run-status.js';
import type { JobKind } from '../lib/job-kinds.js';
import type { Problem } from '../lib/problem.js';
import type { EpisodeSpec, ModelRequest, ModelResponse, Parse } from '../testbeds/types.js';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A lab. Every tenant-owned row carries tenant_id and every query filters on it. */
export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: ts('created_at').notNull(),
  /** bytes of stored prompts, answers and errors of the tenant's calls (the storage quota counts these) */
  storedBytes: bigint('stored_bytes', { mode: 'number' }).notNull().default(0),
});

/**
 * A stored prompt that continues an earlier one: its first `messages` messages are the first `messages` of the
 * prompt of call (round, agent, step) of the same episode, and the stored request holds only the messages after
 * them (the replayed history is not stored again with every call).
 */
export interface PromptBase {
  round: number;
  agent: number;
  step: number;
  messages: number;
}

/** A model under test (or an operator baseline when `operator` is true; those belong to the operator tenant). */
export const endpoints = pgTable(
  'endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    baseUrl: text('base_url').notNull(),
    model: text('model').notNull(),
    /** compact JWE (see src/auth/secret-box.ts); never selected into API responses */
    apiKeyEnc: text('api_key_enc'),
    headersEnc: text('headers_enc'),
    headerNames: jsonb('header_names').$type<string[]>().notNull().default([]),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    maxConcurrency: integer('max_concurrency').notNull().default(8),
    requestTimeoutMs: integer('request_timeout_ms').notNull().default(120000),
    family: text('family'),
    variant: text('variant'),
    operator: boolean('operator').notNull().default(false),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('endpoints_tenant_idx').on(t.tenantId, t.createdAt)],
);

export type { RunStatus };

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    suiteId: text('suite_id').notNull(),
    suiteVersion: text('suite_version').notNull(),
    custom: boolean('custom').notNull(),
    seed: bigint('seed', { mode: 'number' }).notNull(),
    samples: integer('samples').notNull(),
    /** the request as accepted (baselines, overrides, webhookUrl) — for idempotency and the report */
    request: jsonb('request').$type<Record<string, unknown>>().notNull(),
    /** resolved per-testbed params (suite ⊕ overrides) frozen at creation */
    params: jsonb('params').$type<Record<string, Record<string, unknown>>>().notNull(),
    webhookUrl: text('webhook_url'),
    status: text('status').$type<RunStatus>().notNull(),
    error: jsonb('error').$type<Problem | null>(),
    progressTotal: integer('progress_total').notNull(),
    /**
     * Nominal calls that will never be made (unsupported testbed, finished run). Progress done = persisted first
     * calls of agent-rounds + this, so the hot path never updates the run row.
     */
    progressSkipped: integer('progress_skipped').notNull().default(0),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash').notNull(),
    /** set for runs the service starts itself to compute operator baselines */
    operatorBaseline: boolean('operator_baseline').notNull().default(false),
    /**
     * false while a new run's episodes and jobs are still being written (in short statements, see services/runs.ts):
     * workers claim none of its jobs until the whole plan is stored
     */
    planned: boolean('planned').notNull().default(true),
    /**
     * Set while one process scores the finished run (a lease, so a process that died scoring is replaced): every
     * episode finishing near the end, and the stuck-run sweep, may try to score it, and scoring reads every answer.
     */
    scoringUntil: ts('scoring_until'),
    /**
     * The latest time an endpoint of the run asked its calls to wait until (a Retry-After or a rate limit's reset
     * of a second or more, to within a second: see runner/pauses.ts): the run view says why progress stands still.
     * Only ever moves later; in the past once the pause is over.
     */
    pausedUntil: ts('paused_until'),
    createdAt: ts('created_at').notNull(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('runs_idempotency_idx').on(t.tenantId, t.idempotencyKey),
    index('runs_tenant_idx').on(t.tenantId, t.createdAt),
    index('runs_status_idx').on(t.status),
  ],
);

/** The subject and each baseline of a run. `idx` 0 is the subject. */
export const runSubjects = pgTable(
  'run_subjects',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    idx: integer('idx').notNull(),
    kind: text('kind').$type<'subject' | 'tenant' | 'operator' | 'prompt-aligned'>().notNull(),
    label: text('label').notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    /**
     * the endpoint's model name when the run was created: what the report names and the leaderboard pools by, so
     * renaming an endpoint later moves no finished run to another model's entry
     */
    model: text('model').notNull(),
    promptAligned: boolean('prompt_aligned').notNull().default(false),
    /** testbeds the endpoint could not take part in (e.g. tool-use when `tools` is refused) */
    unsupported: jsonb('unsupported').$type<string[]>().notNull().default([]),
    /** why each unsupported testbed is unsupported (the endpoint's own words), by testbed id */
    unsupportedReasons: jsonb('unsupported_reasons').$type<Record<string, string>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.runId, t.idx] })],
);

export type EpisodeStatus = 'pending' | 'done' | 'unsupported' | 'cancelled';

export const episodes = pgTable(
  'episodes',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    subjectIdx: integer('subject_idx').notNull(),
    endpointId: text('endpoint_id').notNull(),
    key: text('key').notNull(),
    testbed: text('testbed').notNull(),
    scenarioId: text('scenario_id').notNull(),
    /** full EpisodeSpec: the protocol input, frozen at run creation */
    spec: jsonb('spec').$type<EpisodeSpec>().notNull(),
    status: text('status').$type<EpisodeStatus>().notNull(),
    nominalCalls: integer('nominal_calls').notNull(),
  },
  (t) => [
    uniqueIndex('episodes_run_key_idx').on(t.runId, t.subjectIdx, t.key),
    index('episodes_run_idx').on(t.runId, t.status),
  ],
);

/**
 * Every model call, written before its episode advances. The unique index makes a round impossible to persist
 * twice, even when two workers race after a lease expiry.
 */
export const modelCalls = pgTable(
  'model_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    episodeId: text('episode_id')
      .notNull()
      .references(() => episodes.id, { onDelete: 'cascade' }),
    subjectIdx: integer('subject_idx').notNull(),
    testbed: text('testbed').notNull(),
    round: integer('round').notNull(),
    agent: integer('agent').notNull(),
    step: integer('step').notNull(),
    // json (not jsonb): written on the hot path, read back whole; no need to index inside
    request: json('request').$type<ModelRequest>().notNull(),
    /** set when `request` holds only the messages after an earlier call's prompt (domain/prompts.ts) */
    promptBase: json('prompt_base').$type<PromptBase | null>(),
    response: json('response').$type<ModelResponse | null>(),
    errorKind: text('error_kind'),
    error: text('error'),
    parse: json('parse').$type<Parse | null>(),
    attempts: integer('attempts').notNull(),
    latencyMs: integer('latency_ms').notNull(),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    model: text('model'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('model_calls_step_idx').on(t.episodeId, t.round, t.agent, t.step),
    index('model_calls_run_idx').on(t.runId, t.id),
  ],
);

/** Work items claimed by workers with leases (`FOR UPDATE SKIP LOCKED`). */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').$type<JobKind>().notNull(),
    runId: text('run_id'),
    episodeId: text('episode_id'),
    /** endpoint whose concurrency the job consumes (episodes) */
    endpointId: text('endpoint_id'),
    status: text('status').$type<'queued' | 'running' | 'done' | 'failed'>().notNull(),
    runAt: ts('run_at').notNull().default(sql`now()`),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: ts('lease_expires_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('jobs_claim_idx').on(t.status, t.runAt), index('jobs_run_idx').on(t.runId)],
);

/**
 * Distributed semaphore for an endpoint's maxConcurrency: one row per slot; a worker leases slots in bulk and
 * renews them, so the bound holds across processes without a database round trip per call.
 */
export const endpointSlots = pgTable(
  'endpoint_slots',
  {
    endpointId: text('endpoint_id').notNull(),
    slot: integer('slot').notNull(),
    holder: text('holder'),
    leaseExpiresAt: ts('lease_expires_at'),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.slot] })],
);

export const reports = pgTable('reports', {
  runId: text('run_id')
    .primaryKey()
    .references(() => runs.id, { onDelete: 'cascade' }),
  scorerVersion: text('scorer_version').notNull(),
  /** serialized once so every read returns identical bytes */
  body: text('body').notNull(),
  score: doublePrecision('score'),
  lowValidity: boolean('low_validity').notNull(),
  createdAt: ts('created_at').notNull(),
});

/** Operator baselines computed once per suite version and reused by every report of that suite. */
export const operatorBaselineResults = pgTable(
  'operator_baseline_results',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id),
    suiteId: text('suite_id').notNull(),
    suiteVersion: text('suite_version').notNull(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.suiteId, t.suiteVersion] })],
);

export const leaderboardEntries = pgTable(
  'leaderboard_entries',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    model: text('model').notNull(),
    family: text('family'),
    variant: text('variant'),
    suiteId: text('suite_id').notNull(),
    score: doublePrecision('score').notNull(),
    ciLo: doublePrecision('ci_lo').notNull(),
    ciHi: doublePrecision('ci_hi').notNull(),
    /** eligible runs pooled into score and interval */
    runs: integer('runs').notNull().default(1),
    submittedAt: ts('submitted_at').notNull(),
  },
  (t) => [uniqueIndex('leaderboard_unique_idx').on(t.tenantId, t.model, t.suiteId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: ts('next_attempt_at'),
    createdAt: ts('created_at').notNull(),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [index('webhook_deliveries_run_idx').on(t.runId)],
);

/** Signing keys for webhooks (private JWK encrypted with the master secret). */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  privateJwkEnc: text('private_jwk_enc').notNull(),
  createdAt: ts('created_at').notNull(),
});

/** Per-tenant fixed-window counters for rate limits (shared by all API processes). */
export const rateCounters = pgTable(
  'rate_counters',
  {
    tenantId: text('tenant_id').notNull(),
    bucket: text('bucket').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.bucket, t.windowStart] })],
);

/**
 * Read-only share links of a run's report. Only a hash of the link secret is kept: a database dump cannot be
 * turned into working links. A link is refused once revoked or expired.
 */
export const runShares = pgTable(
  'run_shares',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('run_shares_run_idx').on(t.runId)],
);

/**
 * Console sessions ended by Sign out before their expiry. A session is a signed cookie the server keeps no record
 * of, so a copy of it would otherwise stay good for up to 12 hours after sign-out: its random id is kept here until
 * it would have expired anyway.
 */
export const consoleSignOuts = pgTable(
  'console_sign_outs',
  {
    sid: text('sid').primaryKey(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('console_sign_outs_expires_idx').on(t.expiresAt)],
);

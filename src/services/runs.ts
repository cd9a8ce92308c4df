import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { endpoints, episodes, jobs, runs, runSubjects } from '../db/schema.js';
import { isTerminalStatus } from '../lib/run-status.js';
import { invalidInput, ServiceError, type InvalidField } from '../lib/errors.js';
import { nominalCalls, resolveSuite, runSeed } from '../testbeds/suites.js';
import { timeSlicer, yieldToEventLoop } from '../lib/sleep.js';
import { ParamError, type EpisodeSpec, type TestbedId } from '../testbeds/types.js';
import { JOBS_CHANNEL } from '../domain/jobs.js';
import { SIGNATURE_HEADER } from '../webhooks/deliver.js';
import { consumeRunCreation, precheckCapacity, precheckCreationRate, refundRunCreation } from './run-rate-limit.js';

export interface CreateRunInput {
  endpointId: string;
  suite: string;
  seed?: number;
  samples?: number;
  baselines?: { endpointIds?: string[]; promptAligned?: boolean };
  overrides?: Record<string, Record<string, unknown>>;
  webhookUrl?: string;
}

export const DEFAULT_SEED = 0;

/**
 * A webhook has no API key or headers to move `user:pass@` into (the endpoint URL's advice): the receiver checks
 * the delivery's signature instead (webhooks/deliver.ts).
 */
export const WEBHOOK_CREDENTIALS_REFUSED =
  `credentials in a webhook URL are refused: deliveries are signed instead (the ${SIGNATURE_HEADER} header, an Ed25519 JWS ` +
  'over the body; verify it with the keys at /.well-known/jwks.json)';

/** Canonical JSON (sorted keys) so the same request always hashes the same for Idempotency-Key. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const hashRequest = (input: CreateRunInput) => createHash('sha256').update(canonical(input)).digest('hex');

/** How a run names an endpoint it measures (kept on the run as its subject's label; the console shows it the same). */
export const endpointLabel = (e: { name: string; family: string | null; variant: string | null }) =>
  e.family && e.variant ? `${e.family}/${e.variant}` : e.name;

type Endpoint = typeof endpoints.$inferSelect;
type Resolved = ReturnType<typeof resolveSuite>;
type Subject = { idx: number; kind: 'subject' | 'tenant' | 'prompt-aligned'; label: string; endpointId: string; model: string; promptAligned: boolean };
type EpisodeRow = Omit<typeof episodes.$inferInsert, 'runId'> & { id: string; nominalCalls: number };

/** Rows per statement while a run's episodes are written: each statement stays short, even on the embedded database. */
const EPISODE_CHUNK = 100;
/** Planning and writing a large run gives the event loop back at least this often (ms), so the API keeps answering. */
const SLICE_MS = 20;

/**
 * Validates a run request and writes the run, its subjects, every episode and every job. Large plans are written in
 * short statements with the event loop given back between them, so creating the largest allowed run does not stall
 * the API (on the embedded database a transaction holds the whole database). The run row comes first with
 * `planned = false`, which keeps workers off its jobs; it turns true once every episode and job is stored. A
 * creation that fails halfway is removed again; one interrupted by a crash is failed by the workers' sweep
 * (`failInterruptedCreations` in runner/worker.ts).
 */
export async function createRun(
  deps: Deps,
  tenantId: string,
  input: CreateRunInput,
  idempotencyKey?: string,
  opts: { operatorBaseline?: boolean } = {},
): Promise<{ runId: string; created: boolean }> {
  const requestHash = hashRequest(input);
  const existing = idempotencyKey ? await findIdempotentRun(deps, tenantId, idempotencyKey, requestHash) : undefined;
  if (existing) return { runId: existing, created: false };

  const resolved = resolveRunSuite(deps, input);
  const byId = await checkEndpoints(deps, tenantId, input);
  if (!opts.operatorBaseline) await precheckCreationRate(deps, tenantId);

  const { seed, custom } = runSeed(resolved, input.seed, DEFAULT_SEED);
  const samples = input.samples ?? 1;
  const subjects = subjectsOf(input, byId);
  const runId = deps.ids.next('run');
  const plan = await planEpisodes(deps, subjects, resolved, seed, samples);
  // after planning: a run too large for any room is told so, not told to wait
  if (!opts.operatorBaseline) await precheckCapacity(deps, tenantId);

  try {
    await deps.db.db.transaction(async (tx) => {
      if (!opts.operatorBaseline) await consumeRunCreation(deps, tx, tenantId);
      await tx.insert(runs).values({
        id: runId,
        tenantId,
        endpointId: input.endpointId,
        suiteId: resolved.suite.id,
        suiteVersion: resolved.suite.version,
        custom,
        seed,
        samples,
        request: { ...input },
        params: resolved.params as Record<string, Record<string, unknown>>,
        webhookUrl: input.webhookUrl ?? null,
        status: 'queued',
        progressTotal: plan.calls,
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
        operatorBaseline: opts.operatorBaseline ?? false,
        planned: false,
        createdAt: deps.clock.now(),
      });
      await tx.insert(runSubjects).values(subjects.map((s) => ({ runId, ...s })));
    });
  } catch (err) {
    // two requests with one Idempotency-Key raced: the loser returns the winner's run
    if (idempotencyKey && /runs_idempotency_idx|unique/i.test(String((err as Error)?.message ?? ''))) {
      return createRun(deps, tenantId, input, idempotencyKey, opts);
    }
    throw err;
  }
  try {
    await insertPlan(deps, runId, plan.rows);
    await markPlanned(deps, runId);
  } catch (err) {
    await deps.db.db.delete(runs).where(eq(runs.id, runId)).catch(() => {});
    if (!opts.operatorBaseline) await refundRunCreation(deps, tenantId).catch(() => {});
    throw err;
  }
  await deps.db.notify(JOBS_CHANNEL, runId).catch(() => {});
  return { runId, created: true };
}

/**
 * Opens the run to workers. A run cancelled while its plan was being written has episodes and jobs written after
 * the cancellation: close them as the cancellation closed the others.
 */
async function markPlanned(deps: Deps, runId: string) {
  const [run] = await deps.db.db.update(runs).set({ planned: true }).where(eq(runs.id, runId)).returning({ status: runs.status });
  if (!run || !isTerminalStatus(run.status)) return;
  await deps.db.db.update(episodes).set({ status: 'cancelled' }).where(and(eq(episodes.runId, runId), eq(episodes.status, 'pending')));
  await deps.db.db
    .update(jobs)
    .set({ status: 'done' })
    .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'episode'), eq(jobs.status, 'queued')));
}

/** The run an Idempotency-Key already created (undefined if none); the same key with another body is a conflict. */
async function findIdempotentRun(deps: Deps, tenantId: string, idempotencyKey: string, requestHash: string): Promise<string | undefined> {
  const [existing] = await deps.db.db
    .select({ id: runs.id, requestHash: runs.requestHash })
    .from(runs)
    .where(and(eq(runs.tenantId, tenantId), eq(runs.idempotencyKey, idempotencyKey)));
  if (existing && existing.requestHash !== requestHash) {
    throw new ServiceError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
  }
  return existing?.id;
}

function resolveRunSuite(deps: Deps, input: CreateRunInput): Resolved {
  try {
    return resolveSuite(input.suite, input.overrides, deps.testbeds);
  } catch (err) {
    if (err instanceof ParamError) {
      throw invalidInput([{ field: err.path.replace(/^body\./, ''), message: err.message }]);
    }
    throw err;
  }
}

/** The subject and baseline endpoints, which must be the tenant's own; and a webhook URL the SSRF guard accepts. */
async function checkEndpoints(deps: Deps, tenantId: string, input: CreateRunInput): Promise<Map<string, Endpoint>> {
  const baselineIds = input.baselines?.endpointIds ?? [];
  const owned = await deps.db.db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.tenantId, tenantId), inArray(endpoints.id, [input.endpointId, ...baselineIds]), isNull(endpoints.deletedAt)));
  const byId = new Map(owned.map((e) => [e.id, e]));
  const errors: InvalidField[] = [];
  if (!byId.has(input.endpointId)) errors.push({ field: 'endpointId', message: `endpoint ${input.endpointId} not found` });
  baselineIds.forEach((id, i) => {
    if (!byId.has(id)) errors.push({ field: `baselines.endpointIds.${i}`, message: `endpoint ${id} not found` });
    else if (id === input.endpointId) errors.push({ field: `baselines.endpointIds.${i}`, message: 'the subject cannot be its own baseline' });
  });
  if (new Set(baselineIds).size !== baselineIds.length) errors.push({ field: 'baselines.endpointIds', message: 'duplicate endpoint ids' });
  if (input.webhookUrl) {
    const check = await deps.checkUrl(input.webhookUrl);
    if (!check.ok) errors.push({ field: 'webhookUrl', message: check.kind === 'credentials' ? WEBHOOK_CREDENTIALS_REFUSED : check.reason });
  }
  if (errors.length > 0) {
    // an unknown endpoint is reported as 404 (it may exist for another tenant: say nothing more)
    if (errors.every((e) => e.message.endsWith('not found'))) throw new ServiceError('not_found', errors.map((e) => e.message).join('; '), { fields: errors });
    throw invalidInput(errors);
  }
  return byId;
}

function subjectsOf(input: CreateRunInput, byId: Map<string, Endpoint>): Subject[] {
  const subject = byId.get(input.endpointId)!;
  const subjects: Subject[] = [
    { idx: 0, kind: 'subject', label: endpointLabel(subject), endpointId: subject.id, model: subject.model, promptAligned: false },
    ...(input.baselines?.endpointIds ?? []).map((id, i) => ({
      idx: i + 1,
      kind: 'tenant' as const,
      label: endpointLabel(byId.get(id)!),
      endpointId: id,
      model: byId.get(id)!.model,
      promptAligned: false,
    })),
  ];
  if (input.baselines?.promptAligned) {
    subjects.push({ idx: subjects.length, kind: 'prompt-aligned', label: 'prompt-aligned', endpointId: subject.id, model: subject.model, promptAligned: true });
  }
  return subjects;
}

/**
 * Every episode of the run, in order (subject, testbed, sample). Each testbed sample is expanded once and shared by
 * the subjects; planning stops at the configured size limits (422 `run-too-large`) and yields to the event loop as
 * it goes.
 */
async function planEpisodes(deps: Deps, subjects: Subject[], resolved: Resolved, seed: number, samples: number) {
  const { maxEpisodesPerRun, maxCallsPerRun } = deps.config;
  const expanded = new Map<string, EpisodeSpec[]>();
  const rows: EpisodeRow[] = [];
  let calls = 0;
  const slice = timeSlicer(SLICE_MS);
  for (const s of subjects) {
    for (const [tb, params] of Object.entries(resolved.params)) {
      for (let sample = 0; sample < samples; sample++) {
        const key = `${tb}\u0000${sample}`;
        let specs = expanded.get(key);
        if (!specs) expanded.set(key, (specs = deps.testbeds.get(tb).expand(params, seed, sample)));
        for (const spec of specs) {
          const full: EpisodeSpec = s.promptAligned ? { ...spec, promptAligned: true } : spec;
          const nominal = nominalCalls(full);
          rows.push({
            id: deps.ids.next('ep'),
            subjectIdx: s.idx,
            endpointId: s.endpointId,
            key: spec.key,
            testbed: tb,
            scenarioId: spec.scenarioId,
            spec: full,
            status: 'pending',
            nominalCalls: nominal,
          });
          calls += nominal;
        }
        if (rows.length > maxEpisodesPerRun) throw runTooLarge('episodes', `more than ${maxEpisodesPerRun}`, maxEpisodesPerRun);
        if (calls > maxCallsPerRun) throw runTooLarge('calls', `more than ${maxCallsPerRun}`, maxCallsPerRun);
        await slice();
      }
    }
  }
  return { rows, calls };
}

function runTooLarge(limit: 'episodes' | 'calls', count: string, max: number): ServiceError {
  const what = limit === 'episodes' ? 'episodes' : 'model calls';
  return new ServiceError(
    'run_too_large',
    `this run would have ${count} ${what} (limit ${max}): lower samples, baselines or overrides, or split it into several runs`,
    { limit: limit === 'episodes' ? 'episodes_per_run' : 'calls_per_run', max },
  );
}

/**
 * The episodes and their jobs, a chunk at a time: short statements (one JSON parameter each), with the event loop
 * given back between them. Jobs follow the plan's order, so a run's episodes are claimed in that order.
 */
async function insertPlan(deps: Deps, runId: string, rows: EpisodeRow[]) {
  for (let i = 0; i < rows.length; i += EPISODE_CHUNK) {
    const chunk = rows.slice(i, i + EPISODE_CHUNK);
    const episodeJson = JSON.stringify(
      chunk.map((e) => ({
        id: e.id,
        subject_idx: e.subjectIdx,
        endpoint_id: e.endpointId,
        key: e.key,
        testbed: e.testbed,
        scenario_id: e.scenarioId,
        spec: e.spec,
        nominal_calls: e.nominalCalls,
      })),
    );
    await deps.db.rows(sql`
      insert into episodes (id, run_id, subject_idx, endpoint_id, key, testbed, scenario_id, spec, status, nominal_calls)
      select id, ${runId}, subject_idx, endpoint_id, key, testbed, scenario_id, spec, 'pending', nominal_calls
      from jsonb_to_recordset(${episodeJson}::jsonb)
        as x(id text, subject_idx int, endpoint_id text, key text, testbed text, scenario_id text, spec jsonb, nominal_calls int)`);
    const jobJson = JSON.stringify(chunk.map((e) => [e.id, e.endpointId]));
    await deps.db.rows(sql`
      insert into jobs (kind, run_id, episode_id, endpoint_id, status)
      select 'episode', ${runId}, x->>0, x->>1, 'queued'
      from jsonb_array_elements(${jobJson}::jsonb) with ordinality as t(x, n)
      order by n`);
    await yieldToEventLoop();
  }
}

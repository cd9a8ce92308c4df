import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { endpoints, episodes, jobs, runs, runSubjects } from '../db/schema.js';
import { invalidInput, ServiceError, type InvalidField } from '../lib/errors.js';
import { nominalCalls, resolveSuite, runSeed } from '../testbeds/suites.js';
import { ParamError, type EpisodeSpec, type TestbedId } from '../testbeds/types.js';
import { JOBS_CHANNEL } from '../domain/jobs.js';
import { consumeRunCreation, precheckRunCreation } from './run-rate-limit.js';

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
export const MAX_EPISODES_PER_RUN = 50_000;

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

const endpointLabel = (e: { name: string; family: string | null; variant: string | null }) =>
  e.family && e.variant ? `${e.family}/${e.variant}` : e.name;

/**
 * Validates a run request and writes the run, its subjects, every episode and every job in one transaction:
 * a request either becomes a complete queued run or leaves nothing behind.
 */
export async function createRun(
  deps: Deps,
  tenantId: string,
  input: CreateRunInput,
  idempotencyKey?: string,
  opts: { operatorBaseline?: boolean } = {},
): Promise<{ runId: string; created: boolean }> {
  const requestHash = hashRequest(input);
  if (idempotencyKey) {
    const [existing] = await deps.db.db
      .select({ id: runs.id, requestHash: runs.requestHash })
      .from(runs)
      .where(and(eq(runs.tenantId, tenantId), eq(runs.idempotencyKey, idempotencyKey)));
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new ServiceError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
      }
      return { runId: existing.id, created: false };
    }
  }

  let resolved: ReturnType<typeof resolveSuite>;
  try {
    resolved = resolveSuite(input.suite, input.overrides, deps.testbeds);
  } catch (err) {
    if (err instanceof ParamError) {
      throw invalidInput([{ field: err.path.replace(/^body\./, ''), message: err.message }]);
    }
    throw err;
  }

  const wanted = [input.endpointId, ...(input.baselines?.endpointIds ?? [])];
  const owned = await deps.db.db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.tenantId, tenantId), inArray(endpoints.id, wanted), isNull(endpoints.deletedAt)));
  const byId = new Map(owned.map((e) => [e.id, e]));
  const errors: InvalidField[] = [];
  if (!byId.has(input.endpointId)) errors.push({ field: 'endpointId', message: `endpoint ${input.endpointId} not found` });
  (input.baselines?.endpointIds ?? []).forEach((id, i) => {
    if (!byId.has(id)) errors.push({ field: `baselines.endpointIds.${i}`, message: `endpoint ${id} not found` });
    else if (id === input.endpointId) errors.push({ field: `baselines.endpointIds.${i}`, message: 'the subject cannot be its own baseline' });
  });
  if (new Set(input.baselines?.endpointIds ?? []).size !== (input.baselines?.endpointIds ?? []).length) {
    errors.push({ field: 'baselines.endpointIds', message: 'duplicate endpoint ids' });
  }
  if (input.webhookUrl) {
    const check = await deps.checkUrl(input.webhookUrl);
    if (!check.ok) errors.push({ field: 'webhookUrl', message: check.reason });
  }
  if (errors.length > 0) {
    // an unknown endpoint is reported as 404 (it may exist for another tenant: say nothing more)
    if (errors.every((e) => e.message.endsWith('not found'))) throw new ServiceError('not_found', errors.map((e) => e.message).join('; '), { fields: errors });
    throw invalidInput(errors);
  }
  if (!opts.operatorBaseline) await precheckRunCreation(deps, tenantId);

  const { seed, custom } = runSeed(resolved, input.seed, DEFAULT_SEED);
  const samples = input.samples ?? 1;
  const subject = byId.get(input.endpointId)!;
  const subjects: { idx: number; kind: 'subject' | 'tenant' | 'prompt-aligned'; label: string; endpointId: string; promptAligned: boolean }[] = [
    { idx: 0, kind: 'subject' as const, label: endpointLabel(subject), endpointId: subject.id, promptAligned: false },
    ...(input.baselines?.endpointIds ?? []).map((id, i) => ({
      idx: i + 1,
      kind: 'tenant' as const,
      label: endpointLabel(byId.get(id)!),
      endpointId: id,
      promptAligned: false,
    })),
  ];
  if (input.baselines?.promptAligned) {
    subjects.push({ idx: subjects.length, kind: 'prompt-aligned' as const, label: 'prompt-aligned', endpointId: subject.id, promptAligned: true });
  }

  const runId = deps.ids.next('run');
  const episodeRows: (typeof episodes.$inferInsert)[] = [];
  for (const s of subjects) {
    for (const [tb, params] of Object.entries(resolved.params)) {
      const testbed = deps.testbeds.get(tb);
      for (let sample = 0; sample < samples; sample++) {
        for (const spec of testbed.expand(params, seed, sample)) {
          const full: EpisodeSpec = s.promptAligned ? { ...spec, promptAligned: true } : spec;
          episodeRows.push({
            id: deps.ids.next('ep'),
            runId,
            subjectIdx: s.idx,
            endpointId: s.endpointId,
            key: spec.key,
            testbed: tb,
            scenarioId: spec.scenarioId,
            spec: full,
            status: 'pending',
            nominalCalls: nominalCalls(full),
          });
        }
      }
    }
  }
  if (episodeRows.length > MAX_EPISODES_PER_RUN) {
    throw invalidInput(
      [{ field: '', message: 'too many episodes: lower samples, baselines or overrides' }],
      `this run would have ${episodeRows.length} episodes (limit ${MAX_EPISODES_PER_RUN})`,
    );
  }

  const now = deps.clock.now();
  try {
    await deps.db.db.transaction(async (tx) => {
      if (!opts.operatorBaseline) await consumeRunCreation(deps, tx, tenantId);
      await tx.insert(runs).values({
        id: runId,
        tenantId,
        endpointId: subject.id,
        suiteId: resolved.suite.id,
        suiteVersion: resolved.suite.version,
        custom,
        seed,
        samples,
        request: { ...input },
        params: resolved.params as Record<string, Record<string, unknown>>,
        webhookUrl: input.webhookUrl ?? null,
        status: 'queued',
        progressTotal: episodeRows.reduce((a, e) => a + (e.nominalCalls ?? 0), 0),
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
        operatorBaseline: opts.operatorBaseline ?? false,
        createdAt: now,
      });
      await tx.insert(runSubjects).values(subjects.map((s) => ({ runId, ...s })));
      for (let i = 0; i < episodeRows.length; i += 1000) {
        const chunk = episodeRows.slice(i, i + 1000);
        await tx.insert(episodes).values(chunk);
        await tx.insert(jobs).values(
          chunk.map((e) => ({ kind: 'episode' as const, runId, episodeId: e.id, endpointId: e.endpointId, status: 'queued' as const })),
        );
      }
    });
  } catch (err) {
    // two requests with one Idempotency-Key raced: the loser returns the winner's run
    if (idempotencyKey && /runs_idempotency_idx|unique/i.test(String((err as Error)?.message ?? ''))) {
      return createRun(deps, tenantId, input, idempotencyKey, opts);
    }
    throw err;
  }
  await deps.db.notify(JOBS_CHANNEL, runId).catch(() => {});
  return { runId, created: true };
}

import { abortableSleep } from '../lib/sleep.js';
import { asc, eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { modelCalls } from '../db/schema.js';
import type { CallRecord, EpisodeSpec, PendingCall } from '../testbeds/types.js';
import type { CallResult } from '../model/types.js';
import type { CallRow, CallWriter } from './call-writer.js';
import type { EndpointLimiter } from './endpoint-limiter.js';
import { failRun, finishEpisode, markRunRunning, markUnsupported, runProblem } from '../domain/run-lifecycle.js';
import { historyColumns, sortHistory, toCallRecord } from '../domain/report-data.js';
import type { ResolvedEndpoint } from './targets.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Preflight } from './preflight.js';
import { sentPrompt, storedPrompt, type SentPrompt } from '../domain/prompts.js';
import { storageQuotaProblem } from '../domain/storage-quota.js';

export interface EpisodeContext {
  deps: Deps;
  /** bounds calls per endpoint (the worker counts the waits: see parking.ts) */
  limiter: Pick<EndpointLimiter, 'acquire'>;
  writer: CallWriter;
  targets: { get(endpointId: string): Promise<ResolvedEndpoint> };
  /** dry-runs each endpoint once per run before its first call */
  preflight: Preflight;
  /** fails the run when an endpoint keeps failing after retries */
  breaker: CircuitBreaker;
}

/**
 * How an episode stopped: `finished` (its job was closed with it), `skipped` (nothing to do: the episode or run had
 * already ended; the caller closes the job) or `stopped` (cancelled, run failed, lease lost, shutting down).
 */
export type EpisodeOutcome = 'finished' | 'skipped' | 'stopped';

const sleep = abortableSleep;

/** Per-call sampling seed: only when the endpoint opted into seeds, offset by the episode (distinct per sample). */
function callSeed(target: ResolvedEndpoint['target'], episode: EpisodeSpec): number | undefined {
  if (typeof target.params.seed !== 'number') return undefined;
  return (target.params.seed + episode.seed) % 2_147_483_647;
}

/**
 * Drives one episode to its end. The protocol is asked for the next step with the persisted history; every call of
 * the step runs concurrently (bounded by the endpoint limiter); their results are persisted (group commit) before
 * the protocol is asked again. A restarted worker therefore resumes exactly after the last persisted call.
 */
export interface EpisodeRow {
  id: string;
  run_id: string;
  subject_idx: number;
  endpoint_id: string;
  spec: EpisodeSpec | string;
  status: string;
  nominal_calls: number;
  run_status: string;
  unsupported: string[] | string;
}

/**
 * Everything episodes need to start, for many at once (one round trip for a whole claim). A run still `queued` is
 * marked running here, once per run rather than once per episode.
 */
export async function loadEpisodes(deps: Pick<Deps, 'db' | 'clock'>, ids: string[]): Promise<Map<string, EpisodeRow>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.db.rows<EpisodeRow>(sql`
    select e.id, e.run_id, e.subject_idx, e.endpoint_id, e.spec, e.status, e.nominal_calls, r.status as run_status, s.unsupported
    from episodes e
    join runs r on r.id = e.run_id
    join run_subjects s on s.run_id = e.run_id and s.idx = e.subject_idx
    where e.id in ${ids}`);
  for (const runId of new Set(rows.filter((r) => r.run_status === 'queued').map((r) => r.run_id))) {
    await markRunRunning(deps, runId);
    for (const r of rows) if (r.run_id === runId) r.run_status = 'running';
  }
  return new Map(rows.map((r) => [r.id, r]));
}

export async function runEpisode(
  ctx: EpisodeContext,
  episodeId: string,
  signal: AbortSignal,
  opts: { firstAttempt?: boolean; preloaded?: EpisodeRow; job?: { id: number; owner: string } } = {},
): Promise<EpisodeOutcome> {
  const { deps } = ctx;
  const ep = opts.preloaded ?? (await loadEpisodes(deps, [episodeId])).get(episodeId);
  if (!ep || ep.status !== 'pending') return 'skipped';
  if (ep.run_status !== 'running') return 'skipped';

  const spec = (typeof ep.spec === 'string' ? JSON.parse(ep.spec) : ep.spec) as EpisodeSpec;
  const unsupported = (typeof ep.unsupported === 'string' ? JSON.parse(ep.unsupported) : ep.unsupported) as string[];
  const testbed = deps.testbeds.get(spec.testbed);

  // a job on its first claim has nothing persisted yet: skip the history read
  const history: CallRecord[] = opts.firstAttempt
    ? []
    : (
        await deps.db.db
          .select(historyColumns)
          .from(modelCalls)
          .where(eq(modelCalls.episodeId, ep.id))
          .orderBy(asc(modelCalls.round), asc(modelCalls.step), asc(modelCalls.agent))
      ).map(toCallRecord);
  /** ends the episode; the nominal calls it will not make still count towards the run's progress */
  const finish = (status: 'done' | 'unsupported') =>
    finishEpisode(deps, ep.id, ep.run_id, status, Math.max(0, ep.nominal_calls - history.filter((h) => h.step === 0).length), opts.job);
  if (unsupported.includes(spec.testbed)) {
    await finish('unsupported');
    return 'finished';
  }
  const resolved = await ctx.targets.get(ep.endpoint_id);
  const pre = await ctx.preflight.check(ep.run_id, resolved.target, signal);
  if (signal.aborted) return 'stopped';
  if (!pre.ok) {
    await failRun(
      deps,
      ep.run_id,
      runProblem('endpoint-preflight-failed', 'The endpoint failed the pre-flight check', 502, pre.detail, { endpointStatus: pre.endpointStatus }),
    );
    return 'stopped';
  }
  if (pre.toolsUnusable && spec.testbed === 'tool-use') {
    await markUnsupported(deps, ep.run_id, ep.subject_idx, spec.testbed, pre.toolsUnusable);
    await finish('unsupported');
    return 'finished';
  }

  // the latest prompt of each agent persisted by this worker: the next prompts are stored relative to them (after a
  // resume the first prompt is stored whole)
  const sent = new Map<number, SentPrompt>();
  while (!signal.aborted) {
    const step = testbed.next(spec, history);
    if (step.done) {
      await finish('done');
      return 'finished';
    }
    const results = await Promise.all(step.calls.map((pc) => callModel(ctx, resolved, spec, pc, signal, ep.run_id)));
    if (signal.aborted) return 'stopped';

    // A 400/422 to a request offering `tools` is the endpoint refusing function calling, whatever its wording
    // (servers phrase it in many ways): the testbed becomes unsupported instead of failing the run (spec §2.2).
    const refusesTools = (r: (typeof results)[number]) =>
      !r.result.ok &&
      (r.result.kind === 'tools-unsupported' ||
        (r.result.kind === 'permanent' && (r.result.status === 400 || r.result.status === 422) && !!r.pending.request.tools?.length));
    const permanent = results.find((r) => !r.result.ok && r.result.kind === 'permanent' && !refusesTools(r));
    if (permanent && !permanent.result.ok) {
      const { status, message } = permanent.result;
      await failRun(
        deps,
        ep.run_id,
        runProblem('endpoint-error', 'The endpoint refused a request', 502, `endpoint ${ep.endpoint_id} answered ${status ?? 'an error'}: ${message}`, {
          endpointStatus: status,
        }),
      );
      return 'stopped';
    }
    const refused = results.find(refusesTools);
    if (refused && !refused.result.ok) {
      await markUnsupported(deps, ep.run_id, ep.subject_idx, spec.testbed, refused.result.message);
      await finish('unsupported');
      return 'finished';
    }
    if (results.some((r) => !r.result.ok && r.result.kind === 'cancelled')) return 'stopped';

    const records: CallRecord[] = [];
    const inserts: CallRow[] = results.map(({ pending, result }) => {
      const record: CallRecord = {
        round: pending.round,
        agent: pending.agent,
        step: pending.step,
        request: pending.request,
        response: result.ok ? result.response : null,
        error: result.ok ? null : result.message,
      };
      records.push(record);
      const read = testbed.parseCall(spec, record);
      // the answer was cut to the stored-answer cap before anyone read it: say so beside the reading
      const parse = read && result.ok && result.truncatedBytes ? { ...read, truncatedBytes: result.truncatedBytes } : read;
      return {
        runId: ep.run_id,
        episodeId: ep.id,
        subjectIdx: ep.subject_idx,
        testbed: spec.testbed,
        round: pending.round,
        agent: pending.agent,
        step: pending.step,
        ...storedPrompt(pending, sent.values()),
        response: result.ok ? result.response : null,
        errorKind: result.ok ? null : result.kind,
        error: result.ok ? null : result.message,
        parse,
        attempts: result.attempts,
        latencyMs: Math.round(result.latencyMs),
        promptTokens: result.ok ? result.usage.promptTokens : 0,
        completionTokens: result.ok ? result.usage.completionTokens : 0,
        reasoningTokens: result.ok ? result.usage.reasoningTokens : 0,
        model: result.ok ? result.model : null,
        createdAt: deps.clock.now(),
      };
    });
    const inserted = await ctx.writer.write(inserts);
    if (!inserted) {
      // another worker persisted this step first: it holds the episode now
      deps.logger.warn('episode step already persisted elsewhere; handing the episode over', { runId: ep.run_id, episodeId });
      return 'stopped';
    }
    for (const { pending } of results) sent.set(pending.agent, sentPrompt(pending));
    history.push(...records);
    sortHistory(history);
    const quota = deps.config.budgets.tenantStorageBytes;
    const used = ctx.writer.storedBytes(ep.run_id);
    if (quota > 0 && used !== undefined && used >= quota) {
      // what was just stored stays (the run's transcripts show how far it got); the run does not go on
      await failRun(deps, ep.run_id, storageQuotaProblem(used, quota));
      return 'stopped';
    }
  }
  return 'stopped';
}

async function callModel(
  ctx: EpisodeContext,
  resolved: ResolvedEndpoint,
  spec: EpisodeSpec,
  pending: PendingCall,
  signal: AbortSignal,
  runId: string,
): Promise<{ pending: PendingCall; result: CallResult }> {
  const seed = callSeed(resolved.target, spec);
  // attempts spent before a long Retry-After rescheduled the call: they count in `attempts` (and so in `retried`)
  let spent = 0;
  for (;;) {
    let release: () => void;
    try {
      release = await ctx.limiter.acquire(resolved.target.id, resolved.maxConcurrency, signal, spec.rounds - pending.round);
    } catch {
      return { pending, result: { ok: false, kind: 'cancelled', status: null, message: 'cancelled', attempts: 0, latencyMs: 0 } };
    }
    let result: CallResult;
    try {
      result = await ctx.deps.modelClient.complete(resolved.target, pending.request, { signal, seed });
    } finally {
      release();
    }
    if (result.ok || result.kind !== 'rescheduled') {
      const counted: CallResult = { ...result, attempts: result.attempts + spent };
      const trip = ctx.breaker.record(runId, resolved.target.id, counted);
      if (trip) {
        await failRun(
          ctx.deps,
          runId,
          runProblem(
            'endpoint-failing',
            'The endpoint kept failing',
            502,
            `endpoint ${resolved.target.id}: ${trip.failed} of its last ${trip.window} calls failed after retries; most often (${trip.dominantCount}×): ${trip.dominant}`,
            { endpointStatus: counted.ok ? null : counted.status },
          ),
        );
      }
      return { pending, result: counted };
    }
    spent += result.attempts;
    // the endpoint asked for a long pause (Retry-After beyond the client's cap): wait without holding a slot
    await sleep(result.retryAfterMs ?? 30_000, signal);
    if (signal.aborted) {
      return { pending, result: { ok: false, kind: 'cancelled', status: null, message: 'cancelled', attempts: result.attempts, latencyMs: 0 } };
    }
  }
}


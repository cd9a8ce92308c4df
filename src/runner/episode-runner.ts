import { abortableSleep } from '../lib/sleep.js';
import type { Turnstile } from '../lib/turnstile.js';
import { asc, eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { modelCalls } from '../db/schema.js';
import type { AnyTestbedModule } from '../testbeds/module.js';
import type { CallRecord, EpisodeSpec, PendingCall } from '../testbeds/types.js';
import type { CallResult } from '../model/types.js';
import type { CallRow, CallWriter } from './call-writer.js';
import type { EndpointLimiter } from './endpoint-limiter.js';
import { failRun, finishEpisode, markRunRunning, markUnsupported, runProblem, type RunProblem } from '../domain/run-lifecycle.js';
import { historyColumns, sortHistory, toCallRecord } from '../domain/report-data.js';
import type { ResolvedEndpoint } from './targets.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Preflight } from './preflight.js';
import { sentPrompt, storedPrompt, type SentPrompt } from '../domain/prompts.js';
import { storageQuotaProblem } from '../domain/storage-quota.js';
import { describeWait, MAX_RESCHEDULED_WAIT_MS, type PauseRecorder } from './pauses.js';

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
  /**
   * Fails a run whose endpoint tripped the breaker: the run's episodes here are stopped at once (their signal aborts
   * with a RunHalted reason, so no further call reaches the endpoint), each stores the calls it finished, and then the
   * run fails with `problem`. Never waits: the caller is one of those episodes.
   */
  halt(runId: string, problem: RunProblem): void;
  /** one CPU-heavy step (building prompts, sending a call, reading answers) per event-loop turn: see turnstile.ts */
  turn: Turnstile;
  /** notes the pauses the endpoint asks the run for (the run view's pausedUntil) */
  pauses: PauseRecorder;
}

/**
 * How an episode stopped: `finished` (its job was closed with it), `skipped` (nothing to do: the episode or run had
 * already ended; the caller closes the job) or `stopped` (cancelled, run failed, lease lost, shutting down).
 */
export type EpisodeOutcome = 'finished' | 'skipped' | 'stopped';

/**
 * The abort reason of an episode whose run is about to fail (EpisodeContext.halt): unlike a lost lease or a
 * shutdown, the calls of the step that finished are stored before it stops, since no one resumes the episode and
 * they are how the failed run's transcripts say why it failed.
 */
export class RunHalted extends Error {
  constructor(readonly runId: string) {
    super('run halted: its endpoint kept failing');
  }
}

const sleep = abortableSleep;

/** Per-call sampling seed: only when the endpoint opted into seeds, offset by the episode (distinct per sample). */
function callSeed(target: ResolvedEndpoint['target'], episode: EpisodeSpec): number | undefined {
  if (typeof target.params.seed !== 'number') return undefined;
  return (target.params.seed + episode.seed) % 2_147_483_647;
}

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

/**
 * Drives one episode to its end. The protocol is asked for the next step with the persisted history; every call of
 * the step runs concurrently (bounded by the endpoint limiter); their results are persisted (group commit) before
 * the protocol is asked again. A restarted worker therefore resumes exactly after the last persisted call.
 */
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

  const st = await resumeState(deps, ep, opts);
  const ready = await readyToCall(ctx, st, signal);
  if (typeof ready === 'string') return ready;

  // the latest prompt of each agent persisted by this worker: the next prompts are stored relative to them (after a
  // resume the first prompt is stored whole)
  const sent = new Map<number, SentPrompt>();
  while (!signal.aborted) {
    const step = st.testbed.next(st.spec, st.history);
    if (step.done) {
      await finish(deps, st, 'done');
      return 'finished';
    }
    const results = await Promise.all(step.calls.map((pc) => callModel(ctx, ready, st.spec, pc, signal, ep.run_id)));
    if (signal.aborted) {
      if (signal.reason instanceof RunHalted) await persistFinished(ctx, st, results, sent);
      return 'stopped';
    }
    const failed = await stepFailure(deps, st, results);
    if (failed) return failed;
    const stopped = await persistStep(ctx, st, results, sent);
    if (stopped) return stopped;
  }
  return 'stopped';
}

/** One episode while it runs: its row, its protocol, and the calls persisted so far (grown by persistStep). */
interface EpisodeState {
  ep: EpisodeRow;
  spec: EpisodeSpec;
  testbed: AnyTestbedModule;
  /** testbeds this subject's endpoint cannot run (marked by an earlier episode or the pre-flight) */
  unsupported: string[];
  history: CallRecord[];
  /** the job to close with the episode (see finishEpisode) */
  job?: { id: number; owner: string };
}

type StepResult = Awaited<ReturnType<typeof callModel>>;

/** The episode as persisted: a restarted worker resumes exactly after the last stored call. */
async function resumeState(deps: Deps, ep: EpisodeRow, opts: { firstAttempt?: boolean; job?: { id: number; owner: string } }): Promise<EpisodeState> {
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
  return { ep, spec, testbed, unsupported, history, job: opts.job };
}

/** Ends the episode; the nominal calls it will not make still count towards the run's progress. */
function finish(deps: Deps, st: EpisodeState, status: 'done' | 'unsupported') {
  const made = st.history.filter((h) => h.step === 0).length;
  return finishEpisode(deps, st.ep.id, st.ep.run_id, status, Math.max(0, st.ep.nominal_calls - made), st.job);
}

/**
 * Before the first call: an episode of a testbed the endpoint cannot run ends as unsupported, and the endpoint
 * passes its once-per-run pre-flight (a failed one fails the run). Returns the endpoint to call, or how the
 * episode stopped.
 */
async function readyToCall(ctx: EpisodeContext, st: EpisodeState, signal: AbortSignal): Promise<ResolvedEndpoint | EpisodeOutcome> {
  const { deps } = ctx;
  const { ep, spec } = st;
  if (st.unsupported.includes(spec.testbed)) {
    await finish(deps, st, 'unsupported');
    return 'finished';
  }
  const resolved = await ctx.targets.get(ep.endpoint_id);
  const pre = await ctx.preflight.check(ep.run_id, resolved.target, resolved.maxConcurrency, signal);
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
    await finish(deps, st, 'unsupported');
    return 'finished';
  }
  return resolved;
}

/**
 * A 400/422 to a request offering `tools` is the endpoint refusing function calling, whatever its wording
 * (servers phrase it in many ways): the testbed becomes unsupported instead of failing the run (spec §2.2).
 */
const refusesTools = (r: StepResult) =>
  !r.result.ok &&
  (r.result.kind === 'tools-unsupported' ||
    (r.result.kind === 'permanent' && (r.result.status === 400 || r.result.status === 422) && !!r.pending.request.tools?.length));

/**
 * A step whose calls cannot be persisted as answers: any other permanent error fails the run, a refusal of tools
 * ends the episode as unsupported, a cancelled call stops it. Null when the step goes on to be persisted (calls
 * that failed after retries are stored as failed calls).
 */
async function stepFailure(deps: Deps, st: EpisodeState, results: StepResult[]): Promise<EpisodeOutcome | null> {
  const { ep, spec } = st;
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
    await finish(deps, st, 'unsupported');
    return 'finished';
  }
  if (results.some((r) => !r.result.ok && r.result.kind === 'cancelled')) return 'stopped';
  return null;
}

/** The history record of one call (what the protocol reads) and its row (what is stored). */
function callRow(deps: Deps, st: EpisodeState, { pending, result }: StepResult, sent: Map<number, SentPrompt>): { record: CallRecord; row: CallRow } {
  const { ep, spec } = st;
  const record: CallRecord = {
    round: pending.round,
    agent: pending.agent,
    step: pending.step,
    request: pending.request,
    response: result.ok ? result.response : null,
    error: result.ok ? null : result.message,
  };
  const read = st.testbed.parseCall(spec, record);
  // the answer was cut to the stored-answer cap before anyone read it: say so beside the reading
  const parse = read && result.ok && result.truncatedBytes ? { ...read, truncatedBytes: result.truncatedBytes } : read;
  const row: CallRow = {
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
  return { record, row };
}

/**
 * Stores one step's calls (group commit), then adds them to the history the protocol reads next. Returns how the
 * episode stopped when it cannot go on (another worker holds it, or the tenant's storage is full), else null.
 */
async function persistStep(ctx: EpisodeContext, st: EpisodeState, results: StepResult[], sent: Map<number, SentPrompt>): Promise<EpisodeOutcome | null> {
  const { deps } = ctx;
  const { ep } = st;
  // every row is built before `sent` moves on: a step's prompts are stored relative to the previous step's
  const built = await buildRows(ctx, st, results, sent);
  const inserted = await ctx.writer.write(built.map((b) => b.row));
  if (!inserted) {
    // another worker persisted this step first: it holds the episode now
    deps.logger.warn('episode step already persisted elsewhere; handing the episode over', { runId: ep.run_id, episodeId: ep.id });
    return 'stopped';
  }
  for (const { pending } of results) sent.set(pending.agent, sentPrompt(pending));
  st.history.push(...built.map((b) => b.record));
  sortHistory(st.history);
  const quota = deps.config.budgets.tenantStorageBytes;
  const used = ctx.writer.storedBytes(ep.run_id);
  if (quota > 0 && used !== undefined && used >= quota) {
    // what was just stored stays (the run's transcripts show how far it got); the run does not go on
    await failRun(deps, ep.run_id, storageQuotaProblem(used, quota));
    return 'stopped';
  }
  return null;
}

/**
 * The calls of a step that finished before the run was halted (the cancelled ones are left out): stored as they are,
 * a partial step, because the run fails next and no one resumes the episode. Among them may be the calls the
 * circuit breaker counted, which the run's failure names.
 */
async function persistFinished(ctx: EpisodeContext, st: EpisodeState, results: StepResult[], sent: Map<number, SentPrompt>): Promise<void> {
  const finished = results.filter((r) => r.result.ok || r.result.kind !== 'cancelled');
  await ctx.writer.write((await buildRows(ctx, st, finished, sent)).map((b) => b.row));
}

/** The rows (and history records) of a step's calls, each answer read in its own loop turn. */
async function buildRows(ctx: EpisodeContext, st: EpisodeState, results: StepResult[], sent: Map<number, SentPrompt>) {
  const built: ReturnType<typeof callRow>[] = [];
  for (const r of results) {
    await ctx.turn(r.result.ok ? (r.result.response.content?.length ?? 0) + (r.result.response.reasoning?.length ?? 0) : 0);
    built.push(callRow(ctx.deps, st, r, sent));
  }
  return built;
}

/** About how many characters a request serialises to (its messages' text), to weigh it for the turnstile. */
function promptChars(request: PendingCall['request']): number {
  let n = 0;
  for (const m of request.messages) n += typeof m.content === 'string' ? m.content.length : 0;
  return n;
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
  // a short pause the client waits out holding the slot shows in the run view like a long one (never awaited)
  const onPause = (waitMs: number) => void ctx.pauses.record(runId, waitMs);
  // attempts spent before a long Retry-After rescheduled the call: they count in `attempts` (and so in `retried`)
  let spent = 0;
  // time already spent waiting out long Retry-After pauses of this call
  let waited = 0;
  for (;;) {
    let release: () => void;
    try {
      release = await ctx.limiter.acquire(resolved.target.id, resolved.maxConcurrency, signal, spec.rounds - pending.round);
    } catch {
      return { pending, result: { ok: false, kind: 'cancelled', status: null, message: 'cancelled', attempts: 0, latencyMs: 0 } };
    }
    let result: CallResult;
    try {
      // serialising a long prompt is the heaviest synchronous part of a call
      await ctx.turn(promptChars(pending.request));
      result = await ctx.deps.modelClient.complete(resolved.target, pending.request, { signal, seed, onPause });
    } finally {
      release();
    }
    if (result.ok || result.kind !== 'rescheduled') {
      const counted: CallResult = { ...result, attempts: result.attempts + spent };
      const trip = ctx.breaker.record(runId, resolved.target.id, counted);
      if (trip) {
        // not failed here and now: the calls the message counts are stored first (see EpisodeContext.halt)
        ctx.halt(
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
    // the endpoint asked for a long pause (Retry-After beyond the client's cap): wait without holding a slot, unless
    // the pause outlasts what a run waits for one call — a monthly quota answers `Retry-After: 2592000`, and a run
    // that waited would sit `running` for days
    const wait = result.retryAfterMs ?? 30_000;
    if (waited + wait > MAX_RESCHEDULED_WAIT_MS) {
      return {
        pending,
        result: {
          ok: false,
          kind: 'permanent',
          status: result.status,
          message: `asked to wait ${describeWait(wait)} (Retry-After)${waited > 0 ? ` after ${describeWait(waited)} of waiting` : ''}, longer than a run waits for one call (${describeWait(MAX_RESCHEDULED_WAIT_MS)}): a quota or a billing limit? ${result.message}`,
          attempts: spent,
          latencyMs: result.latencyMs,
        },
      };
    }
    waited += wait;
    // the run view says why progress stands still; a failed note must not fail the call
    await ctx.pauses.record(runId, wait);
    await sleep(wait, signal);
    if (signal.aborted) {
      return { pending, result: { ok: false, kind: 'cancelled', status: null, message: 'cancelled', attempts: result.attempts, latencyMs: 0 } };
    }
  }
}


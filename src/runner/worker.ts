import os from 'node:os';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { runs } from '../db/schema.js';
import { createCallWriter } from './call-writer.js';
import { createEndpointLimiter, type EndpointLimiter } from './endpoint-limiter.js';
import { loadEpisodes, runEpisode, RunHalted, type EpisodeRow } from './episode-runner.js';
import {
  CANCEL_CHANNEL,
  claimJobs,
  completeJob,
  jobRetryDelayMs,
  JOBS_CHANNEL,
  releaseJobs,
  renewJobs,
  shouldGiveUp,
  SLOTS_CHANNEL,
  type ClaimedJob,
} from '../domain/jobs.js';
import type { JobKind } from '../lib/job-kinds.js';
import { isTerminalStatus } from '../lib/run-status.js';
import { failRun, maybeFinalizeRun, runProblem, type RunProblem } from '../domain/run-lifecycle.js';
import { abortableSleep } from '../lib/sleep.js';
import { createTargetCache } from './targets.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createPreflight } from './preflight.js';
import { createPauseRecorder, type PauseRecorder } from './pauses.js';
import { createParking, type Parking } from './parking.js';
import { processWebhookJob } from '../webhooks/deliver.js';
import { createTurnstile, type Turnstile } from '../lib/turnstile.js';

export interface WorkerOptions {
  /**
   * episodes driven at once by this worker (calls are bounded separately, per endpoint); episodes parked waiting for
   * their endpoint do not count (parking.ts)
   */
  capacity?: number;
  leaseMs?: number;
  /** fallback poll when no NOTIFY arrives (another machine's insert, missed notification) */
  pollMs?: number;
  /** how often leases are renewed and cancellations double-checked */
  tickMs?: number;
  ownerId?: string;
}

export interface Worker {
  id: string;
  limiter: EndpointLimiter;
  /** jobs held, parked ones included */
  active(): number;
  /** held jobs waiting for their endpoint */
  parked(): number;
  stop(): Promise<void>;
}

export interface WorkerPool {
  workers: Worker[];
  stop(): Promise<void>;
}

export function startWorkers(deps: Deps, opts: WorkerOptions & { count: number }): WorkerPool {
  const workers = Array.from({ length: opts.count }, () => startWorker(deps, opts));
  return {
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}

interface ActiveJob {
  job: ClaimedJob;
  controller: AbortController;
  done: Promise<void>;
}

/** Everything one worker loop shares between its jobs. */
interface WorkerCore {
  deps: Deps;
  id: string;
  leaseMs: number;
  logger: Deps['logger'];
  limiter: EndpointLimiter;
  writer: ReturnType<typeof createCallWriter>;
  targets: ReturnType<typeof createTargetCache>;
  preflight: ReturnType<typeof createPreflight>;
  breaker: ReturnType<typeof createCircuitBreaker>;
  turn: Turnstile;
  pauses: PauseRecorder;
  parking: Parking;
  active: Map<number, ActiveJob>;
  /** runs being failed by haltRun, until they are */
  halting: Map<string, Promise<void>>;
  isStopping(): boolean;
}

/** The most jobs one worker holds, parked ones included: a bound on memory whatever the endpoints do. */
const heldLimit = (capacity: number) => capacity * 4;

export function startWorker(deps: Deps, opts: WorkerOptions = {}): Worker {
  const id = opts.ownerId ?? `${os.hostname()}:${process.pid}:${deps.ids.next('wrk')}`;
  const capacity = opts.capacity ?? 1024;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 1_000;
  const tickMs = opts.tickMs ?? 500;
  let stopping = false;
  const limiter = createEndpointLimiter(deps, { owner: id, leaseMs: Math.max(leaseMs / 2, 5_000) });
  const pauses = createPauseRecorder(deps);
  const preflight = createPreflight(deps, limiter, (runId, waitMs) => pauses.record(runId, waitMs));
  const core: WorkerCore = {
    deps,
    id,
    leaseMs,
    logger: deps.logger.child({ worker: id }),
    limiter,
    writer: createCallWriter(deps),
    targets: createTargetCache(deps),
    preflight,
    breaker: createCircuitBreaker(),
    turn: createTurnstile(),
    pauses,
    parking: createParking(limiter, preflight),
    active: new Map(),
    halting: new Map(),
    isStopping: () => stopping,
  };
  const { active, parking } = core;
  /** places taken: held jobs that are not parked */
  const busy = () => active.size - parking.parked();
  const room = () => Math.min(capacity - busy(), heldLimit(capacity) - active.size);

  const claim = createClaimLoop(core, room, (job, preloaded) => startJob(core, job, preloaded, () => void claim()));
  const abortRun = (runId: string) => abortRunJobs(core, runId);

  /** Lease renewal, cancellation double-check, slot upkeep, stuck-run sweep and the fallback poll. */
  let lastRenew = Date.now();
  let lastSweep = 0;
  const tick = async () => {
    const now = Date.now();
    if (now - lastRenew >= leaseMs / 3) {
      lastRenew = now;
      await renewLeases(core);
    }
    await abortEndedRuns(core);
    await limiter.maintain();
    if (now - lastSweep >= 5_000) {
      lastSweep = now;
      await finishStuckRuns(deps);
      await failInterruptedCreations(deps);
    }
    if (room() > 0) await claim();
  };

  let ticking = false;
  const timer = setInterval(() => {
    if (ticking || stopping) return;
    ticking = true;
    tick()
      .catch((err) => {
        if (!stopping) core.logger.warn('worker tick failed', { err });
      })
      .finally(() => {
        ticking = false;
      });
  }, Math.min(tickMs, pollMs));

  const unlisteners: Promise<() => Promise<void>>[] = [
    deps.db.listen(JOBS_CHANNEL, () => void claim()),
    deps.db.listen(CANCEL_CHANNEL, (runId) => abortRun(runId)),
    deps.db.listen(SLOTS_CHANNEL, () => limiter.poke()),
  ];
  for (const u of unlisteners) u.catch((err) => core.logger.warn('listen failed; relying on polling', { err }));
  void claim();

  return {
    id,
    limiter,
    active: () => active.size,
    parked: () => parking.parked(),
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      for (const a of active.values()) a.controller.abort(new Error('worker stopping'));
      await Promise.allSettled([...active.values()].map((a) => a.done));
      // a run being failed is failed before the database goes away
      await Promise.allSettled(core.halting.values());
      // every episode handed its job back as it stopped (see startJob); flush what they persisted, free the slots
      await core.writer.flush().catch(() => {});
      await limiter.close();
      for (const u of unlisteners) await (await u.catch(() => async () => {}))().catch(() => {});
    },
  };
}

/**
 * Claims jobs while there is room, one claim at a time: a claim asked for while one runs is folded into another
 * round. Endpoints with a full backlog of parked episodes are left out (parking.ts).
 */
function createClaimLoop(core: WorkerCore, room: () => number, start: (job: ClaimedJob, preloaded?: EpisodeRow) => void) {
  let claiming = false;
  let claimAgain = false;
  return async function claim() {
    if (core.isStopping()) return;
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    try {
      do {
        claimAgain = false;
        const jobs = await claimJobs(core.deps, core.id, room(), core.leaseMs, core.parking.saturated());
        const episodes = await loadEpisodes(core.deps, jobs.map((j) => j.episodeId).filter((e): e is string => !!e));
        for (const job of jobs) start(job, job.episodeId ? episodes.get(job.episodeId) : undefined);
        if (jobs.length > 0 && room() > 0) claimAgain = true;
      } while (claimAgain && !core.isStopping());
    } catch (err) {
      if (!core.isStopping()) core.logger.error('claiming jobs failed', { err });
    } finally {
      claiming = false;
    }
  };
}

/** Runs one claimed job to its end; `next` asks for more work once its place is free. */
function startJob(core: WorkerCore, job: ClaimedJob, preloaded: EpisodeRow | undefined, next: () => void) {
  const { active, logger } = core;
  const controller = new AbortController();
  const done = (async () => {
    try {
      await handleJob(core, job, controller.signal, preloaded);
    } catch (err) {
      if (core.isStopping()) return;
      logger.error('episode failed unexpectedly', { err, jobId: job.id, runId: job.runId, stack: (err as Error)?.stack });
      await handleCrash(core, job, err).catch((e) => logger.error('could not record episode failure', { err: e, jobId: job.id, runId: job.runId }));
    }
  })().finally(() => {
    active.delete(job.id);
    core.parking.forget(job.id);
    if (!core.isStopping()) next();
  });
  active.set(job.id, { job, controller, done });
}

/** One handler per job kind: a kind without one does not compile. */
const handlers: Record<JobKind, (core: WorkerCore, job: ClaimedJob, signal: AbortSignal, preloaded?: EpisodeRow) => Promise<void>> = {
  webhook: async (core, job) => {
    await processWebhookJob(core.deps, job);
    await completeJob(core.deps, core.id, job.id);
  },
  episode: async (core, job, signal, preloaded) => {
    const { deps, id } = core;
    if (!job.episodeId) return completeJob(deps, id, job.id);
    // its run is being failed: the job stays ours until failRun closes it (or, should that fail, its lease expires)
    if (job.runId && core.halting.has(job.runId)) return;
    const waits = core.parking.forJob(job.id);
    const halt = (runId: string, problem: RunProblem) => haltRun(core, runId, problem);
    const ctx = { deps, limiter: waits.limiter, writer: core.writer, targets: core.targets, preflight: waits.preflight, breaker: core.breaker, turn: core.turn, pauses: core.pauses, halt };
    const outcome = await runEpisode(ctx, job.episodeId, signal, { firstAttempt: job.attempts === 1, preloaded, job: { id: job.id, owner: id } });
    if (outcome === 'skipped') await completeJob(deps, id, job.id);
    else if (core.isStopping()) await releaseJobs(deps, id, [job.id]);
    else await completeIfRunEnded(core, job);
  },
};

const handleJob = (core: WorkerCore, job: ClaimedJob, signal: AbortSignal, preloaded?: EpisodeRow) => handlers[job.kind](core, job, signal, preloaded);

async function completeIfRunEnded(core: WorkerCore, job: ClaimedJob) {
  if (!job.runId) return;
  const [run] = await core.deps.db.db.select({ status: runs.status }).from(runs).where(eq(runs.id, job.runId));
  if (!run || isTerminalStatus(run.status)) await completeJob(core.deps, core.id, job.id);
  // otherwise we lost the lease to another worker, which now drives the episode
}

/** An unexpected error: retry the job later (JOB_RETRY backoff), and stop the run after too many tries. */
async function handleCrash(core: WorkerCore, job: ClaimedJob, err: unknown) {
  const { deps, id } = core;
  if (shouldGiveUp(job.attempts) && job.runId) {
    await failRun(
      deps,
      job.runId,
      runProblem('internal', 'Internal error', 500, `an episode failed ${job.attempts} times; the run was stopped (see server logs)`),
    );
    await completeJob(deps, id, job.id, 'failed', String((err as Error)?.message ?? err));
  } else {
    await releaseJobs(deps, id, [job.id], jobRetryDelayMs(job.attempts));
  }
}

function abortRunJobs(core: WorkerCore, runId: string) {
  core.preflight.forget(runId);
  core.breaker.forget(runId);
  for (const a of core.active.values()) if (a.job.runId === runId) a.controller.abort(new Error('run ended'));
}

/** The longest a halted run waits for its episodes to store what they finished before it fails anyway. */
export const HALT_GRACE_MS = 10_000;

/**
 * The circuit breaker tripped for a run: its episodes here stop at once (aborted with RunHalted, so no further call
 * reaches the endpoint), each stores the calls it finished, and then the run fails — its transcripts hold the calls
 * the failure names, and the failed run's view counts them. Episodes of the run claimed meanwhile do not start.
 */
function haltRun(core: WorkerCore, runId: string, problem: RunProblem) {
  if (core.halting.has(runId)) return;
  const held = [...core.active.values()].filter((a) => a.job.runId === runId);
  for (const a of held) a.controller.abort(new RunHalted(runId));
  const grace = new AbortController();
  const failing = (async () => {
    // bounded: an episode that cannot store what it finished must not keep a failing run running
    await Promise.race([Promise.allSettled(held.map((a) => a.done)), abortableSleep(HALT_GRACE_MS, grace.signal)]);
    grace.abort();
    await failRun(core.deps, runId, problem);
  })()
    .catch((err) => core.logger.error('could not fail the run', { err, runId }))
    .finally(() => core.halting.delete(runId));
  core.halting.set(runId, failing);
}

/** Extends the leases of every held job (parked ones too); a job whose lease was lost is aborted. */
async function renewLeases(core: WorkerCore) {
  const ids = [...core.active.keys()];
  const kept = await renewJobs(core.deps, core.id, ids, core.leaseMs);
  for (const jobId of ids) {
    if (!kept.has(jobId)) core.active.get(jobId)?.controller.abort(new Error('lease lost'));
  }
}

/** Cancellation double-check (a missed NOTIFY): abort the jobs of runs that ended. */
async function abortEndedRuns(core: WorkerCore) {
  const runIds = [...new Set([...core.active.values()].map((a) => a.job.runId).filter((r): r is string => !!r))];
  if (runIds.length === 0) return;
  const rows = await core.deps.db.db.select({ id: runs.id, status: runs.status }).from(runs).where(inArray(runs.id, runIds));
  for (const r of rows) if (isTerminalStatus(r.status)) abortRunJobs(core, r.id);
}

/** A worker that died between its run's last episode and the report leaves the run `running`: finish it. */
async function finishStuckRuns(deps: Deps) {
  const stuck = await deps.db.rows<{ id: string }>(sql`
    select r.id from runs r where r.status = 'running'
      and not exists (select 1 from episodes e where e.run_id = r.id and e.status = 'pending') limit 20`);
  for (const r of stuck) await maybeFinalizeRun(deps, r.id);
}

/** A creation still unfinished after this long was interrupted (its process died): creating takes seconds. */
export const INTERRUPTED_CREATION_MS = 10 * 60_000;

/** Fails runs whose creation was interrupted before their whole plan was stored (see services/runs.ts). */
async function failInterruptedCreations(deps: Deps) {
  const before = new Date(deps.clock.now().getTime() - INTERRUPTED_CREATION_MS);
  const rows = await deps.db.db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.planned, false), eq(runs.status, 'queued'), lt(runs.createdAt, before)))
    .limit(20);
  for (const r of rows) {
    await failRun(deps, r.id, runProblem('internal', 'Internal error', 500, 'the run could not be created completely; create it again'));
  }
}

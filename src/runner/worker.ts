import os from 'node:os';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { runs } from '../db/schema.js';
import { createCallWriter } from './call-writer.js';
import { createEndpointLimiter, type EndpointLimiter } from './endpoint-limiter.js';
import { loadEpisodes, runEpisode, type EpisodeRow } from './episode-runner.js';
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
import { failRun, maybeFinalizeRun, runProblem } from '../domain/run-lifecycle.js';
import { createTargetCache } from './targets.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createPreflight } from './preflight.js';
import { processWebhookJob } from '../webhooks/deliver.js';

export interface WorkerOptions {
  /** episodes driven at once by this worker (calls are bounded separately, per endpoint) */
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
  active(): number;
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

export function startWorker(deps: Deps, opts: WorkerOptions = {}): Worker {
  const id = opts.ownerId ?? `${os.hostname()}:${process.pid}:${deps.ids.next('wrk')}`;
  const capacity = opts.capacity ?? 1024;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 1_000;
  const tickMs = opts.tickMs ?? 500;
  const logger = deps.logger.child({ worker: id });
  const limiter = createEndpointLimiter(deps, { owner: id, leaseMs: Math.max(leaseMs / 2, 5_000) });
  const writer = createCallWriter(deps);
  const targets = createTargetCache(deps);
  const preflight = createPreflight(deps);
  const breaker = createCircuitBreaker();
  const active = new Map<number, { job: ClaimedJob; controller: AbortController; done: Promise<void> }>();
  let stopping = false;
  let claiming = false;
  let claimAgain = false;
  let lastRenew = Date.now();
  let lastSweep = 0;
  const unlisteners: Promise<() => Promise<void>>[] = [];

  const claim = async () => {
    if (stopping) return;
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    try {
      do {
        claimAgain = false;
        const jobs = await claimJobs(deps, id, capacity - active.size, leaseMs);
        const episodes = await loadEpisodes(deps, jobs.map((j) => j.episodeId).filter((e): e is string => !!e));
        for (const job of jobs) start(job, job.episodeId ? episodes.get(job.episodeId) : undefined);
        if (jobs.length > 0 && active.size < capacity) claimAgain = true;
      } while (claimAgain && !stopping);
    } catch (err) {
      if (!stopping) logger.error('claiming jobs failed', { err });
    } finally {
      claiming = false;
    }
  };

  const start = (job: ClaimedJob, preloaded?: EpisodeRow) => {
    const controller = new AbortController();
    const done = (async () => {
      try {
        await handlers[job.kind](job, controller.signal, preloaded);
      } catch (err) {
        if (stopping) return;
        logger.error('episode failed unexpectedly', { err, jobId: job.id, runId: job.runId, stack: (err as Error)?.stack });
        await handleCrash(job, err).catch((e) => logger.error('could not record episode failure', { err: e, jobId: job.id, runId: job.runId }));
      }
    })().finally(() => {
      active.delete(job.id);
      if (!stopping) void claim();
    });
    active.set(job.id, { job, controller, done });
  };

  /** One handler per job kind: a kind without one does not compile. */
  const handlers: Record<JobKind, (job: ClaimedJob, signal: AbortSignal, preloaded?: EpisodeRow) => Promise<void>> = {
    webhook: async (job) => {
      await processWebhookJob(deps, job);
      await completeJob(deps, id, job.id);
    },
    episode: async (job, signal, preloaded) => {
      if (!job.episodeId) return completeJob(deps, id, job.id);
      const outcome = await runEpisode({ deps, limiter, writer, targets, preflight, breaker }, job.episodeId, signal, {
        firstAttempt: job.attempts === 1,
        preloaded,
        job: { id: job.id, owner: id },
      });
      if (outcome === 'skipped') await completeJob(deps, id, job.id);
      else if (stopping) await releaseJobs(deps, id, [job.id]);
      else await completeIfRunEnded(job);
    },
  };

  const completeIfRunEnded = async (job: ClaimedJob) => {
    if (!job.runId) return;
    const [run] = await deps.db.db.select({ status: runs.status }).from(runs).where(eq(runs.id, job.runId));
    if (!run || isTerminalStatus(run.status)) await completeJob(deps, id, job.id);
    // otherwise we lost the lease to another worker, which now drives the episode
  };

  /** An unexpected error: retry the job later (JOB_RETRY backoff), and stop the run after too many tries. */
  const handleCrash = async (job: ClaimedJob, err: unknown) => {
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
  };

  const abortRun = (runId: string) => {
    preflight.forget(runId);
    breaker.forget(runId);
    for (const a of active.values()) if (a.job.runId === runId) a.controller.abort(new Error('run ended'));
  };

  /** Lease renewal, cancellation double-check, slot upkeep, stuck-run sweep and the fallback poll. */
  const tick = async () => {
    const now = Date.now();
    if (now - lastRenew >= leaseMs / 3) {
      lastRenew = now;
      const ids = [...active.keys()];
      const kept = await renewJobs(deps, id, ids, leaseMs);
      for (const jobId of ids) {
        if (!kept.has(jobId)) active.get(jobId)?.controller.abort(new Error('lease lost'));
      }
    }
    const runIds = [...new Set([...active.values()].map((a) => a.job.runId).filter((r): r is string => !!r))];
    if (runIds.length > 0) {
      const rows = await deps.db.db.select({ id: runs.id, status: runs.status }).from(runs).where(inArray(runs.id, runIds));
      for (const r of rows) if (isTerminalStatus(r.status)) abortRun(r.id);
    }
    await limiter.maintain();
    if (now - lastSweep >= 5_000) {
      lastSweep = now;
      // a worker that died between its run's last episode and the report leaves the run `running`: finish it
      const stuck = await deps.db.rows<{ id: string }>(sql`
        select r.id from runs r where r.status = 'running'
          and not exists (select 1 from episodes e where e.run_id = r.id and e.status = 'pending') limit 20`);
      for (const r of stuck) await maybeFinalizeRun(deps, r.id);
    }
    if (active.size < capacity) await claim();
  };

  let ticking = false;
  const timer = setInterval(() => {
    if (ticking || stopping) return;
    ticking = true;
    tick()
      .catch((err) => {
        if (!stopping) logger.warn('worker tick failed', { err });
      })
      .finally(() => {
        ticking = false;
      });
  }, Math.min(tickMs, pollMs));

  unlisteners.push(deps.db.listen(JOBS_CHANNEL, () => void claim()));
  unlisteners.push(deps.db.listen(CANCEL_CHANNEL, (runId) => abortRun(runId)));
  unlisteners.push(deps.db.listen(SLOTS_CHANNEL, () => limiter.poke()));
  for (const u of unlisteners) u.catch((err) => logger.warn('listen failed; relying on polling', { err }));
  void claim();

  return {
    id,
    limiter,
    active: () => active.size,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      for (const a of active.values()) a.controller.abort(new Error('worker stopping'));
      await Promise.allSettled([...active.values()].map((a) => a.done));
      // every episode handed its job back as it stopped (see start); flush what they persisted, free the slots
      await writer.flush().catch(() => {});
      await limiter.close();
      for (const u of unlisteners) await (await u.catch(() => async () => {}))().catch(() => {});
    },
  };
}

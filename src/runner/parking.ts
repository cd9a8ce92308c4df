import type { EndpointLimiter } from './endpoint-limiter.js';
import type { Preflight } from './preflight.js';

/**
 * Episodes that wait for their endpoint — for a concurrency slot, or for the run's pre-flight dry run — are parked:
 * they keep their job (and its lease, so a crash hands them over as before) but do not count against the worker's
 * capacity. A hanging or slow endpoint with a small `maxConcurrency` therefore holds one worker place per slot,
 * not one per queued episode, and the other places go to work that can progress.
 *
 * To keep memory bounded, the worker stops claiming jobs for an endpoint once it holds a backlog of parked episodes
 * for it (`saturated`); they stay queued in the database, where any worker can claim them later.
 */
export interface Parking {
  /** the limiter and pre-flight as one job sees them: its waits are counted */
  forJob(jobId: number): { limiter: Pick<EndpointLimiter, 'acquire'>; preflight: Preflight };
  /** jobs currently waiting */
  parked(): number;
  /** endpoints with a full backlog of parked episodes: claim no more of their jobs for now */
  saturated(): string[];
  /** the job ended */
  forget(jobId: number): void;
}

/** An endpoint's backlog is full at this many parked episodes, or at its `maxConcurrency` when that is larger. */
export const MIN_PARKED_BACKLOG = 64;

export function createParking(limiter: EndpointLimiter, preflight: Preflight): Parking {
  /** job → its endpoint and how many of its waits are pending */
  const waiting = new Map<number, { endpointId: string; waits: number }>();
  const perEndpoint = new Map<string, { parked: number; maxConcurrency: number }>();

  const enter = (jobId: number, endpointId: string, maxConcurrency?: number) => {
    const e = perEndpoint.get(endpointId) ?? { parked: 0, maxConcurrency: 1 };
    if (maxConcurrency !== undefined) e.maxConcurrency = maxConcurrency;
    perEndpoint.set(endpointId, e);
    const w = waiting.get(jobId);
    if (w) {
      w.waits++;
      return;
    }
    waiting.set(jobId, { endpointId, waits: 1 });
    e.parked++;
  };

  const leave = (jobId: number) => {
    const w = waiting.get(jobId);
    if (!w || --w.waits > 0) return;
    waiting.delete(jobId);
    const e = perEndpoint.get(w.endpointId);
    if (e && --e.parked <= 0) perEndpoint.delete(w.endpointId);
  };

  async function counted<T>(jobId: number, endpointId: string, wait: Promise<T>, maxConcurrency?: number): Promise<T> {
    enter(jobId, endpointId, maxConcurrency);
    try {
      return await wait;
    } finally {
      leave(jobId);
    }
  }

  return {
    forJob(jobId) {
      return {
        limiter: {
          acquire: (endpointId, maxConcurrency, signal, priority) =>
            counted(jobId, endpointId, limiter.acquire(endpointId, maxConcurrency, signal, priority), maxConcurrency),
        },
        preflight: {
          check: (runId, target, maxConcurrency, signal) =>
            counted(jobId, target.id, preflight.check(runId, target, maxConcurrency, signal), maxConcurrency),
          forget: (runId) => preflight.forget(runId),
        },
      };
    },
    parked: () => waiting.size,
    saturated() {
      const out: string[] = [];
      for (const [endpointId, e] of perEndpoint) if (e.parked >= Math.max(MIN_PARKED_BACKLOG, e.maxConcurrency)) out.push(endpointId);
      return out;
    },
    forget(jobId) {
      const w = waiting.get(jobId);
      if (!w) return;
      w.waits = 1;
      leave(jobId);
    },
  };
}

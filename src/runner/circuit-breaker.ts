// Stops a run whose endpoint keeps failing. Without it a dead endpoint turns every call into an `error` decision
// after its full retry budget, and the run "finishes" hours later having measured nothing.
//
// Threshold (documented in docs/providers.md): among an endpoint's last WINDOW finished calls in one run, as seen
// by one worker, it trips when at least MIN_FAILED failed or the last CONSECUTIVE failed in a row. A "failure" is a
// call that still failed after its retries (transient); permanent errors already fail the run on their own, and
// refused tools, cancellations and rescheduled calls are not the endpoint failing.
import type { CallResult } from '../model/types.js';

export const BREAKER_WINDOW = 20;
export const BREAKER_MIN_FAILED = 12;
export const BREAKER_CONSECUTIVE = 8;

export interface BreakerTrip {
  failed: number;
  window: number;
  /** the most frequent failure among them, e.g. `HTTP 503: upstream connect error` */
  dominant: string;
  /** how many of the failures were the dominant one */
  dominantCount: number;
}

const WINDOWS_LIMIT = 1000;

type Outcome = { failed: false } | { failed: true; error: string };

/** The part of an error that identifies it (drops attempt counts and long tails that make each message unique). */
function errorKey(r: Extract<CallResult, { ok: false }>): string {
  const m = r.message.replace(/^gave up after \d+ attempts: /, '');
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}

export interface CircuitBreaker {
  /** records a finished call; returns the trip when this call trips the breaker (once per run and endpoint) */
  record(runId: string, endpointId: string, result: CallResult): BreakerTrip | null;
  /** forgets a run (it ended) */
  forget(runId: string): void;
}

export function createCircuitBreaker(): CircuitBreaker {
  const windows = new Map<string, { outcomes: Outcome[]; tripped: boolean }>();
  return {
    record(runId, endpointId, result) {
      // calls that failed for the endpoint's own reasons count; a content filter refusing every prompt means the
      // run cannot measure either
      if (!result.ok && result.kind !== 'transient' && result.kind !== 'content-filtered') return null;
      const key = `${runId}\u0000${endpointId}`;
      let w = windows.get(key);
      if (!w) {
        windows.set(key, (w = { outcomes: [], tripped: false }));
        // runs that finish normally are never forgotten explicitly: keep the map bounded
        if (windows.size > WINDOWS_LIMIT) windows.delete(windows.keys().next().value!);
      }
      if (w.tripped) return null;
      w.outcomes.push(result.ok ? { failed: false } : { failed: true, error: errorKey(result) });
      if (w.outcomes.length > BREAKER_WINDOW) w.outcomes.shift();
      const failures = w.outcomes.filter((o): o is Extract<Outcome, { failed: true }> => o.failed);
      const tail = w.outcomes.slice(-BREAKER_CONSECUTIVE);
      const streak = tail.length === BREAKER_CONSECUTIVE && tail.every((o) => o.failed);
      if (failures.length < BREAKER_MIN_FAILED && !streak) return null;
      w.tripped = true;
      const counts = new Map<string, number>();
      for (const f of failures) counts.set(f.error, (counts.get(f.error) ?? 0) + 1);
      // ties go to the most recent error: it describes the endpoint's current state
      let dominant = failures[failures.length - 1].error;
      for (const [error, count] of counts) if (count > (counts.get(dominant) ?? 0)) dominant = error;
      return { failed: failures.length, window: w.outcomes.length, dominant, dominantCount: counts.get(dominant)! };
    },
    forget(runId) {
      for (const key of windows.keys()) if (key.startsWith(`${runId}\u0000`)) windows.delete(key);
    },
  };
}

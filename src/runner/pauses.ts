// How long a run waits for the pauses an endpoint asks for (a 429 or 503 with a Retry-After longer than the client
// waits holding a slot), and how those pauses are noted for the run view. Shared by the pre-flight dry run and the
// episode calls, so both wait, and show their waits, by the same rule.
import type { Deps } from '../deps.js';
import { notePause } from '../domain/run-lifecycle.js';

/** The longest a call (or the pre-flight) waits, in all, for the pauses an endpoint asks for before it counts as refused. */
export const MAX_RESCHEDULED_WAIT_MS = 15 * 60_000;

export const describeWait = (ms: number) =>
  ms >= 86_400_000 ? `${Math.round(ms / 86_400_000)} d` : ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;

/**
 * A pause ending less than this much later than the one last recorded for its run is not written: many calls
 * answered 429 at once each ask for about the same pause, and the run view shows it to the second.
 */
export const PAUSE_MARGIN_MS = 1_000;

/** Shorter pauses are not noted: they are over before anyone reads the run view (a rate limit resetting in 20 ms). */
export const MIN_NOTED_PAUSE_MS = 1_000;

const RECORDED_LIMIT = 1_000;

/** Notes the pauses an endpoint asks a run for (Retry-After), so the run view can say why progress stands still. */
export interface PauseRecorder {
  /**
   * A call of the run was asked to wait `waitMs` from now. Written as the run's `pausedUntil` unless it is shorter
   * than MIN_NOTED_PAUSE_MS or a pause this worker recorded for the run already lasts about as long
   * (PAUSE_MARGIN_MS). Never rejects: a note that cannot be written is logged, and the call waits all the same.
   */
  record(runId: string, waitMs: number): Promise<void>;
}

export function createPauseRecorder(
  deps: Pick<Deps, 'db' | 'clock' | 'logger'>,
  /** the write (tests count them) */
  write: (runId: string, until: Date) => Promise<void> = (runId, until) => notePause(deps, runId, until),
): PauseRecorder {
  /** run → the end of the latest pause written (or being written) for it, in ms */
  const recorded = new Map<string, number>();
  return {
    async record(runId, waitMs) {
      if (!(waitMs >= MIN_NOTED_PAUSE_MS)) return;
      const now = deps.clock.now().getTime();
      const until = now + waitMs;
      const before = recorded.get(runId);
      if (before !== undefined && until < before + PAUSE_MARGIN_MS) return;
      recorded.delete(runId);
      recorded.set(runId, until);
      // bounded: pauses that are over go first, then the oldest noted
      if (recorded.size > RECORDED_LIMIT) {
        for (const [id, end] of recorded) if (end < now) recorded.delete(id);
        while (recorded.size > RECORDED_LIMIT) recorded.delete(recorded.keys().next().value!);
      }
      try {
        await write(runId, new Date(until));
      } catch (err) {
        // not written: a later pause of the run is written again
        if (recorded.get(runId) === until) {
          if (before === undefined) recorded.delete(runId);
          else recorded.set(runId, before);
        }
        deps.logger.warn('could not record an endpoint pause', { runId, error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}

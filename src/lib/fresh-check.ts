/**
 * A check whose success stays good for a short while (the health check's database round trip). A database server
 * that shares its cores with a run's work can take longer to answer `select 1` than a probe should wait, although it
 * is healthy; probes poll often, so each one need not wait for a round trip of its own.
 *
 * - A success that started less than `freshMs` ago answers at once; once it is `refreshMs` old, a new check starts
 *   in the background (the caller does not wait for it).
 * - Without a fresh success — at start, after any failed check, or when checks stop answering — the caller waits for
 *   a check, at most `timeoutMs`: a database that is down reads as down within about `freshMs`, and one that hangs
 *   reads as down after `timeoutMs` instead of holding the probe.
 * - Checks never overlap: callers share the one in flight.
 */
export interface FreshCheckOptions {
  freshMs: number;
  refreshMs: number;
  timeoutMs: number;
  now?: () => number;
}

export class CheckTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CheckTimeoutError';
  }
}

export function freshCheck(opts: FreshCheckOptions): (check: () => Promise<void>) => Promise<void> {
  const now = opts.now ?? (() => performance.now());
  /** when the last successful check started (a success proves the database was up at least then) */
  let lastOk = -Infinity;
  let inflight: Promise<void> | null = null;

  const start = (check: () => Promise<void>): Promise<void> => {
    if (inflight) return inflight;
    const startedAt = now();
    const p = (async () => {
      try {
        await check();
        lastOk = startedAt; // checks never overlap, so a later success never started earlier
      } catch (err) {
        lastOk = -Infinity;
        throw err;
      } finally {
        inflight = null;
      }
    })();
    inflight = p;
    return p;
  };

  return async (check) => {
    const age = now() - lastOk;
    if (age < opts.freshMs) {
      // a failure here is seen by the next caller, which then waits for a check of its own
      if (age >= opts.refreshMs && !inflight) start(check).catch(() => {});
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeoutError(opts.timeoutMs)), opts.timeoutMs);
      timer.unref?.();
    });
    try {
      await Promise.race([start(check), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * A process-wide budget of bytes for model responses held in memory, independent of how many calls run at once
 * (`maxConcurrency` may allow hundreds). Small answers never touch it; a response that turns out large (beyond
 * 64 KB, see net/guarded-fetch.ts) reserves the whole response cap before it reads on, and waits — its socket paused — while the
 * budget is taken. Every holder has its full cap reserved, so holders always finish and waiters cannot deadlock.
 */
export interface ByteBudget {
  /** resolves with a release function once `bytes` are reserved; rejects when `signal` aborts first */
  acquire(bytes: number, signal?: AbortSignal): Promise<() => void>;
  /** bytes reserved now (metrics and tests) */
  readonly reserved: number;
}

export function createByteBudget(total: number): ByteBudget {
  let reserved = 0;
  const waiters: { bytes: number; grant: () => void }[] = [];
  const pump = () => {
    // first come, first served: a large waiter is not overtaken forever by smaller ones
    while (waiters.length > 0 && (reserved === 0 || reserved + waiters[0].bytes <= total)) {
      const w = waiters.shift()!;
      reserved += w.bytes;
      w.grant();
    }
  };
  return {
    get reserved() {
      return reserved;
    },
    acquire(bytes, signal) {
      // a single reservation larger than the budget is granted alone
      const want = Math.max(0, Math.min(bytes, total));
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          reserved -= want;
          pump();
        };
        const waiter = {
          bytes: want,
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(release);
          },
        };
        const onAbort = () => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
        pump();
      });
    },
  };
}

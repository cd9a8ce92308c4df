/** Waits `ms`, or less when the signal fires (it never rejects: callers check `signal.aborted`). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    // setTimeout takes a delay beyond 2^31 − 1 ms (about 24.8 days) as 1 ms: a huge wait must not turn into a busy loop
    const timer = setTimeout(done, Math.min(Math.max(0, ms), 2 ** 31 - 1));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Lets pending I/O callbacks (other requests) run before a long computation goes on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * For long loops over stored work (reading every answer of a run): each call yields to the event loop once more
 * than `budgetMs` has passed since the last yield, so health checks and other tenants' requests wait at most about
 * that long, while short loops pay nothing.
 */
export function timeSlicer(budgetMs = 20): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await yieldToEventLoop();
    since = performance.now();
  };
}

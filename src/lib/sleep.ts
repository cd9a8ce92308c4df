/** Waits `ms`, or less when the signal fires (it never rejects: callers check `signal.aborted`). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Lets pending I/O callbacks (other requests) run before a long computation goes on. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

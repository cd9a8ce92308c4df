// Pre-flight: before a run's first call to an endpoint, the worker dry-runs it (the probe). A dead, unauthorised or
// misconfigured endpoint then fails the run within seconds with the probe's diagnosis, instead of every call
// failing after its retries. One dry run per run and endpoint per worker: concurrent episodes share it.
import type { Deps } from '../deps.js';
import type { EndpointTarget } from '../model/types.js';
import type { EndpointLimiter } from './endpoint-limiter.js';
import { dryRunEndpoint, type ProbeFailure, type ProbeResult } from '../services/endpoints/probe.js';
import { abortableSleep } from '../lib/sleep.js';
import { describeWait, MAX_RESCHEDULED_WAIT_MS } from './pauses.js';

export type PreflightVerdict =
  | { ok: true; /** why tool-use cannot be measured (refused, or calls written as text), else null */ toolsUnusable: string | null }
  | { ok: false; detail: string; endpointStatus: number | null };

export interface Preflight {
  check(runId: string, target: EndpointTarget, maxConcurrency: number, signal: AbortSignal): Promise<PreflightVerdict>;
  forget(runId: string): void;
}

function verdictOf(r: ProbeResult | ProbeFailure, endpointId: string): PreflightVerdict {
  if (!r.ok) {
    return { ok: false, detail: `endpoint ${endpointId}: ${r.detail}${r.fix ? ` (fix: ${r.fix})` : ''}`, endpointStatus: r.endpointStatus };
  }
  if (!r.ready) return { ok: false, detail: `endpoint ${endpointId}: ${r.advice.join('; ')}`, endpointStatus: null };
  const unusable = r.toolUse === 'unsupported' || r.toolUse === 'text';
  return { ok: true, toolsUnusable: unusable ? (r.toolUseDetail ?? 'the endpoint refuses tools') : null };
}

const MEMO_LIMIT = 1000;
/** the dry run gates every episode of its run: it goes ahead of waiting calls */
const PREFLIGHT_PRIORITY = Number.MAX_SAFE_INTEGER;

/**
 * `slots`: the endpoint limiter. The dry run's requests are requests to the lab's endpoint like any other, so they
 * take one of its `maxConcurrency` slots (its calls are sequential): several workers starting on a run while others
 * already call the endpoint must not push it over its limit.
 */
export function createPreflight(
  deps: Pick<Deps, 'modelClient' | 'logger'>,
  slots?: Pick<EndpointLimiter, 'acquire'>,
  /** records a pause the endpoint asked the run for, so the run view can say why nothing moves (never throws) */
  onPause: (runId: string, waitMs: number) => Promise<void> = async () => {},
): Preflight {
  const memo = new Map<string, Promise<PreflightVerdict>>();
  const dryRun = async (runId: string, target: EndpointTarget, maxConcurrency: number, signal: AbortSignal) => {
    // A rate limit asking for a long pause says nothing against the endpoint: the dry run waits it out (without a
    // slot) by the rule every call of the run follows, and only a pause beyond that rule fails the run.
    let waited = 0;
    for (;;) {
      const release = slots ? await slots.acquire(target.id, maxConcurrency, signal, PREFLIGHT_PRIORITY) : () => {};
      let r: Awaited<ReturnType<typeof dryRunEndpoint>>;
      try {
        // the short pauses its client waits out show as the run's do (never awaited)
        r = await dryRunEndpoint(deps, target, { signal, onPause: (waitMs) => void onPause(runId, waitMs) });
      } finally {
        release();
      }
      if (r.ok || r.retryAfterMs === null || signal.aborted) return verdictOf(r, target.id);
      if (waited + r.retryAfterMs > MAX_RESCHEDULED_WAIT_MS) {
        return verdictOf({ ...r, detail: `${r.detail} (longer than a run waits for one call, ${describeWait(MAX_RESCHEDULED_WAIT_MS)} in all: a quota or a billing limit?)` }, target.id);
      }
      waited += r.retryAfterMs;
      await onPause(runId, r.retryAfterMs);
      await abortableSleep(r.retryAfterMs, signal);
      if (signal.aborted) return verdictOf(r, target.id);
    }
  };
  const shared = (runId: string, target: EndpointTarget, maxConcurrency: number, signal: AbortSignal) => {
    const key = `${runId}\u0000${target.id}`;
    let hit = memo.get(key);
    if (!hit) {
      const started = dryRun(runId, target, maxConcurrency, signal);
      hit = started;
      memo.set(key, started);
      // runs that finish normally are never forgotten explicitly: keep the memo bounded
      if (memo.size > MEMO_LIMIT) memo.delete(memo.keys().next().value!);
      // a cancelled dry run says nothing about the endpoint: let the next episode try again. One handler for both
      // outcomes, so the derived promise never rejects unhandled.
      started.then(
        () => signal.aborted && memo.get(key) === started && memo.delete(key),
        () => memo.get(key) === started && memo.delete(key),
      );
    }
    return hit;
  };
  return {
    async check(runId, target, maxConcurrency, signal) {
      try {
        return await shared(runId, target, maxConcurrency, signal);
      } catch (err) {
        // The shared dry run was started by another episode, whose job ended (lease lost, run cancelled): that says
        // nothing about this episode. Unless this episode was stopped too, run it again under its own signal.
        if (signal.aborted) throw err;
        return shared(runId, target, maxConcurrency, signal);
      }
    },
    forget(runId) {
      for (const key of memo.keys()) if (key.startsWith(`${runId}\u0000`)) memo.delete(key);
    },
  };
}

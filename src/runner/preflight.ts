// Pre-flight: before a run's first call to an endpoint, the worker dry-runs it (the probe). A dead, unauthorised or
// misconfigured endpoint then fails the run within seconds with the probe's diagnosis, instead of every call
// failing after its retries. One dry run per run and endpoint per worker: concurrent episodes share it.
import type { Deps } from '../deps.js';
import type { EndpointTarget } from '../model/types.js';
import { dryRunEndpoint, type ProbeFailure, type ProbeResult } from '../services/endpoints/probe.js';

export type PreflightVerdict =
  | { ok: true; /** why tool-use cannot be measured (refused, or calls written as text), else null */ toolsUnusable: string | null }
  | { ok: false; detail: string; endpointStatus: number | null };

export interface Preflight {
  check(runId: string, target: EndpointTarget, signal: AbortSignal): Promise<PreflightVerdict>;
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

export function createPreflight(deps: Pick<Deps, 'modelClient' | 'logger'>): Preflight {
  const memo = new Map<string, Promise<PreflightVerdict>>();
  return {
    check(runId, target, signal) {
      const key = `${runId}\u0000${target.id}`;
      let hit = memo.get(key);
      if (!hit) {
        hit = dryRunEndpoint(deps, target, { signal }).then((r) => verdictOf(r, target.id));
        memo.set(key, hit);
        // runs that finish normally are never forgotten explicitly: keep the memo bounded
        if (memo.size > MEMO_LIMIT) memo.delete(memo.keys().next().value!);
        // a cancelled dry run says nothing about the endpoint: let the next episode try again
        hit.catch(() => memo.delete(key));
        void hit.then(() => signal.aborted && memo.delete(key));
      }
      return hit;
    },
    forget(runId) {
      for (const key of memo.keys()) if (key.startsWith(`${runId}\u0000`)) memo.delete(key);
    },
  };
}

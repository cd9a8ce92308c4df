import type { Deps } from '../deps.js';
import { loadTarget, type ResolvedEndpoint } from '../services/endpoints/target.js';

export type { ResolvedEndpoint };

/** Per-worker cache with a short TTL so PATCHed endpoints take effect without a restart. */
export function createTargetCache(deps: Pick<Deps, 'db' | 'secrets' | 'logger'>, ttlMs = 5_000) {
  const cache = new Map<string, { at: number; value: Promise<ResolvedEndpoint> }>();
  return {
    get(endpointId: string): Promise<ResolvedEndpoint> {
      const hit = cache.get(endpointId);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = loadTarget(deps, endpointId);
      cache.set(endpointId, { at: Date.now(), value });
      value.catch(() => cache.delete(endpointId));
      return value;
    },
  };
}

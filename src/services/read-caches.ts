import type { EtagBody } from '../lib/etag.js';
import { createTtlCache, type TtlCache } from '../lib/ttl-cache.js';
import type { RunView } from './run-views.js';

/** A finished run's report as served: its tenant (checked on every hit), the stored bytes and their strong ETag. */
export interface CachedReport extends EtagBody {
  tenantId: string;
}

/**
 * Per-process caches on the read paths. Each entry may be stale for at most its TTL when another process changes the
 * underlying row; changes made in this process invalidate at once.
 *
 * - reports: a succeeded run's report only changes on rescore. A rescore in another process is seen here within
 *   REPORT_TTL_MS; in this process at once.
 * - runViews: a finished run's view. Its row and subjects never change once the status is terminal, but the view
 *   counts the run's model calls (a scan of thousands of rows), and a call in flight when a run is cancelled or
 *   fails may be persisted just after: such a straggler shows within RUN_VIEW_TTL_MS. Active runs are always read.
 * - tenants: tenants that exist (positive answers only: a token for a tenant created a moment ago on another process
 *   is never refused). A tenant removed from the database (a restored backup) keeps passing authentication here for
 *   at most TENANT_TTL_MS; token signatures, expiry and scopes are still checked on every request.
 * - liveSessions: console sessions found not signed out. A sign-out in this process takes effect at once; one made
 *   in another process is seen here within LIVE_SESSION_TTL_MS.
 */
export interface ReadCaches {
  reports: TtlCache<string, CachedReport>;
  runViews: TtlCache<string, CachedRunView>;
  tenants: TtlCache<string, true>;
  liveSessions: TtlCache<string, true>;
}

export const REPORT_TTL_MS = 60_000;
export const TENANT_TTL_MS = 30_000;
export const RUN_VIEW_TTL_MS = 60_000;
export const LIVE_SESSION_TTL_MS = 10_000;

/** A finished run's view as served, with its tenant (checked on every hit). */
export interface CachedRunView {
  tenantId: string;
  view: RunView;
}

export function createReadCaches(opts: { now?: () => number } = {}): ReadCaches {
  return {
    // reports are 10 kB – 1 MB of JSON: a few hundred keep a busy dashboard's working set without unbounded memory
    reports: createTtlCache({ ttlMs: REPORT_TTL_MS, maxEntries: 256, now: opts.now }),
    tenants: createTtlCache({ ttlMs: TENANT_TTL_MS, maxEntries: 10_000, now: opts.now }),
    // about 1 kB a run: a whole list page of finished runs costs no count or subject query
    runViews: createTtlCache({ ttlMs: RUN_VIEW_TTL_MS, maxEntries: 4_096, now: opts.now }),
    liveSessions: createTtlCache({ ttlMs: LIVE_SESSION_TTL_MS, maxEntries: 10_000, now: opts.now }),
  };
}

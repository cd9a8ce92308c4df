// Per-tenant limits on run creation (spec §6 "429 rate_limited"):
//  - a fixed-window rate (ATP_RUN_RATE_PER_MINUTE runs per minute), counted in `rate_counters` so that it holds across
//    every API process sharing the database;
//  - a cap on concurrently active (queued + running) runs (ATP_MAX_ACTIVE_RUNS).
// Both answer 429 `rate_limited` with `Retry-After`. The authoritative check runs inside the transaction that writes the
// run, under a per-tenant transaction-scoped advisory lock: concurrent creations of one tenant serialise on it, so two
// API processes cannot both take the last slot, and a rejected or rolled-back creation consumes nothing.
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import type { Db } from '../db/client.js';
import { rateCounters, runs } from '../db/schema.js';
import { ServiceError } from '../lib/errors.js';
import { ACTIVE_RUN_STATUSES } from '../lib/run-status.js';
import { checkStorageQuota } from '../domain/storage-quota.js';

export const RUN_RATE_BUCKET = 'runs:create';
export const RATE_WINDOW_MS = 60_000;
/** Retry-After for the active-runs cap: there is no window to wait for, only runs to finish */
export const ACTIVE_RETRY_AFTER_S = 30;
/** advisory-lock namespace (first key of pg_advisory_xact_lock(int, int)); arbitrary but fixed */
const LOCK_NAMESPACE = 0x41545052; // "ATPR"

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Executor = Db | Tx;

export interface RunLimits {
  perMinute: number;
  maxActive: number;
}

export const runLimitsOf = (deps: Pick<Deps, 'config'>): RunLimits => ({
  perMinute: deps.config.runRatePerMinute,
  maxActive: deps.config.maxActiveRuns,
});

export function windowStart(nowMs: number, windowMs = RATE_WINDOW_MS): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

function rateLimited(kind: 'runs_per_minute' | 'active_runs', detail: string, max: number, retryAfterS: number): ServiceError {
  return new ServiceError('rate_limited', detail, { limit: kind, max, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterS)) });
}

const tooManyActive = (max: number) =>
  rateLimited('active_runs', `at most ${max} runs may be queued or running at once; wait for one to finish or cancel one`, max, ACTIVE_RETRY_AFTER_S);

const secondsLeftInWindow = (nowMs: number) => (windowStart(nowMs) + RATE_WINDOW_MS - nowMs) / 1000;

async function activeRuns(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number | string>`count(*)` })
    .from(runs)
    .where(and(eq(runs.tenantId, tenantId), inArray(runs.status, [...ACTIVE_RUN_STATUSES]), eq(runs.operatorBaseline, false)));
  return Number(row?.n ?? 0);
}

async function usedThisWindow(db: Executor, tenantId: string, start: number): Promise<number> {
  const [row] = await db
    .select({ count: rateCounters.count })
    .from(rateCounters)
    .where(and(eq(rateCounters.tenantId, tenantId), eq(rateCounters.bucket, RUN_RATE_BUCKET), eq(rateCounters.windowStart, start)));
  return row?.count ?? 0;
}

/**
 * Read-only early check of the creation rate, before the (possibly large) run is expanded: a tenant over its rate
 * costs no planning. Not authoritative (see `consumeRunCreation`).
 */
export async function precheckCreationRate(deps: Pick<Deps, 'db' | 'clock' | 'config'>, tenantId: string): Promise<void> {
  const limits = runLimitsOf(deps);
  const nowMs = deps.clock.now().getTime();
  if (limits.perMinute > 0 && (await usedThisWindow(deps.db.db, tenantId, windowStart(nowMs))) >= limits.perMinute) {
    throw rateLimited('runs_per_minute', `at most ${limits.perMinute} runs per minute may be created; try again shortly`, limits.perMinute, secondsLeftInWindow(nowMs));
  }
}

/**
 * Read-only check of the tenant's room (active-runs cap, storage quota), after the run was planned: a run that is
 * too large is told so (422, final) rather than told to wait for a free place (429) and then refused anyway. Not
 * authoritative (see `consumeRunCreation`).
 */
export async function precheckCapacity(deps: Pick<Deps, 'db' | 'clock' | 'config'>, tenantId: string): Promise<void> {
  const limits = runLimitsOf(deps);
  if (limits.maxActive > 0 && (await activeRuns(deps.db.db, tenantId)) >= limits.maxActive) {
    throw tooManyActive(limits.maxActive);
  }
  await checkStorageQuota(deps, tenantId);
}

/**
 * The authoritative check, called first inside the transaction that inserts the run: takes the tenant's advisory
 * lock, checks the active-runs cap, then counts this creation in the current window (the increment rolls back with
 * the transaction when the run is not written). Throws 429 `rate_limited`.
 */
export async function consumeRunCreation(deps: Pick<Deps, 'clock' | 'config'>, tx: Executor, tenantId: string): Promise<void> {
  const limits = runLimitsOf(deps);
  if (limits.perMinute <= 0 && limits.maxActive <= 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${tenantId}))`);
  const nowMs = deps.clock.now().getTime();
  if (limits.maxActive > 0 && (await activeRuns(tx, tenantId)) >= limits.maxActive) {
    throw tooManyActive(limits.maxActive);
  }
  if (limits.perMinute <= 0) return;
  const start = windowStart(nowMs);
  const [row] = await tx
    .insert(rateCounters)
    .values({ tenantId, bucket: RUN_RATE_BUCKET, windowStart: start, count: 1 })
    .onConflictDoUpdate({
      target: [rateCounters.tenantId, rateCounters.bucket, rateCounters.windowStart],
      set: { count: sql`${rateCounters.count} + 1` },
    })
    .returning({ count: rateCounters.count });
  if (row.count > limits.perMinute) {
    throw rateLimited('runs_per_minute', `at most ${limits.perMinute} runs per minute may be created; try again shortly`, limits.perMinute, secondsLeftInWindow(nowMs));
  }
  // old windows are dead weight: drop this tenant's (cheap: primary-key prefix)
  await tx
    .delete(rateCounters)
    .where(and(eq(rateCounters.tenantId, tenantId), eq(rateCounters.bucket, RUN_RATE_BUCKET), lt(rateCounters.windowStart, start)));
}

/** Gives back the creation counted by `consumeRunCreation` when the run could not be written after all. */
export async function refundRunCreation(deps: Pick<Deps, 'db' | 'clock' | 'config'>, tenantId: string): Promise<void> {
  if (runLimitsOf(deps).perMinute <= 0) return;
  const start = windowStart(deps.clock.now().getTime());
  await deps.db.db
    .update(rateCounters)
    .set({ count: sql`greatest(${rateCounters.count} - 1, 0)` })
    .where(and(eq(rateCounters.tenantId, tenantId), eq(rateCounters.bucket, RUN_RATE_BUCKET), eq(rateCounters.windowStart, start)));
}

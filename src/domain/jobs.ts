import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import type { JobKind } from '../lib/job-kinds.js';

export interface ClaimedJob {
  id: number;
  kind: JobKind;
  runId: string | null;
  episodeId: string | null;
  endpointId: string | null;
  /** 1 on the first claim: nothing of the job can have been persisted before */
  attempts: number;
}

export const JOBS_CHANNEL = 'atp_jobs';

/**
 * Retry policy for a job whose handler crashed unexpectedly (an endpoint's own failures are handled inside the
 * episode): it goes back to the queue with exponential backoff, and after `maxAttempts` claims it fails for good.
 */
export const JOB_RETRY = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 } as const;

/** Delay before the next claim of a job that crashed on its `attempts`-th claim: 1 s, 2 s, 4 s … capped. */
export function jobRetryDelayMs(attempts: number, policy: { baseDelayMs: number; maxDelayMs: number } = JOB_RETRY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

export const shouldGiveUp = (attempts: number, policy: { maxAttempts: number } = JOB_RETRY) => attempts >= policy.maxAttempts;
export const CANCEL_CHANNEL = 'atp_cancel';
export const SLOTS_CHANNEL = 'atp_slots';

/** A job may be claimed: queued and due, or held under a lease that expired (its worker died). */
const claimable = (j: string) =>
  sql.raw(`((${j}.status = 'queued' and ${j}.run_at <= now()) or (${j}.status = 'running' and ${j}.lease_expires_at < now()))`);

/**
 * Jobs live in Postgres and are claimed with `FOR UPDATE SKIP LOCKED` under a lease. A job whose lease expired
 * (its worker died) is claimable again; the new holder resumes from the persisted calls.
 *
 * A run's jobs are claimable once its whole plan is stored (`runs.planned`).
 *
 * Claims are fair: round-robin across tenants, then across each tenant's runs, then oldest first within a run. A
 * claimable job's place in its run (`in_run`) orders it within its tenant (`in_tenant`, runs interleaved by age);
 * the claim takes the lowest `in_tenant` of every tenant before the next one of any. One tenant's backlog therefore
 * cannot delay another tenant's first calls. Window functions cannot share a query level with `FOR UPDATE`, so the
 * ranking is computed over the claimable rows first, and the rows are then locked (skipping rows another worker is
 * claiming) and re-checked.
 *
 * `skipEndpoints`: endpoints whose episodes this worker already holds enough of (they wait for a slot): their jobs
 * stay queued, so the worker's places go to work that can progress.
 */
export async function claimJobs(
  deps: Pick<Deps, 'db'>,
  owner: string,
  limit: number,
  leaseMs: number,
  skipEndpoints: readonly string[] = [],
): Promise<ClaimedJob[]> {
  if (limit <= 0) return [];
  const notSkipped = skipEndpoints.length > 0 ? sql`and (j.endpoint_id is null or j.endpoint_id not in ${[...skipEndpoints]})` : sql``;
  const rows = await deps.db.rows<{ id: string | number; kind: ClaimedJob['kind']; run_id: string | null; episode_id: string | null; endpoint_id: string | null; attempts: number }>(sql`
    with ready as (
      select j.id, r.tenant_id,
        row_number() over (partition by j.run_id order by j.id) as in_run,
        min(j.id) over (partition by j.run_id) as run_first
      from jobs j left join runs r on r.id = j.run_id
      where ${claimable('j')} and (r.id is null or r.planned) ${notSkipped}),
    ranked as (
      select id, row_number() over (partition by tenant_id order by in_run, run_first) as in_tenant from ready),
    picked as (
      select j.id from jobs j join ranked k on k.id = j.id
      where ${claimable('j')}
      order by k.in_tenant, j.id
      limit ${limit}
      for update of j skip locked)
    update jobs j set status = 'running', lease_owner = ${owner},
      lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}), attempts = j.attempts + 1
    from picked where j.id = picked.id
    returning j.id, j.kind, j.run_id, j.episode_id, j.endpoint_id, j.attempts`);
  return rows
    .map((r) => ({ id: Number(r.id), kind: r.kind, runId: r.run_id, episodeId: r.episode_id, endpointId: r.endpoint_id, attempts: Number(r.attempts) }))
    .sort((a, b) => a.id - b.id);
}

/** Extends the leases we still hold; returns the ids we still own (a missing id means the lease was lost). */
export async function renewJobs(deps: Pick<Deps, 'db'>, owner: string, ids: number[], leaseMs: number): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await deps.db.rows<{ id: string | number }>(sql`
    update jobs set lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000})
    where id in ${ids} and lease_owner = ${owner} and status = 'running'
    returning id`);
  return new Set(rows.map((r) => Number(r.id)));
}

/** Marks a job done if we still hold it. */
export async function completeJob(deps: Pick<Deps, 'db'>, owner: string, id: number, status: 'done' | 'failed' = 'done', error?: string) {
  await deps.db.rows(sql`
    update jobs set status = ${status}, lease_owner = null, lease_expires_at = null, last_error = ${error ?? null}
    where id = ${id} and lease_owner = ${owner}`);
}

/** Gives jobs back to the queue (graceful shutdown, or a wait the endpoint asked for). */
export async function releaseJobs(deps: Pick<Deps, 'db'>, owner: string, ids: number[], delayMs = 0) {
  if (ids.length === 0) return;
  await deps.db.rows(sql`
    update jobs set status = 'queued', lease_owner = null, lease_expires_at = null,
      run_at = now() + make_interval(secs => ${delayMs / 1000})
    where id in ${ids} and lease_owner = ${owner} and status = 'running'`);
}

/**
 * Embedded mode is single-process (the data directory is locked), so at start-up every lease is stale:
 * resume at once instead of waiting for them to expire.
 */
export async function resetEmbeddedLeases(deps: Pick<Deps, 'db'>) {
  await deps.db.rows(sql`update jobs set status = 'queued', lease_owner = null, lease_expires_at = null where status = 'running'`);
  await deps.db.rows(sql`update endpoint_slots set holder = null, lease_expires_at = null`);
}

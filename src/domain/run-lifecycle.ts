import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { episodes, jobs, reports, runs } from '../db/schema.js';
import { CANCEL_CHANNEL } from './jobs.js';
import { PROBLEM_TYPE_BASE } from '../lib/problem.js';
import { ACTIVE_RUN_STATUSES } from '../lib/run-status.js';
import { computeReport } from './report-data.js';
import type { DecisionCounts } from '../scoring/report-types.js';
import { answerValidity, MIN_READABLE_SHARE, unreadableCauses } from '../scoring/answer-validity.js';
import { onRunTerminal } from './run-terminal.js';
import { cacheOperatorResult } from './operator-results.js';

/** Why a run failed (RFC 9457); `endpointStatus` is the HTTP status the model endpoint answered, when it did. */
export type RunProblem = { type: string; title: string; status: number; detail: string; endpointStatus?: number | null };

/** A run's problem, typed under the same base URI as every API problem. */
export function runProblem(
  code: 'endpoint-error' | 'endpoint-preflight-failed' | 'endpoint-failing' | 'insufficient-valid-answers' | 'nothing-scored' | 'internal',
  title: string,
  status: number,
  detail: string,
  extras: { endpointStatus?: number | null } = {},
): RunProblem {
  return { type: PROBLEM_TYPE_BASE + code, title, status, detail, ...extras };
}

export async function markRunRunning(deps: Pick<Deps, 'db' | 'clock'>, runId: string) {
  await deps.db.db
    .update(runs)
    .set({ status: 'running', startedAt: deps.clock.now() })
    .where(and(eq(runs.id, runId), eq(runs.status, 'queued')));
}

/** Stops every episode of a run: pending episodes end, their jobs close, workers abort in-flight calls. */
async function stopRun(deps: Deps, runId: string, status: 'failed' | 'cancelled', error: RunProblem | null): Promise<boolean> {
  const changed = await deps.db.db.transaction(async (tx) => {
    const updated = await tx
      .update(runs)
      .set({ status, error, finishedAt: deps.clock.now() })
      .where(and(eq(runs.id, runId), inArray(runs.status, [...ACTIVE_RUN_STATUSES])))
      .returning({ id: runs.id });
    if (updated.length === 0) return false;
    await tx.update(episodes).set({ status: 'cancelled' }).where(and(eq(episodes.runId, runId), eq(episodes.status, 'pending')));
    await tx
      .update(jobs)
      .set({ status: 'done', leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(jobs.runId, runId), eq(jobs.kind, 'episode'), inArray(jobs.status, ['queued', 'running'])));
    return true;
  });
  if (changed) {
    await deps.db.notify(CANCEL_CHANNEL, runId).catch(() => {});
    await onRunTerminal(deps, runId);
  }
  return changed;
}

export function failRun(deps: Deps, runId: string, problem: RunProblem) {
  return stopRun(deps, runId, 'failed', problem);
}

export function cancelRun(deps: Deps, runId: string) {
  return stopRun(deps, runId, 'cancelled', null);
}

/**
 * An endpoint asked the run to pause until `until` (a Retry-After, or a rate limit's reset): recorded so the run view
 * can say why progress stands still. One statement; the time only moves later (several episodes may pause at once).
 * The runner writes it through its pause recorder (runner/pauses.ts), which coalesces the many notes of a rate limit.
 */
export async function notePause(deps: Pick<Deps, 'db'>, runId: string, until: Date) {
  await deps.db.db
    .update(runs)
    .set({ pausedUntil: sql`greatest(${runs.pausedUntil}, ${until.toISOString()}::timestamptz)` })
    .where(and(eq(runs.id, runId), inArray(runs.status, [...ACTIVE_RUN_STATUSES])));
}

/**
 * The endpoint refused `tools` (or cannot return tool calls): the testbed is reported `unsupported` for this subject,
 * with the reason (the server's own words) shown in the run view and the report; the run goes on.
 */
export async function markUnsupported(deps: Pick<Deps, 'db'>, runId: string, subjectIdx: number, testbed: string, reason: string) {
  // one statement, idempotent: appends the testbed (and its reason) unless the list already holds it
  await deps.db.rows(sql`
    update run_subjects set unsupported = unsupported || to_jsonb(${testbed}::text),
      unsupported_reasons = unsupported_reasons || jsonb_build_object(${testbed}::text, ${reason.slice(0, 500)}::text)
    where run_id = ${runId} and idx = ${subjectIdx} and not unsupported @> to_jsonb(${testbed}::text)`);
}

/**
 * Episode finished (done / unsupported), in one statement: the episode ends, its job closes (when we still hold it),
 * the calls it will never make count towards progress, and we learn whether it was the run's last pending episode —
 * then the run is scored. Two workers finishing the last two episodes at once may both see none pending; the status
 * guard in finalizeRun lets one of them score it.
 */
export async function finishEpisode(
  deps: Deps,
  episodeId: string,
  runId: string,
  status: 'done' | 'unsupported',
  remainingNominal: number,
  job?: { id: number; owner: string },
) {
  const [state] = await deps.db.rows<{ status: string; pending: number | string }>(sql`
    with ep as (update episodes set status = ${status} where id = ${episodeId} and status = 'pending' returning run_id),
    j as (
      update jobs set status = 'done', lease_owner = null, lease_expires_at = null
      where id = ${job?.id ?? -1} and lease_owner = ${job?.owner ?? ''} returning id),
    r as (
      update runs set progress_skipped = progress_skipped + ${remainingNominal}
      where id = ${runId} and ${remainingNominal} > 0 and exists (select 1 from ep) returning id)
    select (select status from runs where id = ${runId}) as status,
      (select count(*) from (
        select 1 from episodes where run_id = ${runId} and status = 'pending' and id <> ${episodeId} limit ${RECHECK_BELOW}) x) as pending`);
  if (!state || state.status !== 'running') return;
  const pending = Number(state.pending);
  if (pending === 0) await finalizeRun(deps, runId);
  // Episodes finishing at the same moment on other connections each see the others as still pending in their
  // snapshot; near the end, look again after our commit so one of them always scores the run.
  else if (pending < RECHECK_BELOW) await maybeFinalizeRun(deps, runId);
}

/** Below this many other pending episodes a finishing episode re-checks after commit (see finishEpisode). */
const RECHECK_BELOW = 64;

export async function maybeFinalizeRun(deps: Deps, runId: string): Promise<boolean> {
  const [state] = await deps.db.rows<{ status: string; pending: boolean }>(sql`
    select status, exists (select 1 from episodes where run_id = ${runId} and status = 'pending') as pending
    from runs where id = ${runId}`);
  if (!state || state.status !== 'running' || state.pending) return false;
  return finalizeRun(deps, runId);
}

/**
 * Why a scored run did not measure, or null when it did: too few readable answers, or readable answers (refusals,
 * say) from which no testbed could be scored — a run with no score measured nothing a gate could hold it to.
 */
function validityProblem(reportBody: string): RunProblem | null {
  const { decisions, scoreStatus, scoreReasons } = (
    JSON.parse(reportBody) as { subject: { decisions: DecisionCounts; scoreStatus: string; scoreReasons: string[] } }
  ).subject;
  const v = answerValidity(decisions);
  if (v.sufficient && scoreStatus === 'unavailable') {
    return runProblem(
      'nothing-scored',
      'No testbed could be scored',
      422,
      `${scoreReasons.join(' ')} ${decisions.parsed} of ${v.total} answers were read as a choice${v.total > decisions.parsed ? ` (${unreadableCauses(decisions, { refused: true })})` : ''}. The report is kept for diagnosis.`,
    );
  }
  if (v.sufficient) return null;
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return runProblem(
    'insufficient-valid-answers',
    'Too few answers could be read',
    422,
    `${v.readable} of ${v.total} answers were readable (${pct(v.share)}; at least ${pct(MIN_READABLE_SHARE)} are needed)` +
      `${v.total > v.readable ? `; unreadable: ${unreadableCauses(decisions)}` : ''}. The report is kept for diagnosis.`,
  );
}

/**
 * How long a claim to score a run holds. Scoring reads every stored answer of the run (up to the per-run call cap);
 * a process that dies while scoring leaves the run to the stuck-run sweep once this has passed.
 */
export const SCORING_LEASE_MS = 10 * 60_000;

/**
 * One statement decides who scores a finished run. Without it every episode finishing in the same moment near the
 * end, and the sweep every few seconds, scored the run again: measured at 8 concurrent scorings of one run, each
 * reading all its answers (65 MB for 404 answers of 160 KB), which stalled the service for seconds.
 */
async function claimScoring(deps: Deps, runId: string): Promise<boolean> {
  const rows = await deps.db.rows<{ id: string }>(sql`
    update runs set scoring_until = now() + make_interval(secs => ${SCORING_LEASE_MS / 1000})
    where id = ${runId} and status = 'running' and (scoring_until is null or scoring_until < now())
    returning id`);
  return rows.length > 0;
}

/** Scoring failed: let the next attempt (the sweep) claim it at once. */
async function releaseScoring(deps: Deps, runId: string) {
  await deps.db.rows(sql`update runs set scoring_until = null where id = ${runId}`).catch(() => {});
}

/**
 * Scores the run from its persisted calls (once, whoever claims it first) and marks it succeeded, or failed when
 * too few answers could be read (the report is stored either way).
 */
async function finalizeRun(deps: Deps, runId: string): Promise<boolean> {
  if (!(await claimScoring(deps, runId))) return false;
  let report: Awaited<ReturnType<typeof computeReport>>;
  try {
    report = await computeReport(deps, runId);
  } catch (err) {
    await releaseScoring(deps, runId);
    throw err;
  }
  const problem = validityProblem(report.body);
  const won = await deps.db.db.transaction(async (tx) => {
    const updated = await tx
      .update(runs)
      .set({ status: problem ? 'failed' : 'succeeded', error: problem, finishedAt: deps.clock.now() })
      .where(and(eq(runs.id, runId), eq(runs.status, 'running')))
      .returning({ id: runs.id, operatorBaseline: runs.operatorBaseline, endpointId: runs.endpointId, suiteId: runs.suiteId, suiteVersion: runs.suiteVersion });
    if (updated.length === 0) return false;
    await tx
      .insert(reports)
      .values({ ...report, runId, createdAt: deps.clock.now() })
      .onConflictDoUpdate({ target: reports.runId, set: { ...report, createdAt: deps.clock.now() } });
    // an operator baseline's result is cached in the same commit: whoever sees the run succeeded sees the cache
    if (updated[0].operatorBaseline && !problem) await cacheOperatorResult(tx, { ...updated[0], runId }, deps.clock.now());
    return true;
  });
  if (won) await onRunTerminal(deps, runId);
  return won;
}

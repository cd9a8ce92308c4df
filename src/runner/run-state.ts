import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { episodes, jobs, reports, runs, runSubjects } from '../db/schema.js';
import { CANCEL_CHANNEL } from './leases.js';
import { computeReport } from './report-data.js';
import { onRunTerminal } from './terminal.js';

export type RunProblem = { type: string; title: string; status: number; detail: string };

const ACTIVE = ['queued', 'running'] as const;

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
      .where(and(eq(runs.id, runId), inArray(runs.status, [...ACTIVE])))
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

/** The endpoint refused `tools`: the testbed is reported `unsupported` for this subject; the run goes on. */
export async function markUnsupported(deps: Pick<Deps, 'db'>, runId: string, subjectIdx: number, testbed: string) {
  await deps.db.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ unsupported: runSubjects.unsupported })
      .from(runSubjects)
      .where(and(eq(runSubjects.runId, runId), eq(runSubjects.idx, subjectIdx)))
      .for('update');
    if (row && !row.unsupported.includes(testbed)) {
      await tx
        .update(runSubjects)
        .set({ unsupported: [...row.unsupported, testbed].sort() })
        .where(and(eq(runSubjects.runId, runId), eq(runSubjects.idx, subjectIdx)));
    }
  });
}

/**
 * Episode finished (done / unsupported): record it and, when it was the run's last, score the run.
 * Two workers finishing the last two episodes at once both see zero pending; the status guard lets one finalize.
 */
export async function finishEpisode(
  deps: Deps,
  episodeId: string,
  runId: string,
  status: 'done' | 'unsupported',
  remainingNominal: number,
) {
  await deps.db.db.transaction(async (tx) => {
    await tx.update(episodes).set({ status }).where(and(eq(episodes.id, episodeId), eq(episodes.status, 'pending')));
    if (remainingNominal > 0) {
      // calls that will never be made (unsupported, ended early) still count towards 100 %
      await tx.execute(sql`update runs set progress_done = least(progress_total, progress_done + ${remainingNominal}) where id = ${runId}`);
    }
  });
  await maybeFinalizeRun(deps, runId);
}

export async function maybeFinalizeRun(deps: Deps, runId: string): Promise<boolean> {
  const [pending] = await deps.db.rows<{ n: number | string }>(
    sql`select count(*) as n from episodes where run_id = ${runId} and status = 'pending'`,
  );
  if (Number(pending.n) > 0) return false;
  const [run] = await deps.db.db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  if (!run || run.status !== 'running') return false;
  const report = await computeReport(deps, runId);
  const won = await deps.db.db.transaction(async (tx) => {
    const updated = await tx
      .update(runs)
      .set({ status: 'succeeded', finishedAt: deps.clock.now(), progressDone: sql`${runs.progressTotal}` })
      .where(and(eq(runs.id, runId), eq(runs.status, 'running')))
      .returning({ id: runs.id });
    if (updated.length === 0) return false;
    await tx
      .insert(reports)
      .values({ ...report, runId, createdAt: deps.clock.now() })
      .onConflictDoUpdate({ target: reports.runId, set: { ...report, createdAt: deps.clock.now() } });
    return true;
  });
  if (won) await onRunTerminal(deps, runId);
  return won;
}

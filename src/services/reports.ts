import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { reports } from '../db/schema.js';
import { ServiceError } from '../lib/errors.js';
import { computeReport } from '../domain/report-data.js';
import { getOwnedRun } from './run-views.js';
import { strongEtag, type EtagBody } from '../lib/etag.js';

export async function loadStoredReport(deps: Pick<Deps, 'db'>, tenantId: string, runId: string) {
  const run = await getOwnedRun(deps, tenantId, runId);
  // a run that failed for too few readable answers keeps its report, for diagnosis
  if (run.status !== 'succeeded' && run.status !== 'failed') {
    throw new ServiceError('run_not_finished', `the run is ${run.status}; its report exists once it has succeeded`, { runStatus: run.status });
  }
  const [row] = await deps.db.db.select().from(reports).where(eq(reports.runId, run.id));
  if (!row && run.status === 'failed') {
    throw new ServiceError('run_has_no_report', 'the run failed before it could be scored: it has no report (its error says why)', { runStatus: run.status });
  }
  if (!row) throw new ServiceError('run_not_finished', 'the report is being computed; try again shortly', { runStatus: run.status });
  return row;
}

/**
 * A succeeded run's report as served: the stored bytes and their strong ETag, from the per-process cache when warm
 * (no database round trip), else read and cached. A cached entry names its tenant, so another tenant's id still 404s
 * through the database path, indistinguishable from a missing run.
 */
export async function loadServedReport(deps: Pick<Deps, 'db' | 'caches'>, tenantId: string, runId: string): Promise<EtagBody> {
  const hit = deps.caches.reports.get(runId);
  if (hit && hit.tenantId === tenantId) return hit;
  const row = await loadStoredReport(deps, tenantId, runId);
  const served = { tenantId, body: row.body, etag: strongEtag(row.body) };
  deps.caches.reports.set(runId, served);
  return served;
}

/** Recomputes from the stored calls (no model calls) and stores the result; returns the JSON text. */
export async function rescoreRun(deps: Pick<Deps, 'db' | 'clock' | 'testbeds' | 'caches'>, tenantId: string, runId: string): Promise<string> {
  await loadStoredReport(deps, tenantId, runId);
  const report = await computeReport(deps, runId);
  deps.caches.reports.delete(runId);
  await deps.db.db.update(reports).set({ ...report, createdAt: deps.clock.now() }).where(eq(reports.runId, runId));
  // dropped again after the write: a read racing the update may have cached the old bytes in between
  deps.caches.reports.delete(runId);
  return report.body;
}

import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { runs, runSubjects } from '../db/schema.js';
import { notFound } from '../lib/errors.js';
import { newestFirst } from '../db/keyset.js';

type RunRow = typeof runs.$inferSelect;

const ID_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;

/** A tenant's run, or 404 — another tenant's run is indistinguishable from a missing one. */
export async function getOwnedRun(deps: Pick<Deps, 'db'>, tenantId: string, runId: string): Promise<RunRow> {
  if (!ID_SHAPE.test(runId)) throw notFound('run');
  const [row] = await deps.db.db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.tenantId, tenantId)));
  if (!row) throw notFound('run');
  return row;
}

async function callCounts(deps: Pick<Deps, 'db'>, runIds: string[]) {
  const out = new Map<string, { total: number; retried: number; failed: number; nominal: number }>();
  if (runIds.length === 0) return out;
  const rows = await deps.db.rows<{ run_id: string; total: string | number; retried: string | number; failed: string | number; nominal: string | number }>(sql`
    select run_id, count(*) as total,
      count(*) filter (where step = 0) as nominal,
      count(*) filter (where attempts > 1) as retried,
      count(*) filter (where error is not null) as failed
    from model_calls where run_id in ${runIds} group by run_id`);
  for (const r of rows) {
    out.set(r.run_id, { total: Number(r.total), retried: Number(r.retried), failed: Number(r.failed), nominal: Number(r.nominal) });
  }
  return out;
}

export async function toRunViews(deps: Pick<Deps, 'db'>, rows: RunRow[]) {
  const ids = rows.map((r) => r.id);
  const counts = await callCounts(deps, ids);
  const subjects = ids.length
    ? await deps.db.db.select().from(runSubjects).where(inArray(runSubjects.runId, ids)).orderBy(runSubjects.runId, runSubjects.idx)
    : [];
  return rows.map((r) => {
    const base = `/v1/runs/${r.id}`;
    const { nominal, ...calls } = counts.get(r.id) ?? { total: 0, retried: 0, failed: 0, nominal: 0 };
    // a finished run is complete whatever was skipped; otherwise first calls of agent-rounds + skipped ones
    const done = r.status === 'succeeded' ? r.progressTotal : Math.min(r.progressTotal, nominal + r.progressSkipped);
    return {
      id: r.id,
      status: r.status,
      endpointId: r.endpointId,
      suite: { id: r.suiteId, version: r.suiteVersion },
      custom: r.custom,
      seed: r.seed,
      samples: r.samples,
      subjects: subjects
        .filter((s) => s.runId === r.id)
        .map((s) => ({ kind: s.kind, label: s.label, endpointId: s.endpointId, unsupported: s.unsupported })),
      progress: {
        done,
        total: r.progressTotal,
        percent: r.progressTotal === 0 ? 100 : Math.round((1000 * done) / r.progressTotal) / 10,
      },
      calls,
      error: r.error ?? null,
      webhookUrl: r.webhookUrl,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      links: {
        self: base,
        events: `${base}/events`,
        report: `${base}/report`,
        reportHtml: `${base}/report.html`,
        transcripts: `${base}/transcripts`,
      },
    };
  });
}

export type RunView = Awaited<ReturnType<typeof toRunViews>>[number];

export async function getRunView(deps: Pick<Deps, 'db'>, tenantId: string, runId: string): Promise<RunView> {
  const row = await getOwnedRun(deps, tenantId, runId);
  return (await toRunViews(deps, [row]))[0];
}

export async function listRuns(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  q: { status?: RunRow['status']; endpointId?: string; limit: number; cursor?: string },
) {
  const filters: SQL[] = [eq(runs.tenantId, tenantId), eq(runs.operatorBaseline, false)];
  if (q.status) filters.push(eq(runs.status, q.status));
  if (q.endpointId) filters.push(eq(runs.endpointId, q.endpointId));
  const keys = newestFirst<RunRow>(runs, q, ID_SHAPE);
  const rows = await deps.db.db
    .select()
    .from(runs)
    .where(and(...filters, keys.after))
    .orderBy(...keys.orderBy)
    .limit(keys.fetch);
  const page = keys.page(rows);
  return { items: await toRunViews(deps, page.rows), nextCursor: page.nextCursor };
}

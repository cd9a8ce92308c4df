// Turns a run's terminal status into one webhook delivery (a `webhook_deliveries` row holding the event) and the
// job that makes its first attempt. Deliveries are retried by jobs too (see deliver.ts), so they survive restarts.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { jobs, reports, runs, webhookDeliveries } from '../db/schema.js';
import type { Problem } from '../lib/problem.js';
import { isTerminalStatus, TERMINAL_RUN_STATUSES, type TerminalRunStatus } from '../lib/run-status.js';
import { JOBS_CHANNEL } from '../domain/jobs.js';

export type TerminalStatus = TerminalRunStatus;
export type RunEventType = `run.${TerminalStatus}`;

export const TERMINAL_STATUSES: readonly TerminalStatus[] = TERMINAL_RUN_STATUSES;

/** The JSON body POSTed to a run's `webhookUrl` (signed; see deliver.ts). */
export interface RunWebhookEvent {
  type: RunEventType;
  /** the delivery id (also in the `ATP-Delivery` header): signed, so receivers can use it to drop replays */
  deliveryId: string;
  runId: string;
  status: TerminalStatus;
  suite: { id: string; version: string };
  endpointId: string;
  /** ATP robustness score of the subject (succeeded runs), else null */
  score: number | null;
  /** the report's validity flag (succeeded runs), else null */
  lowValidity: boolean | null;
  /** why the run failed (problem details), else null */
  error: Problem | null;
  finishedAt: string | null;
  links: { run: string; report: string | null };
}


/**
 * Delivery ids are derived from (run, event type): inserting the same event twice hits the primary key, which
 * makes enqueueing idempotent without a dedicated unique index.
 */
export function deliveryIdFor(runId: string, type: RunEventType): string {
  return `whd_${createHash('sha256').update(`${runId}\u0000${type}`).digest('hex').slice(0, 24)}`;
}

function absolute(deps: Pick<Deps, 'config'>, path: string): string {
  const base = deps.config.publicUrl?.replace(/\/+$/, '');
  return base ? `${base}${path}` : path;
}

/** The event for a run in a terminal status (null when the run is missing or not finished). */
export async function buildRunEvent(deps: Pick<Deps, 'db' | 'config'>, runId: string): Promise<RunWebhookEvent | null> {
  const [run] = await deps.db.db.select().from(runs).where(eq(runs.id, runId));
  if (!run || !isTerminalStatus(run.status)) return null;
  const type: RunEventType = `run.${run.status}`;
  let score: number | null = null;
  let lowValidity: boolean | null = null;
  if (run.status === 'succeeded') {
    const [report] = await deps.db.db
      .select({ score: reports.score, lowValidity: reports.lowValidity })
      .from(reports)
      .where(eq(reports.runId, runId));
    score = report?.score ?? null;
    lowValidity = report?.lowValidity ?? null;
  }
  return {
    type,
    deliveryId: deliveryIdFor(run.id, type),
    runId: run.id,
    status: run.status,
    suite: { id: run.suiteId, version: run.suiteVersion },
    endpointId: run.endpointId,
    score,
    lowValidity,
    error: run.error ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    links: {
      run: absolute(deps, `/v1/runs/${run.id}`),
      report: run.status === 'succeeded' ? absolute(deps, `/v1/runs/${run.id}/report`) : null,
    },
  };
}

/**
 * Records the webhook delivery of a finished run and queues its first attempt. Idempotent: one delivery per run
 * and terminal status (a second call returns the same id and queues nothing). Returns null when the run has no
 * `webhookUrl` or is not finished.
 */
export async function enqueueRunWebhook(deps: Pick<Deps, 'db' | 'config' | 'clock'>, runId: string): Promise<string | null> {
  const [run] = await deps.db.db.select({ webhookUrl: runs.webhookUrl }).from(runs).where(eq(runs.id, runId));
  if (!run?.webhookUrl) return null;
  const event = await buildRunEvent(deps, runId);
  if (!event) return null;
  const url = run.webhookUrl;
  const created = await deps.db.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(webhookDeliveries)
      .values({
        id: event.deliveryId,
        runId,
        url,
        event: { ...event },
        status: 'pending',
        attempts: 0,
        nextAttemptAt: deps.clock.now(),
        createdAt: deps.clock.now(),
      })
      .onConflictDoNothing({ target: webhookDeliveries.id })
      .returning({ id: webhookDeliveries.id });
    if (inserted.length === 0) return false;
    await tx.insert(jobs).values({ kind: 'webhook', runId, status: 'queued', payload: { deliveryId: event.deliveryId, attempt: 1 } });
    return true;
  });
  if (created) await deps.db.notify(JOBS_CHANNEL, runId).catch(() => {});
  return event.deliveryId;
}

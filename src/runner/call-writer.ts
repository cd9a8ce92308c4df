import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { modelCalls, runs, tenants } from '../db/schema.js';

export type CallRow = typeof modelCalls.$inferInsert;

interface Pending {
  rows: CallRow[];
  /** stored bytes of each row (storedSize), counted once */
  sizes: number[];
  bytes: number;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for model calls: every call is durable before its episode advances, but calls that finish in the
 * same tick share one multi-row INSERT (per-statement commits cap out near 1,000 rows/s on either database).
 * `write` resolves to false when a row already existed — another worker persisted that round (we lost a lease).
 */
export interface CallWriter {
  write(rows: CallRow[]): Promise<boolean>;
  flush(): Promise<void>;
  /** the run's tenant's stored bytes as of this writer's last batch for the run (undefined before one) */
  storedBytes(runId: string): number | undefined;
}

/** Bytes a call takes in storage, as the storage quota counts them (the JSON text of its prompt and answer). */
export function storedSize(r: Pick<CallRow, 'request' | 'response' | 'error'>): number {
  return (
    Buffer.byteLength(JSON.stringify(r.request)) +
    (r.response ? Buffer.byteLength(JSON.stringify(r.response)) : 0) +
    (r.error ? Buffer.byteLength(r.error) : 0)
  );
}

const key = (r: { episodeId: string; round: number; agent: number; step: number }) => `${r.episodeId}/${r.round}/${r.agent}/${r.step}`;

export function createCallWriter(
  deps: Pick<Deps, 'db' | 'logger'>,
  opts: { maxBatch?: number; maxBatchBytes?: number; maxInFlight?: number } = {},
): CallWriter {
  const maxBatch = opts.maxBatch ?? 500;
  // one statement's parameters are encoded in one synchronous step (and the embedded database runs the whole INSERT
  // on the main thread): batches of long answers are cut by size so no step holds the event loop for long
  const maxBatchBytes = opts.maxBatchBytes ?? 1_000_000;
  // PGlite is one connection: overlapping flushes would only queue; a server takes a few at once
  const maxInFlight = opts.maxInFlight ?? (deps.db.kind === 'pglite' ? 1 : 4);
  const queue: Pending[] = [];
  let scheduled = false;
  let inFlight = 0;
  const idle: (() => void)[] = [];
  // latest tenant total per run (bounded: cleared when it grows large; a miss only delays the quota check a batch)
  const usage = new Map<string, number>();

  /** Adds what the batch stored to each tenant's total (one statement per run in the batch). */
  const account = async (batch: Pending[], inserted: Set<string>) => {
    const perRun = new Map<string, number>();
    for (const p of batch) {
      p.rows.forEach((r, i) => {
        if (inserted.has(key(r))) perRun.set(r.runId, (perRun.get(r.runId) ?? 0) + p.sizes[i]);
      });
    }
    if (usage.size > 10_000) usage.clear();
    for (const [runId, bytes] of perRun) {
      try {
        const [row] = await deps.db.rows<{ stored_bytes: string | number; operator_baseline: boolean }>(sql`
          update ${tenants} t set stored_bytes = t.stored_bytes + ${bytes}
          from ${runs} r where r.id = ${runId} and t.id = r.tenant_id
          returning t.stored_bytes, r.operator_baseline`);
        // the service's own baseline runs count towards the operator tenant but are never stopped by the quota
        if (row && !row.operator_baseline) usage.set(runId, Number(row.stored_bytes));
      } catch (err) {
        // the calls are durable already: a missed count must not fail the episode
        deps.logger.warn('could not count stored bytes', { runId, error: (err as Error)?.message });
      }
    }
  };

  const flushBatch = async (batch: Pending[]) => {
    const rows = batch.flatMap((p) => p.rows);
    try {
      // one statement, no explicit transaction: the hot path costs a single round trip per batch
      const ids = await deps.db.db
        .insert(modelCalls)
        .values(rows)
        .onConflictDoNothing()
        .returning({ episodeId: modelCalls.episodeId, round: modelCalls.round, agent: modelCalls.agent, step: modelCalls.step });
      const inserted = new Set(ids.map(key));
      await account(batch, inserted);
      for (const p of batch) p.resolve(p.rows.every((r) => inserted.has(key(r))));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };

  /**
   * Group commit: a batch is cut only when a flush slot is free, so everything that completed while the previous
   * flush ran goes out together (bigger batches exactly when the database is the bottleneck).
   */
  const drain = () => {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch: Pending[] = [];
      let size = 0;
      let bytes = 0;
      while (queue.length > 0 && size < maxBatch && (batch.length === 0 || bytes + queue[0].bytes <= maxBatchBytes)) {
        const p = queue.shift()!;
        batch.push(p);
        size += p.rows.length;
        bytes += p.bytes;
      }
      inFlight++;
      void flushBatch(batch).finally(() => {
        inFlight--;
        if (queue.length > 0) schedule();
        else if (inFlight === 0) for (const r of idle.splice(0)) r();
      });
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate: gather every call that completed during this turn of the event loop
    setImmediate(drain);
  };

  return {
    storedBytes: (runId) => usage.get(runId),
    write(rows) {
      if (rows.length === 0) return Promise.resolve(true);
      return new Promise((resolve, reject) => {
        const sizes = rows.map(storedSize);
        queue.push({ rows, sizes, bytes: sizes.reduce((a, b) => a + b, 0), resolve, reject });
        schedule();
      });
    },
    async flush() {
      if (queue.length === 0 && inFlight === 0 && !scheduled) return;
      await new Promise<void>((r) => {
        idle.push(r);
        schedule();
      });
    },
  };
}

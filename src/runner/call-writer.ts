import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { modelCalls } from '../db/schema.js';

export type CallRow = typeof modelCalls.$inferInsert;

interface Pending {
  rows: CallRow[];
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
}

export function createCallWriter(deps: Pick<Deps, 'db'>, opts: { maxBatch?: number } = {}): CallWriter {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Pending[] = [];
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();

  const flushBatch = async (batch: Pending[]) => {
    const rows = batch.flatMap((p) => p.rows);
    try {
      const inserted = await deps.db.db.transaction(async (tx) => {
        const ids = await tx
          .insert(modelCalls)
          .values(rows)
          .onConflictDoNothing()
          .returning({ episodeId: modelCalls.episodeId, round: modelCalls.round, agent: modelCalls.agent, step: modelCalls.step });
        const key = (r: { episodeId: string; round: number; agent: number; step: number }) => `${r.episodeId}/${r.round}/${r.agent}/${r.step}`;
        const done = new Set(ids.map(key));
        // progress counts an agent's round once (its first call), whatever tool steps follow
        const perRun = new Map<string, number>();
        for (const r of rows) {
          if (r.step === 0 && done.has(key(r as never))) perRun.set(r.runId, (perRun.get(r.runId) ?? 0) + 1);
        }
        for (const [runId, n] of perRun) {
          await tx.execute(sql`update runs set progress_done = progress_done + ${n} where id = ${runId}`);
        }
        return done;
      });
      for (const p of batch) {
        p.resolve(p.rows.every((r) => inserted.has(`${r.episodeId}/${r.round}/${r.agent}/${r.step}`)));
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };

  const drain = () => {
    scheduled = false;
    const batch: Pending[] = [];
    let size = 0;
    while (queue.length > 0 && size < maxBatch) {
      const p = queue.shift()!;
      batch.push(p);
      size += p.rows.length;
    }
    if (queue.length > 0) schedule();
    running = running.then(() => flushBatch(batch));
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate: gather every call that completed during this turn of the event loop
    setImmediate(drain);
  };

  return {
    write(rows) {
      if (rows.length === 0) return Promise.resolve(true);
      return new Promise((resolve, reject) => {
        queue.push({ rows, resolve, reject });
        schedule();
      });
    },
    async flush() {
      while (queue.length > 0 || scheduled) {
        if (scheduled) await new Promise((r) => setImmediate(r));
        else drain();
      }
      await running;
    },
  };
}

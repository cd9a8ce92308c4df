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

const key = (r: { episodeId: string; round: number; agent: number; step: number }) => `${r.episodeId}/${r.round}/${r.agent}/${r.step}`;

export function createCallWriter(deps: Pick<Deps, 'db'>, opts: { maxBatch?: number } = {}): CallWriter {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Pending[] = [];
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();

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
      for (const p of batch) p.resolve(p.rows.every((r) => inserted.has(key(r))));
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

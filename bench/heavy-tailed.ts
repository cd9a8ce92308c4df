// Heavy-tailed scenario of `npm run bench` (BENCH_HEAVY=1): answer latencies drawn lognormal (median 1 s, p99 8 s),
// 5 % of first attempts answered 429 with `Retry-After: 1`, endpoint maxConcurrency C = 32. The lower bound uses the
// latencies as they happened: max(the longest episode's critical path — per (round, step) the slowest call, summed —,
// Σ call latencies ÷ C). Call latencies are the service's own per-call records (drawn latency + retry waits + a
// millisecond of overhead); Σ drawn ÷ C, from the fake model itself, is printed beside them as a check.
// Also runs on its own: `npm run bench:heavy` (BENCH_HEAVY_KINDS=postgres to skip PGlite).
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { parseConfig } from '../src/config/config.js';
import { buildDeps } from '../src/bootstrap.js';
import { createLogger } from '../src/lib/logger.js';
import { startWorker } from '../src/runner/worker.js';
import { createRun } from '../src/services/runs.js';
import { ensureTenant } from '../src/services/tenants.js';
import { createEndpointRow } from '../test/support/fixtures.js';
import { waitForRun } from '../test/support/runs.js';

import { startFake } from './fake-process.js';
import { openBenchDb } from './bench-db.js';

type Kind = 'pglite' | 'postgres';

const C = Number(process.env.BENCH_HEAVY_CONCURRENCY ?? 32);
const SUITE = process.env.BENCH_SUITE ?? 'atp-standard-v1';
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export async function heavyTailed() {
  console.log(`\nHeavy-tailed scenario — lognormal latencies (median 1 s, p99 8 s), 5 % 429 + Retry-After: 1, C = ${C}, suite ${SUITE}\n`);
  console.log('db          calls  429s  wall(s)  critical path(s)  Σlat÷C(s)  Σdrawn÷C(s)  bound(s)  wall÷bound  peak');
  for (const kind of (process.env.BENCH_HEAVY_KINDS ?? process.env.BENCH_KINDS ?? 'pglite,postgres').split(',') as Kind[]) {
    const opened = await openBenchDb(kind);
    if (!opened) {
      console.log(`${kind.padEnd(11)} (no server reachable: skipped)`);
      continue;
    }
    const fake = await startFake(0, { FAKE_HEAVY: '1', FAKE_RECORD: '0' });
    const config = parseConfig({ ATP_SECRET: SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1' });
    const deps = buildDeps({ config, db: opened.db, logger: createLogger({ level: 'error' }), secret: SECRET });
    const worker = startWorker(deps);
    try {
      const { tenant } = await ensureTenant(deps, 'bench-heavy');
      const endpoint = await createEndpointRow(deps, tenant.id, { baseUrl: fake.url, maxConcurrency: C, requestTimeoutMs: 120_000 });
      const started = performance.now();
      const { runId } = await createRun(deps, tenant.id, { endpointId: endpoint.id, suite: SUITE, seed: 1 });
      const run = await waitForRun(deps, runId, 1_800_000);
      const wall = (performance.now() - started) / 1000;
      if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
      const [agg] = await opened.db.rows<{ calls: string | number; total_ms: string | number }>(
        sql`select count(*) as calls, coalesce(sum(latency_ms), 0) as total_ms from model_calls where run_id = ${runId}`,
      );
      const [path] = await opened.db.rows<{ ms: string | number | null }>(sql`
        select max(chain_ms) as ms from (
          select episode_id, sum(slowest) as chain_ms from (
            select episode_id, round, step, max(latency_ms) as slowest from model_calls where run_id = ${runId} group by 1, 2, 3
          ) g group by episode_id
        ) e`);
      const stats = await fake.ask<{ peakInFlight: number; answered429: number; drawnMs: number }>('stats');
      const critical = Number(path.ms ?? 0) / 1000;
      const sumOverC = Number(agg.total_ms) / 1000 / C;
      const bound = Math.max(critical, sumOverC);
      const f = (x: number, d = 2) => x.toFixed(d);
      console.log(
        `${kind.padEnd(11)} ${String(agg.calls).padStart(5)}  ${String(stats.answered429).padStart(4)}  ${f(wall, 1).padStart(7)}  ${f(critical, 1).padStart(16)}  ${f(sumOverC, 1).padStart(9)}  ${f(stats.drawnMs / 1000 / C, 1).padStart(11)}  ${f(bound, 1).padStart(8)}  ${f(wall / bound).padStart(10)}  ${String(stats.peakInFlight).padStart(4)}`,
      );
    } finally {
      await worker.stop();
      await fake.close();
      await opened.cleanup();
    }
  }
  console.log('\nbound = max(critical path, Σ latencies ÷ C); peak = most concurrent requests the model server saw (never above C).');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await heavyTailed();
  process.exit(0);
}

// Multi-worker scale-out (npm run bench:scale): N standalone `atp-bench worker` processes (default 2 and 4) on one
// PostgreSQL database run the standard suite for several tenants at once, each tenant's endpoint served by its own
// fake model process (latency L) so every endpoint's peak concurrency is observed separately. Prints calls/s in total
// and per worker process, and each endpoint's peak concurrency against its maxConcurrency (never above it).
//
//   BENCH_SCALE_WORKERS  comma-separated process counts (default 2,4)
//   BENCH_SCALE_TENANTS  tenants, one run and one endpoint each (default 3)
//   BENCH_LATENCY_MS     fake model latency (default 100);  BENCH_CONCURRENCY  each endpoint's maxConcurrency (16)
//   BENCH_DATABASE_URL   the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres)
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { parseConfig } from '../src/config/config.js';
import { buildDeps } from '../src/bootstrap.js';
import { createLogger } from '../src/lib/logger.js';
import { createRun } from '../src/services/runs.js';
import { ensureTenant } from '../src/services/tenants.js';
import { createEndpointRow } from '../test/support/fixtures.js';
import { waitForRun } from '../test/support/runs.js';
import { startFake } from './fake-process.js';
import { openBenchDb, PG_URL } from './bench-db.js';

const COUNTS = (process.env.BENCH_SCALE_WORKERS ?? '2,4').split(',').map(Number);
const TENANTS = Number(process.env.BENCH_SCALE_TENANTS ?? 3);
const L = Number(process.env.BENCH_LATENCY_MS ?? 100);
const C = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SUITE = process.env.BENCH_SUITE ?? 'atp-standard-v1';
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const ROOT = path.join(import.meta.dirname, '..');

async function measure(workers: number) {
  const opened = await openBenchDb('postgres', { name: `atp_scale_${process.pid}_${workers}`, maxConnections: 4 });
  if (!opened?.url) throw new Error(`no PostgreSQL server reachable at ${PG_URL}`);
  const { db, url } = opened;
  const fakes = await Promise.all(Array.from({ length: TENANTS }, () => startFake(L)));
  const procs: ChildProcess[] = [];
  try {
    const config = parseConfig({ ATP_SECRET: SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1' });
    const deps = buildDeps({ config, db, logger: createLogger({ level: 'error' }), secret: SECRET });
    const runIds: string[] = [];
    // runs are queued before any worker starts, so every process starts from the same backlog
    for (let i = 0; i < TENANTS; i++) {
      const { tenant } = await ensureTenant(deps, `scale-lab-${i}`);
      const endpoint = await createEndpointRow(deps, tenant.id, { baseUrl: fakes[i].url, maxConcurrency: C, requestTimeoutMs: 60_000 });
      runIds.push((await createRun(deps, tenant.id, { endpointId: endpoint.id, suite: SUITE, seed: i + 1 })).runId);
    }
    const started = performance.now();
    for (let w = 0; w < workers; w++) {
      procs.push(
        spawn(process.execPath, [path.join(ROOT, 'bin/atp-bench.mjs'), 'worker'], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: url, ATP_SECRET: SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1', LOG_LEVEL: 'error' },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
    }
    for (const id of runIds) {
      const run = await waitForRun(deps, id, 1_800_000);
      if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    }
    const wall = (performance.now() - started) / 1000;
    const [{ calls }] = await db.rows<{ calls: string | number }>(sql`select count(*) as calls from model_calls`);
    const peaks = await Promise.all(fakes.map((f) => f.ask<{ peakInFlight: number }>('stats').then((s) => s.peakInFlight)));
    return { workers, calls: Number(calls), wall, peaks };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode !== null ? null : new Promise((r) => p.once('exit', r)))));
    await Promise.all(fakes.map((f) => f.close()));
    await opened.cleanup();
  }
}

console.log(`Scale-out — ${TENANTS} tenants × ${SUITE}, L = ${L} ms, each endpoint maxConcurrency ${C}, PostgreSQL\n`);
console.log('| worker processes | calls | wall (s) | calls/s | calls/s per worker | bound calls/s (tenants × C ÷ L) | endpoint peaks (≤ C) |');
console.log('|---:|---:|---:|---:|---:|---:|---|');
for (const n of COUNTS) {
  const r = await measure(n);
  const rate = r.calls / r.wall;
  const bound = L > 0 ? (TENANTS * C * 1000) / L : Infinity;
  console.log(`| ${n} | ${r.calls} | ${r.wall.toFixed(1)} | ${rate.toFixed(0)} | ${(rate / n).toFixed(0)} | ${Number.isFinite(bound) ? bound.toFixed(0) : '—'} | ${r.peaks.join(', ')}${r.peaks.some((p) => p > C) ? ' **over C**' : ''} |`);
}
process.exit(0);

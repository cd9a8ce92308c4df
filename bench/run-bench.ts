// Runner benchmark (npm run bench): the standard suite against a local OpenAI-compatible server with fixed latency L
// and endpoint maxConcurrency C, on PGlite and (when reachable) on PostgreSQL. Prints wall time against the
// theoretical lower bound max(longest episode's sequential calls × L, calls × L ÷ C), and zero-latency throughput.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { parseConfig } from '../src/config/config.js';
import { buildDeps } from '../src/bootstrap.js';
import { openDb, type DbHandle } from '../src/db/client.js';
import { createLogger } from '../src/lib/logger.js';
import { startWorker } from '../src/runner/worker.js';
import { createRun } from '../src/services/runs.js';
import { ensureTenant } from '../src/services/tenants.js';
import { createEndpointRow } from '../test/support/fixtures.js';
import { waitForRun } from '../test/support/runs.js';

const L = Number(process.env.BENCH_LATENCY_MS ?? 100);
const C = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SUITE = process.env.BENCH_SUITE ?? 'atp-standard-v1';
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/** each configuration runs this many times; the median wall time is reported (the VM's noise is ±30 %) */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

interface FakeProc {
  url: string;
  ask<T>(type: string): Promise<T>;
  close(): Promise<void>;
}

async function startFake(latencyMs: number): Promise<FakeProc> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'fake-server-process.ts'), [], {
    env: { ...process.env, FAKE_LATENCY_MS: String(latencyMs) },
    execArgv: ['--import', 'tsx'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  return {
    url,
    ask: <T>(type: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (m: { stats?: T }) => resolve(m.stats as T));
        child.send({ type });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}

async function openBenchDb(kind: 'pglite' | 'postgres'): Promise<{ db: DbHandle; cleanup: () => Promise<void> } | null> {
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-bench-'));
    const db = await openDb({ dataDir: dir });
    await db.migrate();
    return { db, cleanup: async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`select 1`;
  } catch {
    await admin.end().catch(() => {});
    return null;
  }
  const name = `atp_bench_${process.pid}`;
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = '/' + name;
  const db = await openDb({ databaseUrl: u.toString(), maxConnections: 10 });
  await db.migrate();
  return {
    db,
    cleanup: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function measure(kind: 'pglite' | 'postgres', latencyMs: number) {
  const opened = await openBenchDb(kind);
  if (!opened) return null;
  const fake = await startFake(latencyMs);
  const config = parseConfig({ ATP_SECRET: SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1' });
  const deps = buildDeps({ config, db: opened.db, logger: createLogger({ level: 'error' }), secret: SECRET });
  const worker = startWorker(deps);
  try {
    const { tenant } = await ensureTenant(deps, 'bench');
    const endpoint = await createEndpointRow(deps, tenant.id, { baseUrl: fake.url, maxConcurrency: C, requestTimeoutMs: 60_000 });
    const started = performance.now();
    const { runId } = await createRun(deps, tenant.id, { endpointId: endpoint.id, suite: SUITE, seed: 1 });
    const run = await waitForRun(deps, runId, 600_000);
    const wall = (performance.now() - started) / 1000;
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    const [{ calls }] = await opened.db.rows<{ calls: string | number }>(sql`select count(*) as calls from model_calls where run_id = ${runId}`);
    const [{ chain }] = await opened.db.rows<{ chain: string | number }>(sql`
      select max(n) as chain from (select episode_id, count(distinct (round, step)) as n from model_calls where run_id = ${runId} group by episode_id) x`);
    const stats = await fake.ask<{ peakInFlight: number; total: number }>('stats');
    const n = Number(calls);
    const lower = Math.max((Number(chain) * latencyMs) / 1000, (n * latencyMs) / 1000 / C);
    return { kind, latencyMs, calls: n, chain: Number(chain), wall, lower, serial: (n * latencyMs) / 1000, peak: stats.peakInFlight, throughput: n / wall };
  } finally {
    await worker.stop();
    await fake.close();
    await opened.cleanup();
  }
}

const fmt = (x: number, d = 2) => x.toFixed(d);
console.log(`ATP Bench runner benchmark — suite ${SUITE}, L = ${L} ms, C = ${C}, ${os.cpus().length} CPUs, node ${process.version}, median of ${REPEAT}\n`);
console.log('db        L(ms)  calls  chain  wall(s)  lower(s)  ratio  serial(s)  speed-up  peak  calls/s');
for (const kind of (process.env.BENCH_KINDS ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[]) {
  for (const latency of (process.env.BENCH_LATENCIES ?? `${L},0`).split(',').map(Number)) {
    const runs: NonNullable<Awaited<ReturnType<typeof measure>>>[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const m = await measure(kind, latency);
      if (m) runs.push(m);
    }
    const r = runs.sort((a, b) => a.wall - b.wall)[Math.floor(runs.length / 2)];
    if (!r) {
      console.log(`${kind.padEnd(9)} (no server reachable at ${PG_URL}: skipped)`);
      break;
    }
    const ratio = r.lower > 0 ? fmt(r.wall / r.lower) : '  —  ';
    console.log(
      `${r.kind.padEnd(9)} ${String(r.latencyMs).padStart(5)}  ${String(r.calls).padStart(5)}  ${String(r.chain).padStart(5)}  ${fmt(r.wall).padStart(7)}  ${fmt(r.lower).padStart(8)}  ${ratio.padStart(5)}  ${fmt(r.serial, 1).padStart(9)}  ${(r.lower > 0 ? fmt(r.serial / r.wall, 1) + '×' : '—').padStart(8)}  ${String(r.peak).padStart(4)}  ${fmt(r.throughput, 0).padStart(7)}`,
    );
  }
}
console.log('\nlower = max(longest episode chain × L, calls × L ÷ C); ratio = wall ÷ lower; serial = calls × L (one call at a time).');
process.exit(0);

// Runner benchmark (npm run bench): the standard suite against a local OpenAI-compatible server with fixed latency L
// and endpoint maxConcurrency C, on PGlite and (when reachable) on PostgreSQL. Prints wall time against the
// theoretical lower bound max(longest episode's sequential calls × L, calls × L ÷ C), and zero-latency throughput.
// Every row also carries its floor, measured in the same run: the very same request bodies sent through a bare
// `openai` SDK loop at the same concurrency with no database (absolute figures do not carry across runs on a shared
// machine; the ratios do). BENCH_HEAVY=1 adds the heavy-tailed scenario (lognormal latencies, 5 % 429s, C = 32).
import os from 'node:os';
import { sql } from 'drizzle-orm';
import OpenAI from 'openai';
import { parseConfig } from '../src/config/config.js';
import { buildDeps } from '../src/bootstrap.js';
import { createLogger } from '../src/lib/logger.js';
import { startWorker } from '../src/runner/worker.js';
import { createRun } from '../src/services/runs.js';
import { ensureTenant } from '../src/services/tenants.js';
import { createEndpointRow } from '../test/support/fixtures.js';
import { waitForRun } from '../test/support/runs.js';
import { startFake } from './fake-process.js';
import { openBenchDb, PG_URL } from './bench-db.js';
import { heavyTailed } from './heavy-tailed.js';

const L = Number(process.env.BENCH_LATENCY_MS ?? 100);
const C = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SUITE = process.env.BENCH_SUITE ?? 'atp-standard-v1';
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/** each configuration runs this many times; the median wall time is reported (the VM's noise is ±30 %) */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

/** CPU time (user + system) of this process in ms since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/**
 * The floor: the same request bodies, at the same concurrency, through one bare `openai` SDK client (no database,
 * no scheduler, no episodes): what this machine's HTTP client and event loop can do at best.
 */
async function bareSdkFloor(url: string, bodies: unknown[], concurrency: number) {
  const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 });
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, bodies.length) }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as OpenAI.ChatCompletionCreateParamsNonStreaming;
        await client.chat.completions.create(body);
      }
    }),
  );
  return { wall: (performance.now() - started) / 1000, cpuMs: cpuMs(cpu0) };
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
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const { runId } = await createRun(deps, tenant.id, { endpointId: endpoint.id, suite: SUITE, seed: 1 });
    const run = await waitForRun(deps, runId, 600_000);
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuMs(cpu0);
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    const [{ calls }] = await opened.db.rows<{ calls: string | number }>(sql`select count(*) as calls from model_calls where run_id = ${runId}`);
    const [{ chain }] = await opened.db.rows<{ chain: string | number }>(sql`
      select max(n) as chain from (select episode_id, count(distinct (round, step)) as n from model_calls where run_id = ${runId} group by episode_id) x`);
    const stats = await fake.ask<{ peakInFlight: number; total: number }>('stats');
    const bodies = await fake.ask<unknown[]>('bodies');
    await fake.ask('reset');
    const floor = await bareSdkFloor(fake.url, bodies, C);
    const n = Number(calls);
    const lower = Math.max((Number(chain) * latencyMs) / 1000, (n * latencyMs) / 1000 / C);
    return {
      kind, latencyMs, calls: n, chain: Number(chain), wall, lower, serial: (n * latencyMs) / 1000, peak: stats.peakInFlight,
      throughput: n / wall, cpuPerCall: cpu / n, floorWall: floor.wall, floorThroughput: bodies.length / floor.wall,
      floorCpuPerCall: floor.cpuMs / bodies.length,
    };
  } finally {
    await worker.stop();
    await fake.close();
    await opened.cleanup();
  }
}

const fmt = (x: number, d = 2) => x.toFixed(d);
console.log(`ATP Bench runner benchmark — suite ${SUITE}, L = ${L} ms, C = ${C}, ${os.cpus().length} CPUs, node ${process.version}, median of ${REPEAT}\n`);
console.log('db        L(ms)  calls  chain  wall(s)  lower(s)  ratio  serial(s)  speed-up  peak  calls/s | floor wall(s)  calls/s  wall÷floor  calls/s÷floor | CPU ms/call  floor CPU ms/call');
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
      `${r.kind.padEnd(9)} ${String(r.latencyMs).padStart(5)}  ${String(r.calls).padStart(5)}  ${String(r.chain).padStart(5)}  ${fmt(r.wall).padStart(7)}  ${fmt(r.lower).padStart(8)}  ${ratio.padStart(5)}  ${fmt(r.serial, 1).padStart(9)}  ${(r.lower > 0 ? fmt(r.serial / r.wall, 1) + '×' : '—').padStart(8)}  ${String(r.peak).padStart(4)}  ${fmt(r.throughput, 0).padStart(7)} | ${fmt(r.floorWall).padStart(13)}  ${fmt(r.floorThroughput, 0).padStart(7)}  ${fmt(r.wall / r.floorWall).padStart(10)}  ${fmt(r.throughput / r.floorThroughput).padStart(13)} | ${fmt(r.cpuPerCall).padStart(11)}  ${fmt(r.floorCpuPerCall).padStart(17)}`,
    );
  }
}
console.log('\nlower = max(longest episode chain × L, calls × L ÷ C); ratio = wall ÷ lower; serial = calls × L (one call at a time).');
console.log('floor = the same request bodies through a bare openai SDK loop at concurrency C, no database, same run; CPU = this process (service incl. embedded database; the fake model runs in its own process).');
if (process.env.BENCH_HEAVY === '1') await heavyTailed();
process.exit(0);

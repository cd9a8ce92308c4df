// Health under a hostile model (npm run bench:health), issue 14: while a run whose every answer is the 160 KB
// `"choice: "` × 20,000 goes through the service (API and worker in this process, as `npm start` runs them), /healthz
// is polled over real HTTP. The same run with ordinary answers, and the idle service, are measured in the same
// process right before, as floors: on a shared machine absolute latencies move several-fold from one minute to the
// next, so the figure that means something is hostile ÷ ordinary. Kept out of `npm test` on purpose (a timed
// assertion there would depend on the machine's load); the test suite only guards against a frozen service.
//
//   BENCH_KINDS=pglite,postgres   databases to measure (PostgreSQL skipped when no server answers)
//   BENCH_SUITE=atp-quick-v2      the suite to run (the whole suite, every testbed)
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { buildDeps } from '../src/bootstrap.js';
import { parseConfig } from '../src/config/config.js';
import { createLogger } from '../src/lib/logger.js';
import { startWorker } from '../src/runner/worker.js';
import { createRun } from '../src/services/runs.js';
import { ensureTenant } from '../src/services/tenants.js';
import { createEndpointRow } from '../test/support/fixtures.js';
import { waitForRun } from '../test/support/runs.js';
import { serveApp } from '../test/support/serve-app.js';
import { openBenchDb } from './bench-db.js';
import { startFake } from './fake-process.js';

const SUITE = process.env.BENCH_SUITE ?? 'atp-quick-v2';
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const POLL_GAP_MS = 20;
const IDLE_POLLS = 200;
/** the bound for /healthz while a hostile answer is read */
const BUDGET_MS = 200;

interface Sample {
  label: string;
  polls: number;
  p50: number;
  p99: number;
  worst: number;
  loopMax: number;
  wall: number;
  calls: number;
  status: string;
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

async function pollHealth(url: string, until: () => boolean, maxPolls = Infinity) {
  const latencies: number[] = [];
  while (!until() && latencies.length < maxPolls) {
    const t0 = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, POLL_GAP_MS));
  }
  return latencies;
}

function summarise(label: string, latencies: number[], loopMaxNs: number, wall: number, calls: number, status: string): Sample {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { label, polls: sorted.length, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), worst: sorted[sorted.length - 1], loopMax: loopMaxNs / 1e6, wall, calls, status };
}

async function measure(kind: 'pglite' | 'postgres'): Promise<Sample[] | null> {
  const opened = await openBenchDb(kind, { name: `atp_health_${process.pid}` });
  if (!opened) return null;
  const config = parseConfig({ ATP_SECRET: SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1' });
  const deps = buildDeps({ config, db: opened.db, logger: createLogger({ level: 'error' }), secret: SECRET });
  const worker = startWorker(deps);
  const http = await serveApp(createApp(deps));
  const out: Sample[] = [];
  try {
    const { tenant } = await ensureTenant(deps, 'bench');
    // floor 1: the idle service
    {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const t0 = performance.now();
      const lat = await pollHealth(http.url, () => false, IDLE_POLLS);
      loop.disable();
      out.push(summarise('idle service', lat, loop.max, (performance.now() - t0) / 1000, 0, '—'));
    }
    // floor 2: the same run with ordinary answers; then the hostile run
    for (const answer of ['ordinary', 'hostile'] as const) {
      const fake = await startFake(0, { FAKE_RECORD: '0', ...(answer === 'hostile' ? { FAKE_ANSWER: 'hostile' } : {}) });
      try {
        const endpoint = await createEndpointRow(deps, tenant.id, { baseUrl: fake.url, maxConcurrency: 8, requestTimeoutMs: 60_000 });
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        const t0 = performance.now();
        const { runId } = await createRun(deps, tenant.id, { endpointId: endpoint.id, suite: SUITE, seed: 1 });
        let done = false;
        const ended = waitForRun(deps, runId, 1_800_000).finally(() => {
          done = true;
        });
        const lat = await pollHealth(http.url, () => done);
        const run = await ended;
        loop.disable();
        const stats = await fake.ask<{ total: number }>('stats');
        out.push(summarise(`${answer} answers`, lat, loop.max, (performance.now() - t0) / 1000, stats.total, run.status));
      } finally {
        await fake.close();
      }
    }
    return out;
  } finally {
    await http.close();
    await worker.stop();
    await opened.cleanup();
  }
}

const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(8);
console.log(`/healthz while the service runs ${SUITE} (API + worker in one process, as npm start runs them); ${os.cpus().length} CPUs, node ${process.version}\n`);
console.log(`${'db'.padEnd(9)} ${'answers'.padEnd(18)} ${'polls'.padStart(6)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'worst'.padStart(8)} ${'loop max'.padStart(8)} ${'calls'.padStart(6)} ${'wall(s)'.padStart(8)}  run`);
let verdict = true;
for (const kind of (process.env.BENCH_KINDS ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[]) {
  const rows = await measure(kind);
  if (!rows) {
    console.log(`${kind.padEnd(9)} (no server reachable: skipped)`);
    continue;
  }
  for (const r of rows) {
    console.log(
      `${kind.padEnd(9)} ${r.label.padEnd(18)} ${String(r.polls).padStart(6)} ${ms(r.p50)} ${ms(r.p99)} ${ms(r.worst)} ${ms(r.loopMax)} ${String(r.calls).padStart(6)} ${r.wall.toFixed(1).padStart(8)}  ${r.status}`,
    );
  }
  const [, ordinary, hostile] = rows;
  console.log(
    `${kind.padEnd(9)} hostile ÷ ordinary: p50 ${(hostile.p50 / ordinary.p50).toFixed(2)}×, p99 ${(hostile.p99 / ordinary.p99).toFixed(2)}×; ` +
      `hostile p99 ${hostile.p99 <= BUDGET_MS ? '≤' : '>'} ${BUDGET_MS} ms`,
  );
  verdict &&= hostile.p99 <= BUDGET_MS;
}
console.log(`\nload average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; the floors (idle, ordinary answers) were measured in the same process just before.`);
process.exit(verdict ? 0 : 1);

// API load benchmark (npm run bench:api). Starts the service in this process on the embedded database (a temporary
// data dir), drives one quick run to completion against a local fake OpenAI server, then loads
//   GET /v1/runs/{id}          (a run view: two small queries)
//   GET /v1/runs/{id}/report   (the stored report, returned byte for byte)
//   GET /bench/bare            (a bare hono route on its own port: the floor for hono + node-server)
//   GET /bench/bare-report     (the same report bytes from a bare route: the floor for moving that payload)
// with autocannon at fixed rates and unthrottled, and prints p50/p99 latency, throughput and the ratio to the bare
// route. autocannon fires from a worker thread so the service keeps its main thread. Traffic goes to 127.0.0.1 only.
//
//   BENCH_API_DURATION   seconds per measurement (default 10)
//   BENCH_API_RATES      comma-separated req/s, 0 = unthrottled (default 200,500,1000,0)
//   BENCH_API_CONNECTIONS connections when unthrottled (default 32); at a fixed rate one per 50 req/s (at least 2),
//                        because autocannon sends each connection's per-second quota back to back
//   BENCH_API_DATABASE_URL postgres://… to measure on PostgreSQL instead (a scratch database is created and dropped)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { parseConfig } from '../src/config/config.js';
import { createLogger } from '../src/lib/logger.js';
import { startService } from '../src/server.js';
import { ensureTenant, scopesFor } from '../src/services/tenants.js';
import { startFakeOpenAI } from '../test/support/openai-server.js';
import { hashPolicy } from '../test/support/policies.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const DURATION = Number(process.env.BENCH_API_DURATION ?? 10);
const RATES = (process.env.BENCH_API_RATES ?? '200,500,1000,0').split(',').map((s) => Number(s.trim()));
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 32);
const PG_URL = process.env.BENCH_API_DATABASE_URL;
const connectionsFor = (rate: number) => (rate > 0 ? Math.min(CONNECTIONS, Math.max(2, Math.round(rate / 50))) : CONNECTIONS);
const SECRET = 'api-bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

interface Row {
  target: string;
  rate: number;
  rps: number;
  mean: number;
  p50: number;
  p99: number;
  bad: number;
}

async function load(url: string, rate: number, headers: Record<string, string>, duration = DURATION): Promise<AutocannonResult> {
  return autocannon({
    url,
    headers,
    connections: connectionsFor(rate),
    duration,
    workers: 1,
    // autocannon's fixed-rate mode is not an open-loop schedule (each connection sends its per-second quota back to
    // back), so its coordinated-omission correction would invent samples: record the measured latencies as they are
    ...(rate > 0 ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
  });
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-api-bench-'));
  let databaseUrl: string | undefined;
  let dropDb = async () => {};
  if (PG_URL) {
    const name = `atp_api_bench_${process.pid}`;
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = '/' + name;
    databaseUrl = u.toString();
    dropDb = async () => {
      const a = postgres(PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    };
  }
  const fake = await startFakeOpenAI({ respond: hashPolicy, record: false });
  // every log line is still built and serialised (as in production), then dropped instead of flooding the terminal
  const logger = createLogger({ level: 'info', write: () => {} });
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ATP_DATA_DIR: dataDir,
    ATP_SECRET: SECRET,
    ATP_ALLOW_PRIVATE_ENDPOINTS: '1',
    ATP_WORKERS: '1',
    LOG_LEVEL: 'info',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const service = await startService(config, { logger });
  const bare = new Hono();
  bare.get('/bench/bare', (c) => c.json({ ok: true }));
  let reportText = '';
  bare.get('/bench/bare-report', (c) => c.body(reportText, 200, { 'content-type': 'application/json' }));
  const bareServer: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/bench/bare`;

  try {
    const { tenant } = await ensureTenant(service.deps, 'api-bench');
    const token = await service.deps.tokens.issue({ tenantId: tenant.id, scopes: scopesFor(false) });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = async (p: string, body: unknown) => {
      const res = await fetch(service.url + p, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const endpoint = await post('/v1/endpoints', { name: 'bench model', baseUrl: fake.url, model: 'fake-model', maxConcurrency: 32 });
    const run = await post('/v1/runs', { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    const t0 = Date.now();
    for (;;) {
      const view = (await (await fetch(`${service.url}/v1/runs/${run.id}`, { headers: auth })).json()) as { status: string };
      if (view.status === 'succeeded') break;
      if (view.status === 'failed' || view.status === 'cancelled') throw new Error(`the run ${view.status}`);
      if (Date.now() - t0 > 120_000) throw new Error('the run did not finish within 2 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    reportText = await (await fetch(`${service.url}/v1/runs/${run.id}/report`, { headers: auth })).text();
    const reportBytes = Buffer.byteLength(reportText);
    const viewBytes = (await (await fetch(`${service.url}/v1/runs/${run.id}`, { headers: auth })).arrayBuffer()).byteLength;
    process.stderr.write(`run ${run.id} finished in ${((Date.now() - t0) / 1000).toFixed(1)} s; run view ${viewBytes} B, report ${reportBytes} B\n`);

    const targets = [
      { name: 'GET /v1/runs/{id}', url: `${service.url}/v1/runs/${run.id}`, headers: auth },
      { name: 'GET /v1/runs/{id}/report', url: `${service.url}/v1/runs/${run.id}/report`, headers: auth },
      { name: 'GET /bench/bare (hono floor)', url: bareUrl, headers: {} },
      { name: 'GET /bench/bare-report (same bytes, bare)', url: bareUrl.replace(/bare$/, 'bare-report'), headers: {} },
    ];
    const rows: Row[] = [];
    for (const t of targets) {
      await load(t.url, 0, t.headers, 2); // warm-up (JIT, connection pools)
      for (const rate of RATES) {
        const r = await load(t.url, rate, t.headers);
        const row: Row = {
          target: t.name,
          rate,
          rps: r.requests.average,
          mean: r.latency.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          bad: r.non2xx + r.errors + r.timeouts,
        };
        rows.push(row);
        process.stderr.write(`${t.name} @ ${rate || 'max'}: ${row.rps.toFixed(0)} req/s, mean ${row.mean} ms, p50 ${row.p50} ms, p99 ${row.p99} ms, non-2xx/errors ${row.bad}\n`);
      }
    }

    const bareAt = (rate: number) => rows.find((r) => r.target.startsWith('GET /bench/bare ') && r.rate === rate)!;
    const sameBytesAt = (rate: number) => rows.find((r) => r.target.startsWith('GET /bench/bare-report') && r.rate === rate)!;
    const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    const db = databaseUrl ? 'PostgreSQL (same machine)' : 'embedded PGlite';
    const lines = [
      `API load — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${cpu}), Node ${process.version}, ${db}; ${DURATION} s per cell;`,
      `autocannon ${createRequire(import.meta.url)('autocannon/package.json').version} in a worker thread of the service's process; ${CONNECTIONS} connections unthrottled, one per 50 req/s at a fixed rate;`,
      `run view ${viewBytes} B, report ${reportBytes} B (atp-quick-v1 run). Latency resolution is 1 ms, so ratios use the mean. "Same bytes": the report's bytes from a bare route (the cost of moving that payload).`,
      '',
      '| route | offered req/s | achieved req/s | mean ms | p50 ms | p99 ms | non-2xx / errors | mean ÷ bare | p99 ÷ bare | req/s ÷ bare | req/s ÷ same bytes |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => {
        const b = bareAt(r.rate);
        return `| \`${r.target}\` | ${r.rate || 'unthrottled'} | ${fmt(r.rps, 0)} | ${fmt(r.mean, 2)} | ${r.p50} | ${r.p99} | ${r.bad} | ${fmt(r.mean / b.mean, 1)} | ${fmt(r.p99 / Math.max(b.p99, 1), 1)} | ${fmt(r.rps / b.rps, 3)} | ${fmt(r.rps / sameBytesAt(r.rate).rps, 3)} |`;
      }),
    ];
    process.stdout.write('\n' + lines.join('\n') + '\n');
  } finally {
    await new Promise<void>((resolve) => bareServer.close(() => resolve()));
    await service.close();
    await fake.close();
    await dropDb();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`api-bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/auth/tokens.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { spawnAtp, type SpawnedService } from '../support/process.js';
import { TEST_SECRET } from '../support/deps.js';

const C = 8;
const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function api(url: string, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return JSON.parse(text);
}

async function serve(dataDir: string): Promise<SpawnedService> {
  const svc = await spawnAtp('serve', {
    ATP_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ATP_SECRET: TEST_SECRET,
    ATP_ALLOW_PRIVATE_ENDPOINTS: '1',
    DATABASE_URL: '',
  });
  cleanups.push(() => {
    if (svc.proc.exitCode === null) svc.proc.kill('SIGKILL');
  });
  return svc;
}

async function tenantToken(url: string, name: string) {
  const admin = await createTokenService(TEST_SECRET).issue({ tenantId: 'system', scopes: ['admin'], ttlSeconds: 600 });
  return (await api(url, admin, 'POST', '/v1/tenants', { name })).token as string;
}

async function waitFor(url: string, token: string, runId: string, pred: (run: { status: string; progress: { percent: number } }) => boolean) {
  for (;;) {
    const run = await api(url, token, 'GET', `/v1/runs/${runId}`);
    if (pred(run)) return run;
    if (['failed', 'cancelled'].includes(run.status)) throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The metrics part of a report (ids and call counts differ between runs; the science must not). */
function metrics(report: { subject: { testbeds: unknown; decisions: unknown; score: unknown }; baselines: { testbeds: unknown; decisions: unknown; score: unknown }[] }) {
  const pick = (s: { testbeds: unknown; decisions: unknown; score: unknown }) => ({ testbeds: s.testbeds, decisions: s.decisions, score: s.score });
  return { subject: pick(report.subject), baselines: report.baselines.map(pick) };
}

async function startRun(url: string, token: string, fake: FakeOpenAI, name: string) {
  const endpoint = await api(url, token, 'POST', '/v1/endpoints', { name, baseUrl: fake.url, model: 'fake-model', maxConcurrency: C });
  return api(url, token, 'POST', '/v1/runs', { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 11, baselines: { promptAligned: true } });
}

describe('crash and resume', () => {
  it('a run killed twice with SIGKILL finishes with the metrics of an uninterrupted run, re-asking only in-flight calls', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-crash-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const crashed = await startFakeOpenAI({ respond: hashPolicy, latencyMs: 40 });
    const clean = await startFakeOpenAI({ respond: hashPolicy, latencyMs: 0 });
    cleanups.push(() => crashed.close(), () => clean.close());

    let svc = await serve(dir);
    const token = await tenantToken(svc.url, 'crash-lab');
    const run = await startRun(svc.url, token, crashed, 'crashing');

    const inFlightAtKill: number[] = [];
    for (const threshold of [25, 60]) {
      await waitFor(svc.url, token, run.id, (r) => r.progress.percent >= threshold);
      inFlightAtKill.push(crashed.stats.inFlight);
      svc.proc.kill('SIGKILL');
      await svc.exited;
      svc = await serve(dir);
    }
    const done = await waitFor(svc.url, token, run.id, (r) => r.status === 'succeeded');
    expect(done.progress.percent).toBe(100);
    const report = await api(svc.url, token, 'GET', `/v1/runs/${run.id}/report`);

    // the same run, uninterrupted, on the same server
    const ref = await startRun(svc.url, token, clean, 'clean');
    await waitFor(svc.url, token, ref.id, (r) => r.status === 'succeeded');
    const refReport = await api(svc.url, token, 'GET', `/v1/runs/${ref.id}/report`);
    expect(metrics(report)).toEqual(metrics(refReport));

    const persisted = report.subject.calls.total + report.baselines.reduce((a: number, b: { calls: { total: number } }) => a + b.calls.total, 0);
    expect(clean.stats.total).toBe(persisted);
    // a call is in flight from its request until its row commits: at most C requests plus C unflushed answers per kill
    const reasked = crashed.stats.total - persisted;
    expect(reasked).toBeGreaterThanOrEqual(0);
    expect(reasked).toBeLessThanOrEqual(2 * C * inFlightAtKill.length);
    svc.proc.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
  }, 180_000);
});

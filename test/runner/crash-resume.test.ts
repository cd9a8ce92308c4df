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

interface Call { episodeId: string; round: number; step: number; attempts: number }

/** Every persisted call of a run, through the transcripts API. */
async function persistedCalls(url: string, token: string, runId: string): Promise<Call[]> {
  const out: Call[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Call[]; nextCursor: string | null } = await api(url, token, 'GET', `/v1/runs/${runId}/transcripts?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * What a kill can lose, by design: an episode persists a step's calls together and asks nothing more until they
 * have committed, so at any moment each episode has at most one unpersisted step. A kill therefore loses at most the
 * widest step of every episode (its in-flight requests, and answers waiting for sibling calls or for the group
 * commit). Neither the endpoint's concurrency nor the database's speed bounds the waiting answers: an endpoint slot
 * is released when its answer arrives.
 */
function widestStepsTotal(calls: Call[]): number {
  const perStep = new Map<string, number>();
  for (const c of calls) perStep.set(`${c.episodeId}/${c.round}/${c.step}`, (perStep.get(`${c.episodeId}/${c.round}/${c.step}`) ?? 0) + 1);
  const widest = new Map<string, number>();
  for (const [k, n] of perStep) {
    const episode = k.slice(0, k.indexOf('/'));
    widest.set(episode, Math.max(widest.get(episode) ?? 0, n));
  }
  return [...widest.values()].reduce((a, b) => a + b, 0);
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
    const thresholds = [25, 60];
    const kills = thresholds.length;
    for (const threshold of thresholds) {
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
    const calls = await persistedCalls(svc.url, token, run.id);
    expect(calls.length).toBe(persisted);
    // the endpoint saw every persisted attempt, plus what the kills lost; never less, and never more than one step
    // per episode per kill (resuming replays persisted calls instead of asking them again)
    const asked = calls.reduce((a, c) => a + c.attempts, 0);
    const reasked = crashed.stats.total - asked;
    const bound = kills * widestStepsTotal(calls);
    expect(reasked).toBeGreaterThanOrEqual(0);
    expect(reasked, `re-asked ${reasked} calls after ${kills} kills (in flight at the kills: ${inFlightAtKill.join(', ')}); bound ${bound}`).toBeLessThanOrEqual(bound);
    // the bound stays below one full pass over the run, while restarting episodes from scratch at each kill could
    // re-ask up to kills × persisted calls
    expect(bound).toBeLessThan(persisted);
    svc.proc.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
  }, 180_000);
});

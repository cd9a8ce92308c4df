import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortableSleep } from '../../src/lib/sleep.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { createRun } from '../../src/services/runs.js';
import { getRunView } from '../../src/services/run-views.js';
import { isTerminalStatus } from '../../src/lib/run-status.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { isConnectivityCheck, startFakeOpenAI, type FakeOpenAI, type FakeReply } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { storedReport, waitForRun } from '../support/runs.js';

let ctx: TestContext;
let worker: Worker;
const servers: FakeOpenAI[] = [];

beforeAll(async () => {
  // the real client with a short backoff so injected faults cost milliseconds
  ctx = await buildTestDeps({ modelClient: createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 2, maxDelayMs: 10, maxRetryAfterMs: 1000 }) });
  worker = startWorker(ctx.deps, { tickMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  for (const s of servers) await s.close();
  await ctx.close();
});

const FAULTS: FakeReply[] = [
  { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } },
  { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after-ms': '5' } },
  { status: 500, body: { error: { message: 'boom' } } },
  { status: 503, body: 'upstream unavailable' },
  // a stall the server ends itself: the client's timeout stays generous, so a slow machine never turns a clean
  // answer into a timeout (a 300 ms timeout once made a clean run under load score differently)
  { hang: true, resetAfterMs: 200 },
  { raw: '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"mess', status: 200 },
  { raw: '<html>bad gateway</html>', status: 200 },
  { destroy: true },
];

/** Every distinct request first meets a fault (chosen by its hash), then is answered like the clean server. */
function flaky() {
  const seen = new Map<string, number>();
  return (body: unknown): FakeReply => {
    const key = createHash('sha256').update(JSON.stringify((body as { messages: unknown }).messages)).digest('hex');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n === 0) return FAULTS[Number.parseInt(key.slice(0, 8), 16) % FAULTS.length];
    return hashPolicy(body);
  };
}

async function runAgainst(server: FakeOpenAI, name: string) {
  const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
  const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name, maxConcurrency: 16, requestTimeoutMs: 60_000 });
  const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 5 });
  const run = await waitForRun(ctx.deps, runId, 120_000);
  expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
  return storedReport(ctx.deps, runId);
}

describe('transient endpoint failures', () => {
  it('429 (Retry-After), 5xx, hangs, truncated and non-JSON bodies, resets: same metrics as a clean run', async () => {
    const clean = await startFakeOpenAI({ respond: hashPolicy });
    const bad = await startFakeOpenAI({ respond: flaky() });
    servers.push(clean, bad);
    const a = await runAgainst(clean, 'clean');
    const b = await runAgainst(bad, 'flaky');
    expect(b.subject.testbeds).toEqual(a.subject.testbeds);
    expect(b.subject.decisions).toEqual(a.subject.decisions);
    expect(b.subject.score).toEqual(a.subject.score);
    expect(b.subject.calls.retried).toBe(b.subject.calls.total);
    expect(b.subject.calls.failed).toBe(0);
  }, 180_000);

  it('a call still failing after the retry budget becomes an `error` decision; the run succeeds', async () => {
    // a few requests (a fixed sixth of the delivery-worker scenario's, by a hash of the prompt) keep failing, so
    // their decisions exhaust the retry budget; they are too sparse to trip the circuit breaker, which fails a run
    // only when most recent calls fail
    const server = await startFakeOpenAI({
      respond: (body: { messages: unknown }) => {
        const text = JSON.stringify(body.messages);
        const failing = text.includes('Route A') && createHash('sha256').update(text).digest()[0] % 6 === 0;
        return failing ? { status: 502, body: { error: { message: 'bad gateway' } } } : hashPolicy(body);
      },
    });
    servers.push(server);
    const report = await runAgainst(server, 'failing');
    expect(report.subject.decisions.error).toBeGreaterThan(0);
    expect(report.subject.calls.failed).toBe(report.subject.decisions.error);
  }, 180_000);

  it('an endpoint answering 400 to requests with tools: tool-use is `unsupported`, the run succeeds', async () => {
    const server = await startFakeOpenAI({
      respond: (body: { tools?: unknown[] }) =>
        body.tools?.length ? { status: 400, body: { error: { message: "unrecognized request argument supplied: 'functions'" } } } : hashPolicy(body),
    });
    servers.push(server);
    const report = await runAgainst(server, 'no-tools');
    expect(report.subject.testbeds['tool-use'].status).toBe('unsupported');
    expect(report.subject.testbeds['role-play'].status).toBe('ok');
    expect(report.subject.score).not.toBeNull();
  }, 120_000);

  it('a permanent error (401) fails the run fast with the endpoint message', async () => {
    const server = await startFakeOpenAI({ requireApiKey: 'the-right-key' });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, apiKey: 'a-wrong-key-123456' });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    const run = await waitForRun(ctx.deps, runId, 30_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ status: 502, endpointStatus: 401 });
    expect(JSON.stringify(run.error)).toMatch(/401/);
    expect(JSON.stringify(run.error)).not.toContain('a-wrong-key-123456');
    expect(server.stats.total).toBeLessThan(100);
  }, 60_000);

  it('a Retry-After of a month (a monthly quota) fails the run with the wait it asked for, not a busy loop', async () => {
    // setTimeout takes a delay beyond 2^31 − 1 ms as 1 ms: waiting out 2,592,000 s once called such an endpoint
    // about a thousand times a second, and the run never ended
    let answered = 0;
    const server = await startFakeOpenAI({
      respond: (body: unknown): FakeReply =>
        ++answered <= 10
          ? hashPolicy(body)
          : { status: 429, body: { error: { message: 'Monthly quota reached', code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '2592000' } },
    });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name: 'monthly-quota', maxConcurrency: 4 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    const run = await waitForRun(ctx.deps, runId, 60_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ type: expect.stringContaining('endpoint-error'), endpointStatus: 429 });
    expect(run.error?.detail).toMatch(/asked to wait 30 d \(Retry-After\).*Monthly quota reached/);
    // the calls in flight when the quota hit, each tried once: no loop
    expect(server.stats.total).toBeLessThan(60);
  }, 90_000);
});

describe('an endpoint that starts failing mid-run (the circuit breaker)', () => {
  it('stores every failed call the breaker counted: the failure message, calls.failed and the transcripts agree', async () => {
    // healthy at first, then every call answers 500 after a delay, so calls of many episodes (and of one step) are
    // in flight when the breaker trips
    let answered = 0;
    const server = await startFakeOpenAI({
      respond: async (body: unknown): Promise<FakeReply> => {
        if (++answered <= 60) return hashPolicy(body);
        await abortableSleep(300);
        return { status: 500, body: { error: { message: 'upstream exploded' } } };
      },
    });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name: 'breaking', maxConcurrency: 16, requestTimeoutMs: 60_000 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v2', seed: 13 });
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status).toBe('failed');
    expect(run.error?.type).toMatch(/endpoint-failing$/);
    const counted = Number(/: (\d+) of its last \d+ calls failed after retries/.exec(run.error?.detail ?? '')?.[1]);
    expect(counted, run.error?.detail).toBeGreaterThan(0);
    const view = await getRunView(ctx.deps, tenantId, runId);
    const [stored] = await ctx.deps.db.rows<{ failed: number | string }>(
      sql`select count(*) as failed from model_calls where run_id = ${runId} and error is not null`,
    );
    // every call the message counts is in the transcripts (a few more may have failed before the window or just
    // after the trip), and the view counts what the transcripts hold
    expect(view.calls.failed).toBeGreaterThanOrEqual(counted);
    expect(Number(stored.failed)).toBe(view.calls.failed);
    // the run stopped calling the endpoint: far fewer requests than the suite's calls × 6 attempts
    const atFailure = server.stats.total;
    await abortableSleep(1_000);
    expect(server.stats.total - atFailure).toBeLessThan(20);
  }, 150_000);
});

describe('a long Retry-After pause', () => {
  it('shows in the run view (pausedUntil) while the run waits, and is gone once it has finished', async () => {
    let answered = 0;
    const server = await startFakeOpenAI({
      respond: (body: unknown): FakeReply =>
        // one call is asked to wait 3 s: beyond the client's 1 s cap, so the run pauses without holding a slot
        ++answered === 12 ? { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '3' } } : hashPolicy(body),
    });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name: 'pausing', maxConcurrency: 4 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 7 });
    let paused: string | null = null;
    for (let i = 0; i < 600 && !paused; i++) {
      const view = await getRunView(ctx.deps, tenantId, runId);
      if (isTerminalStatus(view.status)) break;
      paused = view.pausedUntil;
      if (!paused) await abortableSleep(50);
    }
    expect(paused, 'the pause never showed in the run view').not.toBeNull();
    expect(Date.parse(paused!)).toBeGreaterThan(Date.now() - 5_000);
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect((await getRunView(ctx.deps, tenantId, runId)).pausedUntil).toBeNull();
  }, 150_000);
});

describe('a short Retry-After pause (waited out by the client, holding the slot)', () => {
  it('shows in the run view (pausedUntil) while calls wait it out, and is gone once the run has finished', async () => {
    // for a few seconds every call is asked to wait 1 s: within the client's 1 s cap, so it is slept in-process
    let answered = 0;
    let limitedSince = 0;
    const server = await startFakeOpenAI({
      respond: (body: unknown): FakeReply => {
        if (++answered === 40) limitedSince = Date.now();
        if (limitedSince > 0 && Date.now() - limitedSince < 3_000) {
          return { status: 429, body: { error: { message: 'Rate limit reached for requests' } }, headers: { 'retry-after': '1' } };
        }
        return hashPolicy(body);
      },
    });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name: 'briefly-pausing', maxConcurrency: 4 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 15 });
    let paused: string | null = null;
    for (let i = 0; i < 1200 && !paused; i++) {
      const view = await getRunView(ctx.deps, tenantId, runId);
      if (isTerminalStatus(view.status)) break;
      paused = view.pausedUntil;
      if (!paused) await abortableSleep(50);
    }
    expect(limitedSince, 'the endpoint never rate-limited the run').toBeGreaterThan(0);
    expect(paused, 'the pause never showed in the run view').not.toBeNull();
    // a time the endpoint asked for once it began rate limiting (a call waits 1 s from a 429 answered after that)
    expect(Date.parse(paused!)).toBeGreaterThan(limitedSince);
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect((await getRunView(ctx.deps, tenantId, runId)).pausedUntil).toBeNull();
  }, 150_000);
});

describe('a long Retry-After on the run\'s first call (the pre-flight)', () => {
  it('is waited out like any call\'s, and the run goes on', async () => {
    let answered = 0;
    const server = await startFakeOpenAI({
      respond: (body: unknown): FakeReply =>
        ++answered === 1 ? { status: 429, body: { error: { message: 'gateway busy' } }, headers: { 'retry-after': '3' } } : hashPolicy(body),
    });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name: 'busy-gateway', maxConcurrency: 4 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 9 });
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(answered).toBeGreaterThan(100);
  }, 150_000);
});

describe('a short Retry-After on every attempt of the pre-flight', () => {
  it('is waited out and tried again: a rate limit says nothing against the endpoint', async () => {
    let answered = 0;
    let checks = 0;
    const server = await startFakeOpenAI({
      respondToProbes: true,
      respond: (body: any): FakeReply => {
        if (!isConnectivityCheck(body)) return (answered++, hashPolicy(body));
        // both attempts of the first dry run are rate limited with a pause the client waits in-process: the dry run
        // used to come back a plain failure and fail the run with endpoint-preflight-failed
        if (++checks <= 2) return { status: 429, body: { error: { message: 'Rate limit reached for requests' } }, headers: { 'retry-after-ms': '300' } };
        return body.tools?.length
          ? { tool_calls: [{ id: 'call_probe', type: 'function', function: { name: body.tools[0].function.name, arguments: '{"expression": "2+2"}' } }] }
          : { content: '{"choice": "ok"}' };
      },
    });
    servers.push(server);
    const { tenantId } = await tokenFor(ctx.deps, 'faults-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, name: 'briefly-limited', maxConcurrency: 4 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 11 });
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(checks).toBeGreaterThan(2);
    expect(answered).toBeGreaterThan(100);
  }, 150_000);
});

describe('abortableSleep', () => {
  it('waits out a delay beyond 2^31 − 1 ms until aborted instead of firing at once', async () => {
    const controller = new AbortController();
    let woke = false;
    const waiting = abortableSleep(2 ** 40, controller.signal).then(() => {
      woke = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(woke).toBe(false);
    controller.abort();
    await waiting;
    expect(woke).toBe(true);
  });
});

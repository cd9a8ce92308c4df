// An endpoint that echoes the request's headers (Authorization included) into its error bodies, and one (a proxy)
// that echoes them into its answers (tool call ids, finish reason, the served model's name): none of their API keys
// or header values reaches an API response (run, events, transcripts, report, exports, probe), a webhook body or a
// log line. And log masking is scoped to the endpoint that owns a secret: a tenant whose header values are common
// words ("request", "status") leaves the operator's log lines intact.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { modelCalls } from '../../src/db/schema.js';
import type { App } from '../../src/http/env.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';
import { startWorker } from '../../src/runner/worker.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { isConnectivityCheck, startFakeOpenAI, type FakeCompletion, type FakeOpenAI, type FakeRespond } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

const KEYS = {
  probe: 'sk-echo-probe-key-7f3a9c2e1d5b48',
  call: 'sk-echo-call-key-0b8d6f4a2c9e17',
  sparse: 'sk-echo-sparse-key-5e2c8a1f9d3b60',
  answers: 'sk-echo-answer-key-3c7e1a9f5b2d84',
};
const HEADERS = { 'X-Org-Secret': 'hdr-echo-org-secret-4d9a7c', 'X-Team-Token': 'team-echo-token-8b1e6f' };
const SECRETS = [...Object.values(KEYS), ...Object.values(HEADERS)];

/** The whole request, headers first, as a careless gateway would put it into an error. */
const echo = (headers: Record<string, string>) =>
  `upstream rejected the request; headers were ${JSON.stringify(headers)}; authorization=${headers.authorization}; ` +
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

const echoJson = (status: number): FakeRespond => (_body, { headers }) => ({ status, body: { error: { message: echo(headers), type: 'gateway_error' } } });
const echoRaw = (status: number): FakeRespond => (_body, { headers }) => ({ raw: echo(headers), status, headers: { 'content-type': 'text/plain' } });
/**
 * Good answers (the probe's and the run's), with the request's key and a header value echoed into every string of
 * the answer besides the model's words: each tool call's id, the finish reason and the served model's name.
 */
const echoInAnswers: FakeRespond = (body, { headers }) => {
  const key = (headers.authorization ?? '').replace(/^Bearer /, '');
  const org = headers['x-org-secret'];
  const tools = Array.isArray(body?.tools) && body.tools.length > 0;
  const messages: any[] = body?.messages ?? [];
  // with tools offered, the calculator is called first (its result then answers), so that tool call ids come back
  const callFirst = tools && messages[messages.length - 1]?.role !== 'tool';
  const base: FakeCompletion = callFirst
    ? { tool_calls: [{ id: 'c', type: 'function', function: { name: 'calculator', arguments: '{"expression": "2+2"}' } }] }
    : isConnectivityCheck(body)
      ? { content: '{"choice": "ok"}' }
      : (hashPolicy(body) as FakeCompletion);
  return {
    ...base,
    ...(base.tool_calls ? { tool_calls: base.tool_calls.map((c) => ({ ...c, id: `call_${key}` })) } : {}),
    finish_reason: `${base.tool_calls ? 'tool_calls' : 'stop'} (org ${org})`,
    model: `proxy-for ${key} org=${org}`,
  };
};

/** Persistent for a given request (retries see it again), on about one request in six. */
const sparseEcho: FakeRespond = (body, ctx) => {
  const h = createHash('sha256').update(JSON.stringify(body.messages)).digest();
  return h[0] % 6 === 0 ? echoJson(500)(body, ctx) : hashPolicy(body);
};

let ctx: TestContext;
let app: App;
const servers: FakeOpenAI[] = [];
let hook: { url: string; bodies: string[]; close(): Promise<void> };
const seen: { what: string; text: string }[] = [];
let token: string;
type Endpoint = 'probe' | 'call' | 'sparse' | 'answers' | 'words';
const runs: Record<Endpoint, string> = { probe: '', call: '', sparse: '', answers: '', words: '' };
const endpoints: Record<Endpoint, string> = { probe: '', call: '', sparse: '', answers: '', words: '' };
/** The endpoints that echo, and the API paths read about each of them */
const ECHOING = ['probe', 'call', 'sparse', 'answers'] as const;

async function call(method: string, path: string, body?: unknown, tok = token) {
  const res = await app.request(path, { method, headers: jsonHeaders(tok), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  seen.push({ what: `${method} ${path} → ${res.status}`, text: text + [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n') });
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function startHook() {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push(b + JSON.stringify(req.headers));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

beforeAll(async () => {
  ctx = await buildTestDeps({
    env: { ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '0' },
    // quick retries: the sparse endpoint's failures are retried once, then stored as the decision's error
    modelClient: createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 }),
  });
  app = createApp(ctx.deps);
  ({ token } = await tokenFor(ctx.deps, 'echo-lab'));
  const words = await tokenFor(ctx.deps, 'plain-words-lab');
  hook = await startHook();

  const probeServer = await startFakeOpenAI({ respond: echoJson(401), respondToProbes: true });
  const callServer = await startFakeOpenAI({ respond: echoRaw(400) });
  const sparseServer = await startFakeOpenAI({ respond: sparseEcho });
  const plainServer = await startFakeOpenAI({ respond: hashPolicy });
  const answerServer = await startFakeOpenAI({ respond: echoInAnswers, respondToProbes: true });
  servers.push(probeServer, callServer, sparseServer, plainServer, answerServer);

  const make = async (name: string, url: string, apiKey: string | undefined, headers: Record<string, string>, tok = token) => {
    const r = await call('POST', '/v1/endpoints', { name, baseUrl: url, model: 'echo-model', ...(apiKey ? { apiKey } : {}), headers, maxConcurrency: 8 }, tok);
    expect(r.status, r.text).toBe(201);
    return r.json().id as string;
  };
  endpoints.probe = await make('echoes on every request', probeServer.url, KEYS.probe, HEADERS);
  endpoints.call = await make('echoes on calls', callServer.url, KEYS.call, HEADERS);
  endpoints.sparse = await make('echoes sometimes', sparseServer.url, KEYS.sparse, HEADERS);
  endpoints.answers = await make('echoes into its answers', answerServer.url, KEYS.answers, HEADERS);
  // the words tenant: header values that are everyday words of our own log lines
  endpoints.words = await make('plain words', plainServer.url, undefined, { 'X-A': 'request', 'X-B': 'status' }, words.token);

  const worker = startWorker(ctx.deps, { tickMs: 100 });
  try {
    for (const k of ECHOING) {
      const r = await call('POST', '/v1/runs', { endpointId: endpoints[k], suite: 'atp-quick-v1', seed: 2, webhookUrl: hook.url });
      expect(r.status, r.text).toBe(202);
      runs[k] = r.json().id;
    }
    const w = await call('POST', '/v1/runs', { endpointId: endpoints.words, suite: 'atp-quick-v1', seed: 2 }, words.token);
    expect(w.status, w.text).toBe(202);
    runs.words = w.json().id;
    for (const id of Object.values(runs)) await waitForRun(ctx.deps, id, 240_000);
    // the webhooks of the four runs
    const deadline = Date.now() + 60_000;
    while (hook.bodies.length < ECHOING.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await worker.stop();
  }

  // everything a client can read about these endpoints and runs
  for (const k of ECHOING) {
    await call('POST', `/v1/endpoints/${endpoints[k]}/probe`);
    await call('GET', `/v1/endpoints/${endpoints[k]}`);
    const id = runs[k];
    await call('GET', `/v1/runs/${id}`);
    await call('GET', `/v1/runs/${id}/events`);
    await call('GET', `/v1/runs/${id}/report`);
    await call('GET', `/v1/runs/${id}/report.html`);
    await call('GET', `/v1/runs/${id}/webhooks`);
    for (const f of ['jsonl', 'csv']) await call('GET', `/v1/runs/${id}/transcripts.${f}`);
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await call('GET', `/v1/runs/${id}/transcripts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status, page.text).toBe(200);
      cursor = page.json().nextCursor;
    }
  }
  await call('GET', '/v1/runs?limit=100');
}, 600_000);

afterAll(async () => {
  for (const s of servers) await s.close();
  await hook?.close();
  await ctx?.close();
});

const leaked = (text: string) => SECRETS.filter((s) => text.includes(s)).map((s) => `${s.slice(0, 10)}…`);

describe('an endpoint that echoes its request headers into its errors', () => {
  it('did echo them: the endpoints saw the key and headers, and the errors carry the (redacted) echo', async () => {
    expect(servers[1].requests.some((r) => r.headers.authorization === `Bearer ${KEYS.call}` && r.headers['x-org-secret'] === HEADERS['X-Org-Secret'])).toBe(true);
    const failed = seen.find((s) => s.what.startsWith(`GET /v1/runs/${runs.call} `))!;
    const run = JSON.parse(failed.text.slice(0, failed.text.lastIndexOf('}') + 1));
    expect(run.status).toBe('failed');
    expect(run.error.detail).toMatch(/upstream rejected the request/);
    expect(run.error.detail).toContain('[redacted]');
    const preflight = seen.find((s) => s.what.startsWith(`GET /v1/runs/${runs.probe} `))!;
    expect(preflight.text).toMatch(/"status":"failed"/);
    const probe = seen.find((s) => s.what.startsWith(`POST /v1/endpoints/${endpoints.probe}/probe`))!;
    expect(probe.what).toMatch(/→ 422/);
    expect(probe.text).toContain('[redacted]');
    // the sparse endpoint's stored call errors are in the transcripts
    expect(seen.filter((s) => s.what.includes(`/v1/runs/${runs.sparse}/transcripts`)).some((s) => s.text.includes('upstream rejected'))).toBe(true);
  });

  it('leaves no API key or header value in any API response (run, events, transcripts, report, exports, probe)', () => {
    expect(seen.length).toBeGreaterThan(30);
    const bad = seen.filter((s) => leaked(s.text).length > 0).map((s) => `${s.what}: ${leaked(s.text).join(', ')}`);
    expect(bad).toEqual([]);
  });

  it('leaves none in a webhook body', () => {
    expect(hook.bodies.length).toBeGreaterThanOrEqual(ECHOING.length);
    expect(hook.bodies.some((b) => b.includes('run.failed'))).toBe(true);
    expect(hook.bodies.flatMap(leaked)).toEqual([]);
  });

  it('leaves none in a log line', () => {
    expect(ctx.logs.length).toBeGreaterThan(20);
    const bad = ctx.logs.filter((l) => leaked(l).length > 0).map((l) => `${leaked(l).join(',')} in ${l.slice(0, 160)}`);
    expect(bad).toEqual([]);
  });
});

describe('a proxy that echoes the request into its answers', () => {
  const transcripts = () => seen.filter((s) => s.what.startsWith(`GET /v1/runs/${runs.answers}/transcripts?`)).map((s) => JSON.parse(s.text.slice(0, s.text.lastIndexOf('}') + 1)));

  it('did echo them, and the run measured: tool call ids, finish reasons and the model name come back masked', () => {
    const server = servers[4];
    expect(server.requests.some((r) => r.headers.authorization === `Bearer ${KEYS.answers}` && r.headers['x-org-secret'] === HEADERS['X-Org-Secret'])).toBe(true);
    const run = seen.find((s) => s.what.startsWith(`GET /v1/runs/${runs.answers} `))!;
    expect(run.text).toMatch(/"status":"succeeded"/);
    const responses = transcripts().flatMap((page) => page.items.map((c: any) => c.response).filter(Boolean));
    expect(responses.length).toBeGreaterThan(0);
    expect(responses.every((r: any) => r.finishReason === 'stop (org [redacted])' || r.finishReason === 'tool_calls (org [redacted])')).toBe(true);
    const ids = responses.flatMap((r: any) => r.toolCalls.map((c: any) => c.id));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set(['call_[redacted]']));
    const probe = seen.find((s) => s.what.startsWith(`POST /v1/endpoints/${endpoints.answers}/probe`))!;
    expect(probe.what).toMatch(/→ 200/);
    expect(probe.text).toContain('"model":"proxy-for [redacted] org=[redacted]"');
  });

  it('stores no key or header value with its calls (response and served model)', async () => {
    const rows = await ctx.deps.db.db.select({ response: modelCalls.response, model: modelCalls.model }).from(modelCalls).where(eq(modelCalls.runId, runs.answers));
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows);
    expect(stored).toContain('proxy-for [redacted] org=[redacted]');
    expect(leaked(stored)).toEqual([]);
  });
});

describe('a tenant with header values "request" and "status"', () => {
  it('ran normally (its headers were sent)', async () => {
    const run = await call('GET', `/v1/runs/${runs.words}`, undefined, (await tokenFor(ctx.deps, 'plain-words-lab')).token);
    expect(run.json().status).toBe('succeeded');
    expect(servers[3].requests.some((r) => r.headers['x-a'] === 'request' && r.headers['x-b'] === 'status')).toBe(true);
  });

  it('leaves every log line intact', () => {
    expect(ctx.logs.some((l) => l.includes('[redacted]Id') || l.includes('"[redacted]":'))).toBe(false);
    const access = ctx.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(access.length).toBeGreaterThan(20);
    for (const l of access) {
      expect(typeof l.requestId).toBe('string');
      expect(typeof l.status).toBe('number');
    }
  });
});

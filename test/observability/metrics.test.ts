import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config/config.js';
import type { Deps } from '../../src/deps.js';
import { createLogger } from '../../src/lib/logger.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';
import type { EndpointTarget } from '../../src/model/types.js';
import { Counter, createMetrics, Gauge, Histogram, Registry } from '../../src/observability/metrics.js';
import { startWorker } from '../../src/runner/worker.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { jsonHeaders, TEST_SECRET, tokenFor } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

// ---------------------------------------------------------------------------------------------------------------
// A strict reader of the Prometheus text format 0.0.4 (enough to validate what we expose)
// ---------------------------------------------------------------------------------------------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  expect(text.endsWith('\n')).toBe(true);
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helped = new Set<string>();
  for (const line of text.split('\n').slice(0, -1)) {
    if (line.startsWith('# HELP ')) {
      const name = line.slice(7).split(' ')[0];
      expect(helped.has(name), `HELP twice for ${name}`).toBe(false);
      helped.add(name);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(type);
      expect(types.has(name), `TYPE twice for ${name}`).toBe(false);
      types.set(name, type);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `malformed sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    if (m![3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
      let pos = 0;
      while (pos < m![3].length) {
        re.lastIndex = pos;
        const lm = re.exec(m![3]);
        expect(lm, `malformed labels: ${m![3]}`).not.toBeNull();
        labels[lm![1]] = lm![2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        pos = re.lastIndex;
      }
    }
    const raw = m![4];
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    expect(Number.isNaN(value) && raw !== 'NaN', `bad value in ${line}`).toBe(false);
    const family = m![1].replace(/_(bucket|sum|count)$/, '');
    expect(types.has(m![1]) || types.has(family), `sample before its TYPE: ${line}`).toBe(true);
    samples.push({ name: m![1], labels, value });
  }
  return { samples, types };
}

const pick = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const sum = (samples: Sample[]) => samples.reduce((a, s) => a + s.value, 0);

// ---------------------------------------------------------------------------------------------------------------

describe('the registry', () => {
  it('renders counters, gauges and histograms in the text format, escaping label values', async () => {
    const r = new Registry();
    const c = r.counter('t_requests_total', 'Requests.\nSecond line \\ backslash', ['path']);
    c.inc({ path: 'a"b\\c\nd' });
    c.inc({ path: 'a"b\\c\nd' }, 2);
    c.inc({ path: 'plain' });
    const g = r.gauge('t_depth', 'Depth.');
    g.set(undefined, 7);
    const h = r.histogram('t_latency_seconds', 'Latency.', ['op'], [0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 5, 50]) h.observe({ op: 'x' }, v);
    const { text } = await r.render();
    expect(text).toContain('# HELP t_requests_total Requests.\\nSecond line \\\\ backslash\n');
    expect(text).toContain('t_requests_total{path="a\\"b\\\\c\\nd"} 3\n');
    expect(text).toContain('# TYPE t_latency_seconds histogram\n');
    expect(text).toContain('t_latency_seconds_bucket{op="x",le="0.1"} 2\n');
    expect(text).toContain('t_latency_seconds_bucket{op="x",le="1"} 3\n');
    expect(text).toContain('t_latency_seconds_bucket{op="x",le="10"} 4\n');
    expect(text).toContain('t_latency_seconds_bucket{op="x",le="+Inf"} 5\n');
    expect(text).toContain('t_latency_seconds_sum{op="x"} 55.65\n');
    expect(text).toContain('t_latency_seconds_count{op="x"} 5\n');
    const { samples } = parseExposition(text);
    expect(pick(samples, 't_requests_total', { path: 'a"b\\c\nd' })[0].value).toBe(3);
    expect(pick(samples, 't_depth')[0].value).toBe(7);
  });

  it('refuses invalid names, duplicate metrics, missing labels and decreasing counters', () => {
    const r = new Registry();
    expect(() => new Counter('bad-name', 'x')).toThrow();
    expect(() => new Histogram('h', 'x', ['le'])).toThrow();
    r.counter('dup', 'x');
    expect(() => r.gauge('dup', 'x')).toThrow();
    const c = new Counter('c', 'x', ['a']);
    expect(() => c.inc({} as never)).toThrow();
    expect(() => c.inc({ a: 1 }, -1)).toThrow();
    const g = new Gauge('g', 'x');
    g.set(undefined, -3);
    expect(g.get()).toBe(-3);
  });

  it('a failing collector does not fail the scrape', async () => {
    const r = new Registry();
    r.gauge('ok_gauge', 'x').set(undefined, 1);
    r.addCollector(() => {
      throw new Error('db down');
    });
    const { text, errors } = await r.render();
    expect(errors).toHaveLength(1);
    expect(text).toContain('ok_gauge 1\n');
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('GET /metrics', () => {
  let testDb: TestDb;
  let deps: Deps;
  let fake: FakeOpenAI;

  const build = (env: Record<string, string> = {}, logs?: string[]) =>
    buildDeps({
      config: parseConfig({ ATP_SECRET: TEST_SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1', ...env }),
      db: testDb.handle,
      logger: createLogger({ level: logs ? 'debug' : 'silent', write: (l) => logs?.push(l) }),
      secret: TEST_SECRET,
      // fast retries so the retry and error counters can be exercised quickly
      modelClient: createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 }),
    });

  beforeAll(async () => {
    testDb = await openTestDb();
    fake = await startFakeOpenAI({ respond: hashPolicy });
    deps = build();
  });
  afterAll(async () => {
    await fake.close();
    await testDb.close();
  });

  async function scrape(app = createApp(deps), headers: Record<string, string> = {}) {
    const res = await app.request('/metrics', { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await res.text());
  }

  it('is in the OpenAPI document and exposes every documented family with its type', async () => {
    const app = createApp(deps);
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/metrics');
    const { types } = await scrape(app);
    expect(Object.fromEntries(types)).toMatchObject({
      atp_http_requests_total: 'counter',
      atp_http_request_duration_seconds: 'histogram',
      atp_runs: 'gauge',
      atp_queue_depth: 'gauge',
      atp_model_calls_total: 'counter',
      atp_model_call_retries_total: 'counter',
      atp_model_call_errors_total: 'counter',
      atp_model_call_latency_seconds: 'histogram',
    });
  });

  it('labels HTTP requests with the matched route pattern, never the raw path', async () => {
    const d = build();
    const app = createApp(d);
    const { token } = await tokenFor(d, 'metrics-http');
    for (const id of ['run_a', 'run_b', "' OR 1=1--", 'x'.repeat(5000)]) await app.request(`/v1/runs/${encodeURIComponent(id)}`, { headers: jsonHeaders(token) });
    await app.request('/v1/runs', { headers: jsonHeaders(token) });
    await app.request('/no/such/path/secret-looking-123');
    await app.request('/v1/runs', { method: 'DELETE', headers: jsonHeaders(token) });
    await app.request('/healthz');
    const res = await app.request('/metrics');
    const text = await res.text();
    expect(text).not.toContain('run_a');
    expect(text).not.toContain('secret-looking');
    expect(text).not.toContain('OR 1=1');
    const { samples } = parseExposition(text);
    expect(pick(samples, 'atp_http_requests_total', { method: 'GET', route: '/v1/runs/{id}', status: '404' })[0]?.value).toBe(3);
    // the 5,000-character id is refused by validation (ids are at most 100 characters)
    expect(pick(samples, 'atp_http_requests_total', { method: 'GET', route: '/v1/runs/{id}', status: '400' })[0]?.value).toBe(1);
    expect(pick(samples, 'atp_http_requests_total', { method: 'GET', route: '/v1/runs', status: '200' })[0]?.value).toBe(1);
    expect(pick(samples, 'atp_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })[0]?.value).toBe(1);
    expect(pick(samples, 'atp_http_requests_total', { method: 'DELETE', route: 'unmatched', status: '405' })[0]?.value).toBe(1);
    expect(pick(samples, 'atp_http_requests_total', { route: '/healthz', status: '200' })[0]?.value).toBe(1);
    const count = pick(samples, 'atp_http_request_duration_seconds_count', { method: 'GET', route: '/v1/runs/{id}' })[0];
    expect(count.value).toBe(4);
    const inf = pick(samples, 'atp_http_request_duration_seconds_bucket', { method: 'GET', route: '/v1/runs/{id}', le: '+Inf' })[0];
    expect(inf.value).toBe(4);
  });

  it('reads atp_runs{status} and atp_queue_depth from the database at scrape time', async () => {
    const d = build();
    const app = createApp(d);
    const lab = await tokenFor(d, 'metrics-runs');
    const ep = await createEndpointRow(d, lab.tenantId, { baseUrl: fake.url });
    const before = await scrape(app);
    const res = await app.request('/v1/runs', { method: 'POST', headers: jsonHeaders(lab.token), body: JSON.stringify({ endpointId: ep.id, suite: 'atp-quick-v1' }) });
    expect(res.status).toBe(202);
    const after = await scrape(app);
    const queued = (s: Sample[]) => pick(s, 'atp_runs', { status: 'queued' })[0].value;
    expect(queued(after.samples)).toBe(queued(before.samples) + 1);
    for (const status of ['queued', 'running', 'succeeded', 'failed', 'cancelled']) expect(pick(after.samples, 'atp_runs', { status })).toHaveLength(1);
    const [{ n }] = await d.db.rows<{ n: string | number }>(sql`select count(*) as n from jobs where kind = 'episode' and status = 'queued'`);
    expect(pick(after.samples, 'atp_queue_depth')[0].value).toBe(Number(n));
    expect(Number(n)).toBeGreaterThan(0);
    await app.request(`/v1/runs/${((await res.json()) as { id: string }).id}/cancel`, { method: 'POST', headers: jsonHeaders(lab.token) });
  });

  it('counts model calls, retries, errors and latency per endpoint; a run’s persisted calls (and its pre-flight) match the counter', async () => {
    const logs: string[] = [];
    const d = build({ ATP_METRICS_PER_ENDPOINT: '1' }, logs);
    const lab = await tokenFor(d, 'metrics-model');
    const flaky = await startFakeOpenAI({
      // every 5th call fails once with a 500 (retried), the rest answer
      respond: (body, { callIndex }) => (callIndex % 5 === 4 ? { status: 500 } : hashPolicy(body)),
    });
    try {
      const ep = await createEndpointRow(d, lab.tenantId, { baseUrl: flaky.url, maxConcurrency: 8 });
      const app = createApp(d);
      const res = await app.request('/v1/runs', { method: 'POST', headers: jsonHeaders(lab.token), body: JSON.stringify({ endpointId: ep.id, suite: 'atp-quick-v1', seed: 5 }) });
      expect(res.status).toBe(202);
      const runId = ((await res.json()) as { id: string }).id;
      const worker = startWorker(d, { tickMs: 100 });
      try {
        expect((await waitForRun(d, runId)).status).toBe('succeeded');
      } finally {
        await worker.stop();
      }
      const [row] = await d.db.rows<{ n: string | number; retries: string | number; failed: string | number }>(
        sql`select count(*) as n, coalesce(sum(attempts - 1), 0) as retries, count(*) filter (where error is not null) as failed
            from model_calls where run_id = ${runId}`,
      );
      const { samples } = await scrape(app);
      // plus the pre-flight dry run (a plain call and a calculator call, answered at once)
      const preflight = 2;
      expect(sum(pick(samples, 'atp_model_calls_total', { endpoint: ep.id }))).toBe(Number(row.n) + preflight);
      expect(pick(samples, 'atp_model_calls_total', { endpoint: ep.id, outcome: 'ok' })[0].value).toBe(Number(row.n) - Number(row.failed) + preflight);
      expect(sum(pick(samples, 'atp_model_call_errors_total', { endpoint: ep.id }))).toBe(Number(row.failed));
      expect(pick(samples, 'atp_model_call_retries_total', { endpoint: ep.id })[0].value).toBe(Number(row.retries));
      expect(Number(row.retries)).toBeGreaterThan(0);
      expect(pick(samples, 'atp_model_call_latency_seconds_count', { endpoint: ep.id })[0].value).toBe(Number(row.n) + preflight);
      // the run's logs carry its id
      const runLogs = logs.filter((l) => l.includes(runId));
      expect(runLogs.some((l) => JSON.parse(l).msg === 'run created')).toBe(true);
      expect(runLogs.some((l) => JSON.parse(l).msg === 'run finished')).toBe(true);
    } finally {
      await flaky.close();
    }
  });

  it('counts errors by kind (permanent: a refused key; transient: retries exhausted)', async () => {
    const d = build({ ATP_METRICS_PER_ENDPOINT: '1' });
    const refusing = await startFakeOpenAI({ requireApiKey: 'sk-the-right-key-000000' });
    const broken = await startFakeOpenAI({ respond: () => ({ status: 503 }) });
    try {
      const target = (id: string, baseUrl: string): EndpointTarget => ({
        id,
        baseUrl,
        model: 'm',
        apiKey: 'sk-the-wrong-key-111111',
        headers: {},
        params: {},
        requestTimeoutMs: 5_000,
      });
      const req = { messages: [{ role: 'user' as const, content: 'hi' }] };
      const a = await d.modelClient.complete(target('end_refusing', refusing.url), req);
      const b = await d.modelClient.complete(target('end_broken', broken.url), req);
      expect(a.ok || b.ok).toBe(false);
      const { samples } = await scrape(createApp(d));
      expect(pick(samples, 'atp_model_call_errors_total', { endpoint: 'end_refusing', kind: 'permanent' })[0].value).toBe(1);
      expect(pick(samples, 'atp_model_calls_total', { endpoint: 'end_refusing', outcome: 'permanent' })[0].value).toBe(1);
      expect(pick(samples, 'atp_model_call_errors_total', { endpoint: 'end_broken', kind: 'transient' })[0].value).toBe(1);
      expect(pick(samples, 'atp_model_call_retries_total', { endpoint: 'end_broken' })[0].value).toBe(2);
    } finally {
      await refusing.close();
      await broken.close();
    }
  });

  it('by default aggregates model calls over endpoints (no per-tenant detail on a public /metrics)', async () => {
    const d = build();
    const refusing = await startFakeOpenAI({ requireApiKey: 'sk-the-right-key-000000' });
    try {
      const target: EndpointTarget = {
        id: 'end_private_detail',
        baseUrl: refusing.url,
        model: 'm',
        apiKey: 'sk-the-wrong-key-111111',
        headers: {},
        params: {},
        requestTimeoutMs: 5_000,
      };
      await d.modelClient.complete(target, { messages: [{ role: 'user' as const, content: 'hi' }] });
      const res = await createApp(d).request('/metrics');
      const text = await res.text();
      expect(text).not.toContain('end_private_detail');
      const { samples } = parseExposition(text);
      expect(pick(samples, 'atp_model_calls_total', { endpoint: 'all', outcome: 'permanent' })[0].value).toBe(1);
      expect(samples.filter((s) => s.name.startsWith('atp_model_') && s.labels.endpoint !== 'all')).toEqual([]);
    } finally {
      await refusing.close();
    }
  });

  it('is protected by ATP_METRICS_TOKEN when the operator sets one', async () => {
    const d = build({ ATP_METRICS_TOKEN: 'metrics-token-0123456789' });
    const app = createApp(d);
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: 'Bearer metrics-token-012345678' }];
    for (const h of attempts) {
      const res = await app.request('/metrics', { headers: h });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    await scrape(app, { authorization: 'Bearer metrics-token-0123456789' });
  });

  it('createMetrics without a database still renders (no DB gauges)', async () => {
    const m = createMetrics();
    const { text, errors } = await m.render();
    expect(errors).toEqual([]);
    parseExposition(text);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { ProblemSchema } from '../../src/http/problem-schema.js';
import { endpoints } from '../../src/db/schema.js';
import { CALCULATOR_TOOL } from '../../src/testbeds/tool-use/calculator.js';
import { createOpenAIModelClient, type OpenAIModelClient } from '../../src/model/openai-client.js';
import { loadTarget } from '../../src/services/endpoints/target.js';
import { EndpointListSchema, EndpointProbeResultSchema, EndpointSchema } from '../../src/routes/endpoints/schema.js';
import { buildTestDeps, jsonHeaders, tokenFor, bearer, type TestContext } from '../support/deps.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from '../support/openai-server.js';

const KEY = 'sk-probe-0123456789abcdefSECRETKEY';
const WRONG_KEY = 'sk-wrong-9876543210fedcbaWRONGKEY';
const HEADER_SECRET = 'org-header-secret-value-42';
const SECRETS = [KEY, WRONG_KEY, HEADER_SECRET];

let ctx: TestContext;
let app: App;
let server: FakeOpenAI;
let modelClient: OpenAIModelClient;
let tokenA: string;
let tokenB: string;
let tenantA: string;
/** every response body the tests saw: none may contain a secret */
const bodies: string[] = [];

beforeAll(async () => {
  server = await startFakeOpenAI({ requireApiKey: KEY, respondToProbes: true });
  // a real client against a real server; only the retry backoff is shortened so transient failures end quickly
  modelClient = createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 1, maxDelayMs: 5 });
  ctx = await buildTestDeps({ modelClient });
  app = createApp(ctx.deps);
  ({ token: tokenA, tenantId: tenantA } = await tokenFor(ctx.deps, 'lab-a'));
  ({ token: tokenB } = await tokenFor(ctx.deps, 'lab-b'));
});

afterAll(async () => {
  modelClient?.close();
  await server?.close();
  await ctx?.close();
});

afterEach(() => {
  server.setRespond(() => ({}));
});

async function call(method: string, path: string, opts: { token?: string; body?: unknown; rawBody?: string } = {}) {
  const init: RequestInit = { method, headers: jsonHeaders(opts.token ?? tokenA) };
  if (opts.rawBody !== undefined) init.body = opts.rawBody;
  else if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
  const res = await app.request(path, init);
  const text = await res.text();
  bodies.push(text);
  return { res, status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

function expectProblem(r: { res: Response; json: any }, status: number, type?: string) {
  expect(r.res.status).toBe(status);
  expect(r.res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const p = ProblemSchema.parse(r.json);
  expect(p.status).toBe(status);
  if (type) expect(p.type).toBe(`https://atp-bench.dev/problems/${type}`);
  return r.json as { type: string; detail: string; errors?: Array<{ path: string; message: string }>; [k: string]: unknown };
}

const valid = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'acme 8b',
  baseUrl: server.url,
  model: 'acme-8b',
  ...over,
});

async function create(over: Record<string, unknown> = {}, token = tokenA) {
  const r = await call('POST', '/v1/endpoints', { token, body: valid(over) });
  expect(r.status, r.text).toBe(201);
  return EndpointSchema.parse(r.json);
}

describe('POST /v1/endpoints', () => {
  it('creates an endpoint: 201, Location, read shape without secrets, defaults applied', async () => {
    const r = await call('POST', '/v1/endpoints', {
      body: valid({
        baseUrl: `${server.url}/`,
        apiKey: KEY,
        headers: { 'X-Org': HEADER_SECRET, 'x-trace': 'on' },
        params: { temperature: 0.7, top_p: 0.9, max_tokens: 512, seed: 7, extraBody: { chat_template_kwargs: { enable_thinking: false } } },
        family: 'acme-8b',
        variant: 'dpo',
      }),
    });
    expect(r.status, r.text).toBe(201);
    const ep = EndpointSchema.strict().parse(r.json);
    expect(r.res.headers.get('location')).toBe(`/v1/endpoints/${ep.id}`);
    expect(ep.id).toMatch(/^end_[a-z0-9]+$/);
    expect(ep.baseUrl).toBe(server.url); // trailing slash stripped
    expect(ep.hasApiKey).toBe(true);
    expect(ep.headerNames).toEqual(['X-Org', 'x-trace']);
    expect(ep.params).toEqual({ temperature: 0.7, top_p: 0.9, max_tokens: 512, seed: 7, extraBody: { chat_template_kwargs: { enable_thinking: false } } });
    expect(ep.maxConcurrency).toBe(8);
    expect(ep.requestTimeoutMs).toBe(120000);
    expect(ep).toMatchObject({ family: 'acme-8b', variant: 'dpo', name: 'acme 8b', model: 'acme-8b' });
    expect(ep.createdAt).toBe(ep.updatedAt);
    expect(Object.keys(r.json)).not.toContain('apiKey');
    expect(Object.keys(r.json)).not.toContain('headers');

    // stored encrypted, bound to the row
    const [row] = await ctx.deps.db.db.select().from(endpoints).where(eq(endpoints.id, ep.id));
    expect(row.tenantId).toBe(tenantA);
    expect(row.apiKeyEnc).toBeTruthy();
    expect(row.apiKeyEnc).not.toContain(KEY);
    expect(row.headersEnc).not.toContain(HEADER_SECRET);
    const { target } = await loadTarget(ctx.deps, ep.id);
    expect(target.apiKey).toBe(KEY);
    expect(target.headers).toEqual({ 'X-Org': HEADER_SECRET, 'x-trace': 'on' });
  });

  it('applies defaults: no key, no headers, empty params, null labels', async () => {
    const ep = await create({ maxConcurrency: 3, requestTimeoutMs: 1000 });
    expect(ep).toMatchObject({ hasApiKey: false, headerNames: [], params: {}, family: null, variant: null, maxConcurrency: 3, requestTimeoutMs: 1000 });
  });

  it('normalises the URL it checks and stores', async () => {
    const ep = await create({ baseUrl: 'http://127.0.0.1:8000/v1///' });
    expect(ep.baseUrl).toBe('http://127.0.0.1:8000/v1');
  });

  it('keeps a query string (Azure api-version) after the normalised path', async () => {
    const ep = await create({ baseUrl: 'http://127.0.0.1:8000/openai/deployments/gpt-4o/?api-version=2024-10-21' });
    expect(ep.baseUrl).toBe('http://127.0.0.1:8000/openai/deployments/gpt-4o?api-version=2024-10-21');
  });

  it('stores the provider params: max_completion_tokens, seedField (a name or false), stream', async () => {
    const params = { max_completion_tokens: 2048, seed: 3, seedField: 'random_seed', stream: true };
    expect((await create({ params })).params).toEqual(params);
    expect((await create({ params: { seed: 3, seedField: false } })).params).toEqual({ seed: 3, seedField: false });
    // every documented parameter is shown back (a hidden one would be dropped by a read-then-PATCH round trip)
    const all = { stream: true, streamUsage: false, alternateRoles: true, max_tokens: 64 };
    const made = await create({ params: all });
    expect(made.params).toEqual(all);
    const read = (await call('GET', `/v1/endpoints/${made.id}`)).json as { params: unknown };
    expect(read.params).toEqual(all);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['unknown field', { foo: 1 }, 'body'],
    ['empty name', { name: '' }, 'body.name'],
    ['long name', { name: 'x'.repeat(101) }, 'body.name'],
    ['missing model', { model: undefined }, 'body.model'],
    ['long model', { model: 'm'.repeat(201) }, 'body.model'],
    ['not a URL', { baseUrl: 'inference.acme' }, 'body.baseUrl'],
    ['ftp URL', { baseUrl: 'ftp://example.com/v1' }, 'body.baseUrl'],
    ['seedField naming a service field', { params: { seedField: 'messages' } }, 'body.params.seedField'],
    ['seedField true', { params: { seedField: true } }, 'body.params.seedField'],
    ['URL with fragment', { baseUrl: 'https://example.com/v1#frag' }, 'body.baseUrl'],
    ['chat/completions URL', { baseUrl: 'https://example.com/v1/chat/completions' }, 'body.baseUrl'],
    ['URL with a key in its query', { baseUrl: 'https://example.com/v1?key=AIzaSecret123' }, 'body.baseUrl'],
    ['URL with an access token in its query', { baseUrl: 'https://example.com/v1?api-version=2024-10-21&access_token=abc' }, 'body.baseUrl'],
    ['URL with an Azure Functions code', { baseUrl: 'https://fn.example.com/api/v1?code=abc123' }, 'body.baseUrl'],
    ['URL with an APIM subscription key', { baseUrl: 'https://apim.example.com/v1?subscription-key=abc123' }, 'body.baseUrl'],
    ['URL with an S3-style signature', { baseUrl: 'https://gw.example.com/v1?X-Amz-Signature=abc123' }, 'body.baseUrl'],
    ['URL with a private token', { baseUrl: 'https://gw.example.com/v1?private_token=abc123' }, 'body.baseUrl'],
    ['empty apiKey', { apiKey: '' }, 'body.apiKey'],
    ['long apiKey', { apiKey: 'k'.repeat(4097) }, 'body.apiKey'],
    ['apiKey with newline', { apiKey: 'sk-abc\r\nX-Evil: 1' }, 'body.apiKey'],
    ['authorization header', { headers: { Authorization: 'Bearer x' } }, 'body.headers.Authorization'],
    ['host header', { headers: { host: 'evil.example' } }, 'body.headers.host'],
    ['content-length header', { headers: { 'Content-Length': '5' } }, 'body.headers.Content-Length'],
    ['hop-by-hop header', { headers: { Connection: 'close' } }, 'body.headers.Connection'],
    ['transfer-encoding header', { headers: { 'Transfer-Encoding': 'chunked' } }, 'body.headers.Transfer-Encoding'],
    ['bad header name', { headers: { 'X Bad': 'v' } }, 'body.headers'],
    ['header value with CRLF', { headers: { 'X-A': 'a\r\nX-Injected: 1' } }, 'body.headers.X-A'],
    ['long header value', { headers: { 'X-A': 'v'.repeat(4097) } }, 'body.headers.X-A'],
    ['duplicate header names', { headers: { 'X-A': '1', 'x-a': '2' } }, 'body.headers'],
    ['too many headers', { headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) }, 'body.headers'],
    ['temperature > 2', { params: { temperature: 2.5 } }, 'body.params.temperature'],
    ['top_p > 1', { params: { top_p: 1.5 } }, 'body.params.top_p'],
    ['max_tokens 0', { params: { max_tokens: 0 } }, 'body.params.max_tokens'],
    ['max_tokens too big', { params: { max_tokens: 1_000_001 } }, 'body.params.max_tokens'],
    ['fractional seed', { params: { seed: 1.5 } }, 'body.params.seed'],
    ['unknown param', { params: { frequency_penalty: 1 } }, 'body.params'],
    ['extraBody overriding model', { params: { extraBody: { model: 'other' } } }, 'body.params.extraBody.model'],
    ['extraBody overriding messages', { params: { extraBody: { messages: [] } } }, 'body.params.extraBody.messages'],
    ['extraBody overriding tools', { params: { extraBody: { tools: [] } } }, 'body.params.extraBody.tools'],
    ['extraBody overriding stream', { params: { extraBody: { stream: true } } }, 'body.params.extraBody.stream'],
    ['extraBody overriding n', { params: { extraBody: { n: 4 } } }, 'body.params.extraBody.n'],
    ['extraBody not an object', { params: { extraBody: [1, 2] } }, 'body.params.extraBody'],
    ['extraBody > 16 KB', { params: { extraBody: { blob: 'x'.repeat(17 * 1024) } } }, 'body.params.extraBody'],
    ['maxConcurrency 0', { maxConcurrency: 0 }, 'body.maxConcurrency'],
    ['maxConcurrency 257', { maxConcurrency: 257 }, 'body.maxConcurrency'],
    ['requestTimeoutMs 999', { requestTimeoutMs: 999 }, 'body.requestTimeoutMs'],
    ['requestTimeoutMs too big', { requestTimeoutMs: 900_001 }, 'body.requestTimeoutMs'],
    ['long variant', { variant: 'v'.repeat(65) }, 'body.variant'],
    ['long family', { family: 'f'.repeat(65) }, 'body.family'],
  ];
  it.each(invalid)('400 with errors[] for %s', async (_label, over, path) => {
    const body = valid(over);
    const r = await call('POST', '/v1/endpoints', { body });
    const p = expectProblem(r, 400, 'validation-failed');
    expect(p.errors?.length, r.text).toBeGreaterThan(0);
    expect(p.errors!.some((e) => e.path === path || e.path.startsWith(`${path}.`)), r.text).toBe(true);
    // secret-looking input values are never echoed
    for (const v of [body.apiKey, ...Object.values((body.headers ?? {}) as Record<string, string>)]) {
      if (typeof v === 'string' && v.length > 8) expect(r.text).not.toContain(v);
    }
  });

  it('400 for malformed JSON, 415 without a JSON content type', async () => {
    expectProblem(await call('POST', '/v1/endpoints', { rawBody: '{"name":' }), 400, 'malformed-json');
    const res = await app.request('/v1/endpoints', { method: 'POST', headers: { ...bearer(tokenA), 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
  });

  it('401 without a token, 403 without the write scope', async () => {
    const res = await app.request('/v1/endpoints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid()) });
    expect(res.status).toBe(401);
    const readOnly = await ctx.deps.tokens.issue({ tenantId: tenantA, scopes: ['endpoints:read'] });
    expectProblem(await call('POST', '/v1/endpoints', { token: readOnly, body: valid() }), 403, 'forbidden');
    // but it can read
    expect((await call('GET', '/v1/endpoints', { token: readOnly })).status).toBe(200);
    const runsOnly = await ctx.deps.tokens.issue({ tenantId: tenantA, scopes: ['runs:read'] });
    expectProblem(await call('GET', '/v1/endpoints', { token: runsOnly }), 403, 'forbidden');
  });
});

describe('GET /v1/endpoints', () => {
  it('pages newest first with an opaque cursor, and excludes deleted endpoints', async () => {
    const { token } = await tokenFor(ctx.deps, 'lab-paging');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await create({ name: `ep ${i}` }, token)).id);
    const gone = made.splice(3, 1)[0];
    expect((await call('DELETE', `/v1/endpoints/${gone}`, { token })).status).toBe(204);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const r = await call('GET', `/v1/endpoints${q}`, { token });
      expect(r.status, r.text).toBe(200);
      const page = EndpointListSchema.parse(r.json);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());

    const all = EndpointListSchema.parse((await call('GET', '/v1/endpoints', { token })).json);
    expect(all.items.map((e) => e.id)).toEqual([...made].reverse());
    expect(all.nextCursor).toBeNull();
  });

  it('400 for an invalid cursor or limit', async () => {
    for (const q of ['?cursor=not-a-cursor', '?cursor=' + Buffer.from('{"t":"x","id":"end_1"}').toString('base64url'), '?cursor=%%%']) {
      const p = expectProblem(await call('GET', `/v1/endpoints${q}`), 400, 'validation-failed');
      expect(p.errors?.[0]?.path).toBe('query.cursor');
    }
    // a cursor of one list is no position in another
    const at = new Date('2026-01-01T00:00:00.000Z').toISOString();
    const endpointCursor = Buffer.from(JSON.stringify({ t: at, id: 'end_abc123' })).toString('base64url');
    const runCursor = Buffer.from(JSON.stringify({ t: at, id: 'run_abc123' })).toString('base64url');
    expect((await call('GET', `/v1/endpoints?cursor=${endpointCursor}`)).status).toBe(200);
    expect((await call('GET', `/v1/runs?cursor=${runCursor}`)).status).toBe(200);
    expect(expectProblem(await call('GET', `/v1/runs?cursor=${endpointCursor}`), 400, 'validation-failed').errors?.[0]?.path).toBe('query.cursor');
    expect(expectProblem(await call('GET', `/v1/endpoints?cursor=${runCursor}`), 400, 'validation-failed').errors?.[0]?.path).toBe('query.cursor');
    for (const q of ['?limit=0', '?limit=101', '?limit=abc', '?limit=1.5']) {
      const p = expectProblem(await call('GET', `/v1/endpoints${q}`), 400, 'validation-failed');
      expect(p.errors?.[0]?.path).toBe('query.limit');
    }
  });
});

describe('GET /v1/endpoints/{id}', () => {
  it('returns the endpoint', async () => {
    const ep = await create({ apiKey: KEY });
    const r = await call('GET', `/v1/endpoints/${ep.id}`);
    expect(r.status).toBe(200);
    expect(EndpointSchema.parse(r.json)).toEqual(ep);
  });

  it('404 for unknown and malformed ids (never 500)', async () => {
    for (const id of ['end_zzzzzzzzzz', 'end_', 'END_ABC', 'run_abc', 'x'.repeat(500), "end_1'%20or%201=1", '%00', 'end_%C3%A9']) {
      expectProblem(await call('GET', `/v1/endpoints/${id}`), 404, 'not-found');
      expectProblem(await call('PATCH', `/v1/endpoints/${id}`, { body: { name: 'x' } }), 404, 'not-found');
      expectProblem(await call('DELETE', `/v1/endpoints/${id}`), 404, 'not-found');
      expectProblem(await call('POST', `/v1/endpoints/${id}/probe`), 404, 'not-found');
    }
  });
});

describe('PATCH /v1/endpoints/{id}', () => {
  it('changes any subset; null removes the key, headers and labels; params are replaced', async () => {
    const ep = await create({ apiKey: KEY, headers: { 'X-Org': HEADER_SECRET }, family: 'acme', variant: 'base', params: { temperature: 1 } });
    await new Promise((r) => setTimeout(r, 5));
    let r = await call('PATCH', `/v1/endpoints/${ep.id}`, { body: { name: 'renamed', baseUrl: 'http://127.0.0.1:9/v2/', params: { top_p: 0.5 }, maxConcurrency: 2 } });
    expect(r.status, r.text).toBe(200);
    let got = EndpointSchema.parse(r.json);
    expect(got).toMatchObject({ id: ep.id, name: 'renamed', baseUrl: 'http://127.0.0.1:9/v2', params: { top_p: 0.5 }, maxConcurrency: 2 });
    expect(got).toMatchObject({ hasApiKey: true, headerNames: ['X-Org'], family: 'acme', variant: 'base', model: ep.model, createdAt: ep.createdAt });
    expect(got.updatedAt > ep.updatedAt).toBe(true);

    r = await call('PATCH', `/v1/endpoints/${ep.id}`, { body: { apiKey: null, headers: null, family: null, variant: 'grpo' } });
    expect(r.status, r.text).toBe(200);
    got = EndpointSchema.parse(r.json);
    expect(got).toMatchObject({ hasApiKey: false, headerNames: [], family: null, variant: 'grpo', name: 'renamed' });
    const [row] = await ctx.deps.db.db.select().from(endpoints).where(eq(endpoints.id, ep.id));
    expect(row.apiKeyEnc).toBeNull();
    expect(row.headersEnc).toBeNull();

    r = await call('PATCH', `/v1/endpoints/${ep.id}`, { body: { apiKey: KEY, headers: { 'X-New': 'v' } } });
    got = EndpointSchema.parse(r.json);
    expect(got).toMatchObject({ hasApiKey: true, headerNames: ['X-New'] });
    expect((await loadTarget(ctx.deps, ep.id)).target).toMatchObject({ apiKey: KEY, headers: { 'X-New': 'v' } });

    // an empty patch changes nothing
    r = await call('PATCH', `/v1/endpoints/${ep.id}`, { body: {} });
    expect(r.status).toBe(200);
    expect(EndpointSchema.parse(r.json)).toEqual(got);
    expect(EndpointSchema.parse((await call('GET', `/v1/endpoints/${ep.id}`)).json)).toEqual(got);
  });

  it('refuses to change the model (URL, name, params) while a run calls the endpoint; a key may still rotate', async () => {
    const ep = await create({ apiKey: KEY });
    // no worker here: the run stays queued
    const run = await call('POST', '/v1/runs', { body: { endpointId: ep.id, suite: 'atp-quick-v2' } });
    expect(run.status, run.text).toBe(202);
    for (const body of [{ model: 'other-model' }, { baseUrl: 'http://127.0.0.1:9/v1' }, { params: { temperature: 0 } }]) {
      const p = expectProblem(await call('PATCH', `/v1/endpoints/${ep.id}`, { body }), 409, 'endpoint-in-use');
      expect(p.detail).toContain(run.json.id);
      expect(p.runIds).toEqual([run.json.id]);
    }
    // unchanged values, a new key and labels are fine mid-run
    expect((await call('PATCH', `/v1/endpoints/${ep.id}`, { body: { model: ep.model, apiKey: WRONG_KEY, name: 'renamed' } })).status).toBe(200);
    expect((await call('POST', `/v1/runs/${run.json.id}/cancel`)).status).toBe(200);
    expect((await call('PATCH', `/v1/endpoints/${ep.id}`, { body: { model: 'other-model' } })).status).toBe(200);
  });

  it('validates like creation (strict, ranges, headers)', async () => {
    const ep = await create();
    for (const body of [{ foo: 1 }, { name: '' }, { maxConcurrency: 0 }, { headers: { Host: 'x' } }, { baseUrl: 'ftp://x/v1' }, { apiKey: '' }, { params: { extraBody: { n: 2 } } }, { model: null }]) {
      const p = expectProblem(await call('PATCH', `/v1/endpoints/${ep.id}`, { body }), 400, 'validation-failed');
      expect(p.errors?.length).toBeGreaterThan(0);
    }
  });
});

describe('DELETE /v1/endpoints/{id}', () => {
  it('soft-deletes: 204, then 404 everywhere, while the row stays loadable for runs', async () => {
    const ep = await create({ apiKey: KEY });
    const del = await app.request(`/v1/endpoints/${ep.id}`, { method: 'DELETE', headers: bearer(tokenA) });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expectProblem(await call('GET', `/v1/endpoints/${ep.id}`), 404, 'not-found');
    expectProblem(await call('PATCH', `/v1/endpoints/${ep.id}`, { body: { name: 'x' } }), 404, 'not-found');
    expectProblem(await call('DELETE', `/v1/endpoints/${ep.id}`), 404, 'not-found');
    expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`), 404, 'not-found');
    const list = EndpointListSchema.parse((await call('GET', '/v1/endpoints?limit=100')).json);
    expect(list.items.map((e) => e.id)).not.toContain(ep.id);

    const [row] = await ctx.deps.db.db.select().from(endpoints).where(eq(endpoints.id, ep.id));
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect((await loadTarget(ctx.deps, ep.id)).target.apiKey).toBe(KEY);
  });
});

describe('tenant isolation', () => {
  it("another tenant's endpoint is 404 on every verb and absent from its list", async () => {
    const ep = await create({ apiKey: KEY, name: 'a-only' });
    expectProblem(await call('GET', `/v1/endpoints/${ep.id}`, { token: tokenB }), 404, 'not-found');
    expectProblem(await call('PATCH', `/v1/endpoints/${ep.id}`, { token: tokenB, body: { name: 'hijacked', apiKey: null } }), 404, 'not-found');
    expectProblem(await call('DELETE', `/v1/endpoints/${ep.id}`, { token: tokenB }), 404, 'not-found');
    const before = server.requests.length;
    expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`, { token: tokenB }), 404, 'not-found');
    expect(server.requests.length).toBe(before);
    const listB = EndpointListSchema.parse((await call('GET', '/v1/endpoints?limit=100', { token: tokenB })).json);
    expect(listB.items.map((e) => e.id)).not.toContain(ep.id);
    // A's endpoint is untouched
    const still = EndpointSchema.parse((await call('GET', `/v1/endpoints/${ep.id}`)).json);
    expect(still).toEqual(ep);
  });
});

describe('POST /v1/endpoints/{id}/probe', () => {
  it('calls the endpoint with the key and headers; reports latency, model, tools, reasoning', async () => {
    const ep = await create({ apiKey: KEY, headers: { 'X-Org': HEADER_SECRET }, params: { temperature: 0.3, max_tokens: 4096 } });
    server.setRespond((body) => (body.tools ? {} : { model: 'acme-8b-served', reasoning_content: 'thinking about ok' }));
    const before = server.requests.length;
    const r = await call('POST', `/v1/endpoints/${ep.id}/probe`);
    expect(r.status, r.text).toBe(200);
    const result = EndpointProbeResultSchema.strict().parse(r.json);
    expect(result).toMatchObject({ ok: true, model: 'acme-8b-served', toolsSupported: true, reasoning: true, finishReason: 'stop' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);

    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(2);
    for (const req of sent) {
      expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(req.headers['x-org']).toBe(HEADER_SECRET);
      expect(req.body.model).toBe('acme-8b');
      // a dry run of a real call: the endpoint's own params, not a probe-sized budget
      expect(req.body.max_tokens).toBe(4096);
      expect(req.body.temperature).toBe(0.3);
    }
    expect(sent[0].body.tools).toBeUndefined();
    // the run's calculator schema, so the probe and a run agree on tool support
    expect(sent[1].body.tools).toEqual([CALCULATOR_TOOL]);
  });

  it('toolsSupported false when the endpoint refuses tools; reasoning false without reasoning text', async () => {
    const ep = await create({ apiKey: KEY });
    server.setRespond((body): FakeReply =>
      body.tools ? { status: 400, body: { error: { message: '"auto" tool choice requires --enable-auto-tool-choice', type: 'BadRequestError' } } } : {},
    );
    const r = await call('POST', `/v1/endpoints/${ep.id}/probe`);
    expect(r.status, r.text).toBe(200);
    expect(EndpointProbeResultSchema.parse(r.json)).toMatchObject({ ok: true, toolsSupported: false, reasoning: false, model: 'acme-8b' });
  });

  it('advises when the answer cannot be read as the choice asked for, or the calculator is never called', async () => {
    const ep = await create({ apiKey: KEY });
    server.setRespond((): FakeReply => ({ content: 'Hmm, hard to say. Maybe later.' }));
    const r = await call('POST', `/v1/endpoints/${ep.id}/probe`);
    expect(r.status, r.text).toBe(200);
    const result = EndpointProbeResultSchema.parse(r.json);
    expect(result).toMatchObject({ ok: true, ready: true, toolUse: 'not-called' });
    expect(result.advice.join(' ')).toMatch(/could not be read as the choice it was asked for/);
    expect(result.advice.join(' ')).toMatch(/answered without calling it/);
  });

  it('toolsSupported null when the tools call fails for another reason', async () => {
    const ep = await create({ apiKey: KEY });
    server.setRespond((body): FakeReply => (body.tools ? { status: 503, body: { error: { message: 'overloaded' } } } : {}));
    const r = await call('POST', `/v1/endpoints/${ep.id}/probe`);
    expect(r.status, r.text).toBe(200);
    expect(EndpointProbeResultSchema.parse(r.json).toolsSupported).toBeNull();
  });

  it('422 endpoint_error with endpointStatus 401 when the key is refused; the echoed key is not shown', async () => {
    const ep = await create({ apiKey: WRONG_KEY });
    const r = await call('POST', `/v1/endpoints/${ep.id}/probe`);
    const p = expectProblem(r, 422, 'endpoint-error');
    expect(p.endpointStatus).toBe(401);
    expect(p.detail).toMatch(/401/);
    expect(p.detail).toMatch(/credentials/);
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
    expect(r.text).not.toContain(WRONG_KEY);
    expect(r.text).not.toContain(WRONG_KEY.slice(0, 20));
  });

  it('422 when no key is stored and the endpoint wants one', async () => {
    const ep = await create();
    const p = expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`), 422, 'endpoint-error');
    expect(p.endpointStatus).toBe(401);
  });

  it('422 when the endpoint is unreachable', async () => {
    const ep = await create({ apiKey: KEY, baseUrl: 'http://127.0.0.1:1/v1' });
    const p = expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`), 422, 'endpoint-error');
    expect(p.endpointStatus).toBeNull();
    expect(p.detail).toMatch(/unreachable/);
    expect(p.detail).toMatch(/ECONNREFUSED/);
  });

  it('422 when the endpoint answers 200 with something that is not a chat completion', async () => {
    const ep = await create({ apiKey: KEY });
    server.setRespond(() => ({ raw: '<html>welcome to nginx</html>', headers: { 'content-type': 'text/html' } }));
    const p = expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`), 422, 'endpoint-error');
    expect(p.detail).toMatch(/an HTML page reading "welcome to nginx" instead of an API answer/);
    expect(p.detail).toMatch(/fix: baseUrl answers with a web page, not the API/);
    expect(p.endpointStatus).toBe(200);
  });

  it('422 when the endpoint answers 404 (wrong base URL)', async () => {
    const ep = await create({ apiKey: KEY, baseUrl: server.url.replace(/\/v1$/, '/api') });
    const p = expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`), 422, 'endpoint-error');
    expect(p.endpointStatus).toBe(404);
    expect(p.detail).toMatch(/baseUrl/);
  });

  it('422 timeout when the endpoint does not answer within requestTimeoutMs', async () => {
    const ep = await create({ apiKey: KEY, requestTimeoutMs: 1000 });
    server.setRespond(() => ({ hang: true }));
    const started = Date.now();
    const p = expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`), 422, 'endpoint-error');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(p.detail).toMatch(/did not answer within 1000 ms/);
    expect(p.endpointStatus).toBeNull();
  });

  it('scope endpoints:write is required', async () => {
    const ep = await create({ apiKey: KEY });
    const readOnly = await ctx.deps.tokens.issue({ tenantId: tenantA, scopes: ['endpoints:read'] });
    expectProblem(await call('POST', `/v1/endpoints/${ep.id}/probe`, { token: readOnly }), 403, 'forbidden');
  });
});

describe('secrets', () => {
  it('no response body and no log line ever contained a secret', () => {
    expect(bodies.length).toBeGreaterThan(50);
    for (const secret of SECRETS) {
      for (const b of bodies) expect(b.includes(secret), `response leaked a secret: ${b.slice(0, 300)}`).toBe(false);
      for (const l of ctx.logs) expect(l.includes(secret), `log leaked a secret: ${l.slice(0, 300)}`).toBe(false);
    }
    expect(ctx.logs.some((l) => l.includes('endpoint probe'))).toBe(true);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = JSON.parse(await (await app.request('/openapi.json')).text());
    for (const [path, methods] of [
      ['/v1/endpoints', ['get', 'post']],
      ['/v1/endpoints/{id}', ['get', 'patch', 'delete']],
      ['/v1/endpoints/{id}/probe', ['post']],
    ] as const) {
      for (const m of methods) {
        const op = doc.paths[path]?.[m];
        expect(op, `${m} ${path}`).toBeTruthy();
        expect(op.security).toEqual([{ bearerAuth: [] }]);
        expect(op.responses['500']).toBeTruthy();
      }
    }
    for (const name of ['Endpoint', 'EndpointList', 'CreateEndpointRequest', 'UpdateEndpointRequest', 'SamplingParams', 'EndpointProbeResult']) {
      expect(doc.components.schemas[name], name).toBeTruthy();
    }
    const props = doc.components.schemas.Endpoint.properties;
    expect(props.apiKey).toBeUndefined();
    for (const [k, v] of Object.entries<any>(props)) {
      if (v.$ref) continue;
      expect(v.description, `Endpoint.${k}`).toBeTruthy();
    }
  });
});

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { AtpApiError, createAtpClient, describeProblem, isNetworkError, readSse, ServiceSilentError, unwrap, waitForRun, type ApiRun } from '../../src/client/index.js';
import type { App } from '../../src/http/env.js';
import { formatOpenApiJson, OPENAPI_JSON, renderSchemaDts, SCHEMA_DTS } from '../../scripts/openapi.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';

const RERUN = 'run `npm run openapi` and commit openapi/openapi.json and openapi/schema.d.ts';

let ctx: TestContext;
let app: App;

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
});
afterAll(async () => {
  await ctx.close();
});

/** The first differing line, so the failure says where the committed document is stale. */
function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: committed ${JSON.stringify(al[i] ?? '<end>')} vs served ${JSON.stringify(bl[i] ?? '<end>')}`;
  }
  return 'no difference';
}

type Doc = { paths?: Record<string, Record<string, unknown>>; components?: { schemas?: Record<string, unknown> } };

/** "added GET /v1/x; changed schema Run" — which operations and schemas differ between two documents. */
function changedParts(committedText: string, served: Doc): string {
  let committed: Doc;
  try {
    committed = JSON.parse(committedText) as Doc;
  } catch {
    return 'the committed file is missing or not JSON';
  }
  const ops = (d: Doc): Map<string, string> =>
    new Map(Object.entries(d.paths ?? {}).flatMap(([p, item]) => Object.entries(item).map(([m, op]): [string, string] => [`${m.toUpperCase()} ${p}`, JSON.stringify(op)])));
  const schemas = (d: Doc): Map<string, string> =>
    new Map(Object.entries(d.components?.schemas ?? {}).map(([k, v]): [string, string] => [k, JSON.stringify(v)]));
  const out: string[] = [];
  const pairs: Array<[string, Map<string, string>, Map<string, string>]> = [
    ['operation', ops(committed), ops(served)],
    ['schema', schemas(committed), schemas(served)],
  ];
  for (const [kind, a, b] of pairs) {
    for (const k of b.keys()) if (!a.has(k)) out.push(`added ${kind} ${k}`);
    for (const k of a.keys()) if (!b.has(k)) out.push(`removed ${kind} ${k}`);
    for (const [k, v] of b) if (a.has(k) && a.get(k) !== v) out.push(`changed ${kind} ${k}`);
  }
  return out.length > 0 ? out.slice(0, 8).join('; ') + (out.length > 8 ? `; … ${out.length - 8} more` : '') : 'info, tags or key order';
}

describe('the committed OpenAPI document and types', () => {
  it('openapi/openapi.json is what the app serves at /openapi.json', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    const served = formatOpenApiJson(doc);
    const committed = fs.existsSync(OPENAPI_JSON) ? fs.readFileSync(OPENAPI_JSON, 'utf8') : '';
    const why = committed === served ? '' : `${changedParts(committed, doc)}; first difference at ${firstDifference(committed, served)}`;
    expect(committed === served, `openapi/openapi.json is out of date (${why}): ${RERUN}`).toBe(true);
  });

  it('every operation has a unique camelCase operationId and declares its security; the default server is absolute', () => {
    const doc = JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8')) as {
      servers: { url: string }[];
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ where: `${method} ${path}`, ...op })));
    expect(ops.length).toBeGreaterThan(20);
    for (const op of ops) {
      expect(op.operationId, op.where).toMatch(/^[a-z]+[A-Z][A-Za-z]*$/);
      expect(Array.isArray(op.security), op.where).toBe(true);
      // securedRoute documents the token it checks together with the answers to a missing token or scope
      if (JSON.stringify(op.security).includes('bearerAuth')) expect(Object.keys(op.responses), op.where).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    expect(doc.servers[0].url).toMatch(/^https?:\/\/./);
  });

  it('a nullable reference is anyOf [ref, null], never allOf with a null type (which no value satisfies)', () => {
    // allOf [{$ref: Problem}, {type: [object, null]}] rejects null (Problem is an object) and generated clients
    // type the field non-null; Run.error was once written that way.
    const bad: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.allOf) && (o.allOf as Array<Record<string, unknown>>).some((part) => [part.type].flat().includes('null'))) bad.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8')), '#');
    expect(bad).toEqual([]);
    expect(fs.readFileSync(SCHEMA_DTS, 'utf8')).toContain('error: components["schemas"]["Problem"] | null;');
  });

  it('the caller mistakes every operation can meet are documented: an over-long id (400), a body that is not JSON (415) or too large (413)', async () => {
    const doc = JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown; security?: unknown[] }>>;
    };
    const { token } = await tokenFor(ctx.deps, 'contract-mistakes', true);
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        const tries: Array<[string, RequestInit]> = [];
        if (path.includes('{')) tries.push([path.replace(/\{[^}]+\}/g, 'x'.repeat(300)), { method: method.toUpperCase(), headers }]);
        if (op.requestBody) {
          const real = path.replace(/\{[^}]+\}/g, 'x');
          tries.push([real, { method: method.toUpperCase(), headers: { ...headers, 'content-type': 'text/plain' }, body: 'hello' }]);
          tries.push([real, { method: method.toUpperCase(), headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) }]);
        }
        for (const [url, init] of tries) {
          const res = await app.request(url, init);
          await res.body?.cancel();
          if (!(String(res.status) in op.responses)) undocumented.push(`${method.toUpperCase()} ${path}: ${res.status} (${url.length > 60 ? 'over-long id' : String(init.headers && (init.headers as Record<string, string>)['content-type'])})`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('the headers of the HTTP contract are documented: ETag / If-None-Match where 304 is answered, Retry-After on 429, Content-Disposition on downloads', () => {
    type Op = { parameters?: { name: string; in: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> };
    const doc = JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8')) as { paths: Record<string, Record<string, Op>> };
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([m, op]) => ({ where: `${m} ${p}`, op })));
    const conditional = ops.filter(({ op }) => op.responses['304']);
    expect(conditional.map((o) => o.where).sort()).toEqual(['get /v1/leaderboard', 'get /v1/runs/{id}', 'get /v1/runs/{id}/report']);
    for (const { where, op } of conditional) {
      expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'if-none-match'), where).toBe(true);
      expect(Object.keys(op.responses['200'].headers ?? {}), where).toContain('ETag');
      expect(Object.keys(op.responses['304'].headers ?? {}), where).toContain('ETag');
    }
    const limited = ops.filter(({ op }) => op.responses['429']);
    expect(limited.length).toBeGreaterThan(0);
    for (const { where, op } of limited) expect(Object.keys(op.responses['429'].headers ?? {}), where).toContain('Retry-After');
    for (const where of ['/v1/runs/{id}/transcripts.jsonl', '/v1/runs/{id}/transcripts.csv']) {
      expect(Object.keys(doc.paths[where].get.responses['200'].headers ?? {}), where).toContain('Content-Disposition');
    }
  });

  it('openapi/schema.d.ts is generated from the committed document', async () => {
    const committed = fs.existsSync(SCHEMA_DTS) ? fs.readFileSync(SCHEMA_DTS, 'utf8') : '';
    const doc = JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8'));
    const generated = await renderSchemaDts(doc);
    expect(committed === generated, `openapi/schema.d.ts is out of date (${firstDifference(committed, generated)}): ${RERUN}`).toBe(true);
  });
});

describe('the typed client', () => {
  it('creates and reads an endpoint through app.request', async () => {
    const { token } = await tokenFor(ctx.deps, 'contract-lab');
    const client = createAtpClient({ baseUrl: 'http://atp.test', token, fetch: async (r) => app.request(r) });
    const created = unwrap(
      await client.POST('/v1/endpoints', {
        body: { name: 'contract model', baseUrl: 'http://127.0.0.1:9/v1', model: 'm-1', apiKey: 'sk-contract-0123456789' },
      }),
    );
    expect(created.id).toMatch(/^end_/);
    expect(created.hasApiKey).toBe(true);
    const { data, response } = await client.GET('/v1/endpoints/{id}', { params: { path: { id: created.id } } });
    expect(response.status).toBe(200);
    expect(data?.model).toBe('m-1');
    expect(data).not.toHaveProperty('apiKey');

    const missing = await client.GET('/v1/runs/{id}', { params: { path: { id: 'run_missing' } } });
    expect(missing.response.status).toBe(404);
    expect(() => unwrap(missing)).toThrow(/HTTP 404/);
  });
});

describe('client helpers', () => {
  const stream = (chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
        c.close();
      },
    });

  it('readSse parses events split across chunks, multi-line data and comments', async () => {
    const events = [];
    for await (const e of readSse(stream([': hi\n', 'event: progress\r\nid: 1\r\ndata: {"a"', ':1}\r\n\r\n', 'data: x\ndata: y\n\n', 'event: end\ndata: z\n\n']))) {
      events.push(e);
    }
    expect(events).toEqual([
      { event: 'progress', id: '1', data: '{"a":1}' },
      { event: 'message', id: '1', data: 'x\ny' },
      { event: 'end', id: '1', data: 'z' },
    ]);
  });

  it('waitForRun falls back to polling when the event stream is unavailable, and throws API errors', async () => {
    const states = ['queued', 'running', 'succeeded'];
    let polls = 0;
    const fake = async (r: Request) => {
      const path = new URL(r.url).pathname;
      if (path.endsWith('/events')) return new Response('nope', { status: 503 });
      if (path === '/v1/runs/run_gone') return Response.json({ type: 't', title: 'Not found', status: 404, detail: 'no such run' }, { status: 404 });
      const status = states[Math.min(polls++, states.length - 1)];
      return Response.json({ id: 'run_a', status, progress: { done: polls, total: 3, percent: 0 } });
    };
    const client = createAtpClient({ baseUrl: 'http://atp.test', token: 't', fetch: fake });
    const seen: string[] = [];
    const run = await waitForRun(client, 'run_a', { pollMs: 5, onUpdate: (r: ApiRun) => seen.push(r.status) });
    expect(run.status).toBe('succeeded');
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
    await expect(waitForRun(client, 'run_gone', { pollMs: 5 })).rejects.toBeInstanceOf(AtpApiError);
    await expect(waitForRun(client, 'run_gone', { pollMs: 5 })).rejects.toThrow(/HTTP 404 Not found: no such run/);
  });

  it('describeProblem says each field error once', () => {
    const body = { type: 't', title: 'Not found', status: 404, detail: 'endpoint end_x not found', errors: [{ path: 'body.endpointId', message: 'endpoint end_x not found' }] };
    expect(describeProblem(404, body)).toBe('HTTP 404 Not found: endpoint end_x not found');
    const two = { ...body, title: 'Invalid', detail: 'the request is invalid', errors: [{ path: 'body.seed', message: 'expected a number' }] };
    expect(describeProblem(400, two)).toBe('HTTP 400 Invalid: the request is invalid: body.seed: expected a number');
  });

  it('waitForRun gives up on a service that goes silent with the connection open: first the stream, then each poll', async () => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      held.push(res);
      if (req.url?.endsWith('/events')) {
        // one event, then silence: a hung process behind a proxy that keeps the connection
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: progress\ndata: ${JSON.stringify({ id: 'run_a', status: 'running', progress: { done: 1, total: 3, percent: 33 } })}\n\n`);
      }
      // GET /v1/runs/run_a never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = createAtpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't' });
      const seen: string[] = [];
      const started = Date.now();
      const err = await waitForRun(client, 'run_a', { unreachableMs: 400, pollMs: 10, onUpdate: (r: ApiRun) => seen.push(r.status) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceSilentError);
      expect(isNetworkError(err)).toBe(true);
      expect(seen).toEqual(['running']);
      // 400 ms of silence on the stream, then one poll bounded below by 2 s: generous bound, not a speed test
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('waitForRun gives up after timeoutMs', async () => {
    const client = createAtpClient({
      baseUrl: 'http://atp.test',
      fetch: async (r) =>
        new URL(r.url).pathname.endsWith('/events')
          ? new Response('', { status: 502 })
          : Response.json({ id: 'run_a', status: 'running', progress: { done: 0, total: 1, percent: 0 } }),
    });
    await expect(waitForRun(client, 'run_a', { pollMs: 10, timeoutMs: 60 })).rejects.toThrow(/did not finish within .* \(last status: running\)/);
  });
});

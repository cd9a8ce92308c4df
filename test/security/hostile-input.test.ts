// Every operation of the OpenAPI document (new routes are covered automatically) against hostile input: tokens,
// path ids, bodies, query strings and methods. Each answer is a 4xx problem+json with a known `type`, never a 5xx,
// and no table changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/app.js';
import {
  adminOnlyOperations,
  bodyFields,
  deletePath,
  deref,
  expectNoWrites,
  expectNot5xx,
  expectProblem,
  fillPath,
  ghostTenantToken,
  hostileAuthHeaders,
  listOperations,
  loadOpenApiDoc,
  ODD_SEGMENTS,
  outOfRangeValues,
  setPath,
  setupWorld,
  validBody,
  wrongTypeValue,
  type JsonSchema,
  expectNot5xxFor,
  expectRefusal,
  type Operation,
  type World,
} from './support.js';

const DOC = loadOpenApiDoc();
const OPS = listOperations(DOC);
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

let w: World;
beforeAll(async () => {
  w = await setupWorld();
  for (const name of await adminOnlyOperations(w, OPS)) needsAdmin.add(name);
});
afterAll(() => w?.close());

/** Operations whose scope tenant A's token lacks (admin ones) are driven with the operator's token. */
const needsAdmin = new Set<string>();
const tokenFor = (op: Operation) => (needsAdmin.has(op.name) ? w.admin.token : w.a.token);

const json = (token: string, extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}`, ...extra });

/** Sends `body` (serialised unless a string) to the operation, with tenant A's full token unless told otherwise. */
function send(op: Operation, opts: { body?: unknown; token?: string; headers?: Record<string, string>; path?: string; rawBody?: string } = {}) {
  const path = opts.path ?? fillPath(w, op);
  const canCarry = WITH_BODY.has(op.method);
  const body = !canCarry ? undefined : opts.rawBody !== undefined ? opts.rawBody : opts.body === undefined ? (op.body ? JSON.stringify(validBody(w, op)) : undefined) : JSON.stringify(opts.body);
  const headers = opts.headers ?? json(opts.token ?? tokenFor(op));
  return w.call(op.method, path, { headers, body: body ?? null });
}

describe('the OpenAPI document', () => {
  it('has the core routes (the per-route tests below iterate over it)', () => {
    const names = OPS.map((o) => o.name);
    for (const n of ['POST /v1/endpoints', 'GET /v1/endpoints/{id}', 'PATCH /v1/endpoints/{id}', 'POST /v1/runs', 'GET /v1/runs/{id}/transcripts', 'GET /v1/runs/{id}/report']) {
      expect(names).toContain(n);
    }
  });

  it('request bodies are strict objects whose strings and arrays are bounded', () => {
    const problems: string[] = [];
    const walk = (schema: JsonSchema | undefined, where: string, depth: number) => {
      const s = deref(DOC, schema);
      if (!s || depth > 8) return;
      for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(alt, where, depth + 1);
      const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
      if (types.includes('string') && s.maxLength === undefined && !s.enum && s.const === undefined) problems.push(`${where}: unbounded string`);
      if (types.includes('array') && s.maxItems === undefined) problems.push(`${where}: unbounded array`);
      if (s.items) walk(s.items, `${where}[]`, depth + 1);
      if (s.properties) {
        if (s.additionalProperties !== false) problems.push(`${where}: accepts unknown fields (use .strict())`);
        for (const [k, v] of Object.entries<JsonSchema>(s.properties)) walk(v, `${where}.${k}`, depth + 1);
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        walk(s.additionalProperties, `${where}.*`, depth + 1);
      }
    };
    for (const op of OPS) if (op.body) walk(op.body, `${op.name} body`, 0);
    expect(problems).toEqual([]);
  });
});

describe.each(OPS)('$name', (op) => {
  it('without a token and with hostile headers: 401 if protected, never a 5xx; the request id is not echoed', async () => {
    const hostileId = `<script>${'a'.repeat(300)}`;
    await expectNoWrites(w.deps, async () => {
      for (const extra of [
        { 'x-request-id': hostileId },
        { 'x-request-id': "' OR 1=1--", accept: 'text/html;q=0.1, */*;q=-1' },
        { 'content-encoding': 'gzip', 'accept-encoding': 'br;q=1e9', 'x-forwarded-for': '127.0.0.1, ::1, evil' },
        { 'user-agent': 'u'.repeat(8000), 'accept-language': 'ü'.repeat(100) },
      ] as Record<string, string>[]) {
        const res = await send(op, { headers: { 'content-type': 'application/json', ...extra } });
        if (op.secured) expectProblem(res, [401], ['unauthorized']);
        else expectNot5xx(res);
        expect(res.headers.get('x-request-id') ?? '').toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
        expect(res.text).not.toContain('<script>');
      }
    });
  });

  if (op.secured) it('missing, malformed, forged, tampered and expired tokens → 401', async () => {
    const hostile = await hostileAuthHeaders(w);
    await expectNoWrites(w.deps, async () => {
      for (const [name, value] of Object.entries(hostile)) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (value !== undefined) headers.authorization = value;
        const res = await send(op, { headers });
        res.what += ` [token: ${name}]`;
        expectProblem(res, [401], ['unauthorized']);
      }
    });
  });

  if (op.secured) it('a token without the scope → 403; a signed token of an unknown tenant → 401', async () => {
    await expectNoWrites(w.deps, async () => {
      expectProblem(await send(op, { token: w.a.noScopes }), [403], ['forbidden']);
      if (op.method !== 'GET') expectProblem(await send(op, { token: w.a.readOnly }), [403], ['forbidden']);
      expectProblem(await send(op, { token: await ghostTenantToken(w) }), [401], ['unauthorized']);
    });
  });

  if (op.pathParams.length > 0) it('odd path ids (SQL-looking, 10k chars, %00, ../, unicode, …) → 4xx', async () => {
    await expectNoWrites(w.deps, async () => {
      for (const param of op.pathParams) {
        for (const [name, segment] of Object.entries(ODD_SEGMENTS)) {
          const res = await send(op, { path: fillPath(w, op, (p) => (p === param ? segment : undefined)) });
          res.what += ` [${param}: ${name}]`;
          if (!op.secured && res.status < 400) continue; // a public lookup may treat odd input as a search
          expectProblem(res, [400, 404, 405], ['not-found', 'validation-failed', 'method-not-allowed']);
        }
      }
    });
  });

  if (WITH_BODY.has(op.method)) it('bodies over 1 MB → 413 (declared or streamed); non-JSON content types → 415', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(MAX_BODY_BYTES + 10) });
    await expectNoWrites(w.deps, async () => {
      expectProblem(await send(op, { rawBody: big }), [413], ['payload-too-large']);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
          for (let i = 0; i < 20; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const path = fillPath(w, op);
      expectProblem(await w.call(op.method, path, { headers: json(tokenFor(op)), body: stream }), [413], ['payload-too-large']);
      expectProblem(await w.call(op.method, path, { headers: json(tokenFor(op), { 'content-length': String(50 * 1024 * 1024) }), body: '{}' }), [413], [
        'payload-too-large',
      ]);
      // an operation that takes no body refuses any body, whatever its type (see the next test)
      const refused: [number, string] = op.body ? [415, 'unsupported-media-type'] : [400, 'unexpected-body'];
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx']) {
        const res = await send(op, { headers: { authorization: `Bearer ${tokenFor(op)}`, 'content-type': type }, rawBody: JSON.stringify(op.body ? validBody(w, op) : {}) });
        res.what += ` [content-type: ${type}]`;
        expectProblem(res, [refused[0]], [refused[1]]);
      }
      const untyped = await send(op, { headers: { authorization: `Bearer ${tokenFor(op)}` }, rawBody: '{}' });
      untyped.what += ' [no content-type]';
      expectProblem(untyped, [refused[0]], [refused[1]]);
    });
  });

  if (!op.body && op.method !== 'GET') it('a body on an operation that takes none → 400 unexpected-body (malformed, unknown keys, empty object, any type)', async () => {
    const path = fillPath(w, op);
    await expectNoWrites(w.deps, async () => {
      for (const raw of ['{"foo":', '{"reason":"x"}', '{"foo":1}', '{}', '[]', 'null', ' ', 'hello']) {
        for (const headers of [json(tokenFor(op)), { authorization: `Bearer ${tokenFor(op)}`, 'content-type': 'text/plain' }]) {
          const res = await w.call(op.method, path, { headers, body: raw });
          res.what += ` [body: ${JSON.stringify(raw)}, content-type: ${headers['content-type']}]`;
          const problem = expectProblem(res, [400], ['unexpected-body']);
          expect(problem.detail, res.what).toMatch(/this operation takes no request body/);
          expect(problem.errors, res.what).toEqual([{ path: 'body', message: expect.stringMatching(/takes no request body/) }]);
        }
      }
      // a streamed (chunked) body is read to tell it from an empty one
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"reason":"x"}'));
          controller.close();
        },
      });
      expectProblem(await w.call(op.method, path, { headers: json(tokenFor(op)), body: stream }), [400], ['unexpected-body']);
      // the token is checked first: a body does not tell a stranger anything
      expectProblem(await w.call(op.method, path, { headers: { 'content-type': 'application/json' }, body: '{"foo":' }), [401], ['unauthorized']);
    });
  });

  if (op.body) it('malformed JSON and non-object bodies → 400', async () => {
    const malformed = ['{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", '{"a":1,}', 'nul', 'undefined', '{"a":"\\x41"}', '{"a":"\\u12"}', '0x10', '{"a":NaN}', '{"a":Infinity}'];
    const wrongShape = ['null', '[]', '[{}]', '"a string"', '1', 'true', '{}'];
    await expectNoWrites(w.deps, async () => {
      for (const raw of [...malformed, '', ' ']) {
        const res = await send(op, { rawBody: raw });
        res.what += ` [body: ${JSON.stringify(raw)}]`;
        expectProblem(res, [400], ['malformed-json', 'validation-failed']);
      }
      for (const raw of wrongShape) {
        const res = await send(op, { rawBody: raw });
        res.what += ` [body: ${raw}]`;
        // `{}` is a valid PATCH (nothing to change): it must not be an error, only not a write
        if (raw === '{}' && !op.body!.required?.length) expectNot5xx(res);
        else expectProblem(res, [400], ['validation-failed']);
      }
    });
  });

  if (op.body) it('wrong types, missing required and unknown fields → 400 naming the field', async () => {
    const base = validBody(w, op);
    const fields = bodyFields(DOC, op.body);
    await expectNoWrites(w.deps, async () => {
      for (const f of fields) {
        const bad = wrongTypeValue(f);
        if (bad === undefined) continue;
        const res = await send(op, { body: setPath(base, f.path, bad) });
        res.what += ` [${f.path.join('.')} = ${JSON.stringify(bad)}]`;
        const problem = expectProblem(res, [400], ['validation-failed']);
        expect((problem.errors ?? []).map((e) => e.path).join(' '), res.what).toContain(`body.${f.path.join('.')}`);
      }
      const required = (deref(DOC, op.body)?.required ?? []) as string[];
      for (const name of required) {
        const res = await send(op, { body: deletePath(base, [name]) });
        res.what += ` [without ${name}]`;
        const problem = expectProblem(res, [400], ['validation-failed']);
        expect((problem.errors ?? []).map((e) => e.path), res.what).toContain(`body.${name}`);
      }
      for (const key of ['unexpectedField', '__proto__', 'constructor', 'tenantId', 'id', 'status']) {
        const raw = JSON.stringify(base).replace(/^\{/, `{${JSON.stringify(key)}:{"admin":true},`).replace(/,}$/, '}');
        const res = await send(op, { rawBody: raw });
        res.what += ` [unknown field ${key}]`;
        expectProblem(res, [400], ['validation-failed']);
      }
      // unknown fields inside nested objects too
      for (const f of fields) {
        if (f.type !== 'object' || !f.schema.properties) continue;
        const res = await send(op, { body: setPath(base, [...f.path, 'unexpectedNested'], 1) });
        res.what += ` [unknown field in ${f.path.join('.')}]`;
        expectProblem(res, [400], ['validation-failed']);
      }
    });
  });

  if (op.body) it('huge strings, NUL characters, out-of-range numbers and deep nesting → 400', async () => {
    const base = validBody(w, op);
    const fields = bodyFields(DOC, op.body);
    await expectNoWrites(w.deps, async () => {
      for (const f of fields) {
        const values: unknown[] = [];
        if (f.type === 'string') {
          if (typeof f.schema.maxLength === 'number') values.push('x'.repeat(f.schema.maxLength + 1));
          values.push('x'.repeat(300_000), 'a\u0000b');
          if (f.schema.enum) values.push('not-one-of-the-values');
        }
        values.push(...outOfRangeValues(f));
        for (const v of values) {
          const res = await send(op, { body: setPath(base, f.path, v) });
          res.what += ` [${f.path.join('.')} = ${JSON.stringify(v).slice(0, 40)}]`;
          expectProblem(res, [400], ['validation-failed']);
        }
        if (f.type === 'integer' || f.type === 'number') {
          // 1e400 is valid JSON that parses to Infinity
          const raw = JSON.stringify(setPath(base, f.path, 7777777)).replace('7777777', '1e400');
          const res = await send(op, { rawBody: raw });
          res.what += ` [${f.path.join('.')} = 1e400]`;
          expectProblem(res, [400], ['validation-failed']);
        }
      }
      // 100,000 levels of nesting in an otherwise valid body, and NUL in a key
      const deep = JSON.stringify(base).replace(/^\{/, `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`).replace(/,}$/, '}');
      expectProblem(await send(op, { rawBody: deep }), [400], ['validation-failed']);
      const nulKey = JSON.stringify(base).replace(/^\{/, '{"a\\u0000b":1,').replace(/,}$/, '}');
      expectProblem(await send(op, { rawBody: nulKey }), [400], ['validation-failed']);
      // a "__proto__" key inside any object-valued field (maps such as overrides, headers, extraBody included)
      for (const f of fields) {
        if (f.type !== 'object') continue;
        const raw = JSON.stringify(setPath(base, f.path, 'PROTO_PLACEHOLDER')).replace('"PROTO_PLACEHOLDER"', '{"__proto__":{"rounds":1,"admin":true}}');
        const res = await send(op, { rawBody: raw });
        res.what += ` [__proto__ in ${f.path.join('.')}]`;
        expectProblem(res, [400], ['validation-failed']);
      }
      const nested = JSON.stringify(base).replace(/^\{/, '{"overrides":{"role-play":{"__proto__":{"rounds":1}}},').replace(/,}$/, '}');
      expectProblem(await send(op, { rawBody: nested }), [400], ['validation-failed']);
    });
  });

  if (op.query.length > 0) it('hostile query strings → 400 for invalid values, never a 5xx', async () => {
    const base = fillPath(w, op);
    const invalid: string[] = [];
    const odd: string[] = [];
    for (const q of op.query) {
      const s = q.schema;
      const p = encodeURIComponent(q.name);
      if (s.type === 'integer' || s.type === 'number') {
        invalid.push(`${p}=abc`, `${p}=1e309`, `${p}=NaN`, `${p}=Infinity`, `${p}=${'9'.repeat(400)}`, `${p}=-99999999999`);
        if (s.type === 'integer') invalid.push(`${p}=1.5`);
        if (typeof s.minimum === 'number') invalid.push(`${p}=${s.minimum - 1}`);
        if (typeof s.maximum === 'number') invalid.push(`${p}=${s.maximum + 1}`);
        odd.push(`${p}=`, `${p}=0x10`, `${p}=%201`, `${p}=1&${p}=2`);
      } else {
        if (s.enum) invalid.push(`${p}=not-a-valid-value`, `${p}=${encodeURIComponent(s.enum[0] + "' OR 1=1--")}`);
        if (typeof s.maxLength === 'number') invalid.push(`${p}=${'x'.repeat(s.maxLength + 1)}`);
        if (q.name === 'cursor') {
          const b = (v: string) => Buffer.from(v).toString('base64url');
          invalid.push(`${p}=not-a-cursor!!`, `${p}=${b('{}')}`, `${p}=${b('[]')}`, `${p}=${b('"x"')}`, `${p}=${b('{"t":"x","id":1,"after":"1; drop table runs"}')}`, `${p}=${b('{"t":"2026-13-45T99:00:00Z","id":"end_a","after":-1.5e308}')}`, `${p}=%00`);
          invalid.push(`${p}=${b('{"t":"-271821-04-20T00:00:00.000Z","id":"end_a","after":1e300}')}`, `${p}=${b('{"t":"+275760-09-13T00:00:00.000Z","id":"end_a\u0000","after":"1"}')}`);
          invalid.push(`${p}=${b('{"t":"2026-01-01T00:00:00.000Z","id":"x\u0000y","after":null}')}`, `${p}=${'A'.repeat(4000)}`);
        }
        invalid.push(`${p}=a%00b`);
        odd.push(`${p}=${encodeURIComponent("' OR 1=1--")}`, `${p}=${encodeURIComponent('ünïcødé-💥')}`, `${p}=%ED%A0%80`, `${p}=%E0%A4%A`, `${p}=1&${p}=2`, `${p}[]=x`, `${p}[$ne]=x`, `${p}=${'y'.repeat(10_000)}`);
      }
    }
    odd.push('unknownParam=1', `${'k'.repeat(5000)}=v`, '&&&==&', '%=%');
    await expectNoWrites(w.deps, async () => {
      for (const qs of invalid) {
        const res = await w.call(op.method, `${base}?${qs}`, { headers: json(tokenFor(op)) });
        expectRefusal(op, res, [400], ['validation-failed']);
      }
      for (const qs of odd) expectNot5xxFor(op, await w.call(op.method, `${base}?${qs}`, { headers: json(tokenFor(op)) }));
    });
  });

  const headerParams = (DOC.paths[op.path]?.[op.method.toLowerCase()]?.parameters ?? []).filter((p: { in: string }) => p.in === 'header');
  if (op.secured && op.method !== 'GET' && headerParams.length > 0) it('hostile header parameters → 400', async () => {
    await expectNoWrites(w.deps, async () => {
      for (const hp of headerParams) {
        for (const v of ['x'.repeat(300), 'a b', 'é', '', '\t']) {
          const res = await send(op, { headers: json(tokenFor(op), { [hp.name]: v }) });
          res.what += ` [${hp.name}: ${JSON.stringify(v.slice(0, 20))}]`;
          expectProblem(res, [400], ['validation-failed']);
        }
      }
    });
  });
});

describe('methods and unknown paths', () => {
  const paths = [...new Set(OPS.map((o) => o.path))];
  it.each(paths)('%s: undocumented methods → 405 with Allow', async (template) => {
    const documented = new Set(OPS.filter((o) => o.path === template).map((o) => o.method));
    const op = OPS.find((o) => o.path === template)!;
    await expectNoWrites(w.deps, async () => {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        if (documented.has(method)) continue;
        const res = await w.call(method, fillPath(w, op), { headers: json(tokenFor(op)) });
        expectRefusal(op, res, [405], ['method-not-allowed']);
        expect(res.headers.get('allow') ?? '', res.what).toMatch(/GET|POST|PATCH|DELETE/);
      }
    });
  });

  it('unknown paths, odd prefixes and traversal → 404 problem', async () => {
    await expectNoWrites(w.deps, async () => {
      for (const p of ['/v2/runs', '/v1', '/v1/', '/v1/runs/x/y/z', '/v1/endpoints/%00/probe/x', '/..%2F..%2Fetc%2Fpasswd', `/${'a'.repeat(10_000)}`, '/v1/runs%00', '/%ED%A0%80']) {
        const res = await w.call('GET', p, { headers: json(w.a.token) });
        expectProblem(res, [400, 404, 405], ['not-found', 'validation-failed', 'method-not-allowed']);
      }
      // URL parsing resolves encoded dot segments before routing: this is `/`, the public landing page
      const dots = await w.call('GET', '/v1/%2e%2e/%2e%2e/', { headers: json(w.a.token) });
      expect(dots.status).toBe(200);
      expect(dots.text).toContain('<h1>ATP Bench</h1>');
    });
  });
});

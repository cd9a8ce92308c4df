// Shared machinery of the hostile-input suite: the operations of the OpenAPI document (so new routes are covered
// without touching the tests), a tenant A with a finished run, a tenant B, hostile tokens, a recorder of every
// response (for the secret scan) and a fingerprint of every table (to prove that nothing was written).
import { sql } from 'drizzle-orm';
import { SignJWT, UnsecuredJWT } from 'jose';
import { expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config/config.js';
import type { Deps } from '../../src/deps.js';
import type { App } from '../../src/http/env.js';
import { ERROR_CODES, PROBLEM_TYPE_BASE } from '../../src/http/errors.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildOpenApiDocument } from '../../src/routes/system/openapi.js';
import { startWorker } from '../../src/runner/worker.js';
import { deriveKey, keyId } from '../../src/auth/keys.js';
import { buildTestDeps, tokenFor, TEST_SECRET, type TestContext } from '../support/deps.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI document → operations
// ---------------------------------------------------------------------------------------------------------------

export type JsonSchema = Record<string, any>;

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. /v1/runs/{id} */
  path: string;
  /** `GET /v1/runs/{id}` (test names) */
  name: string;
  /** protected by the service's bearer JWT */
  secured: boolean;
  pathParams: string[];
  query: { name: string; schema: JsonSchema; required: boolean }[];
  body: JsonSchema | undefined;
  bodyRequired: boolean;
  /** an HTML page outside the API: a browser is answered with a readable page, problems included */
  page: boolean;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The document as served, built from an app whose database is never touched. */
export function loadOpenApiDoc(): OpenApiDoc {
  const config = parseConfig({ ATP_SECRET: TEST_SECRET });
  const deps = buildDeps({ config, db: {} as never, logger: createLogger({ level: 'silent' }), secret: TEST_SECRET });
  return buildOpenApiDocument(createApp(deps)) as unknown as OpenApiDoc;
}

export function deref(doc: OpenApiDoc, schema: JsonSchema | undefined): JsonSchema | undefined {
  let s = schema;
  for (let i = 0; i < 10 && s?.$ref; i++) s = doc.components?.schemas?.[String(s.$ref).split('/').pop()!];
  return s;
}

export function listOperations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: any[] = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      const security: Record<string, unknown>[] = op.security ?? [];
      const secured = security.length > 0 && security.every((s) => Object.keys(s).includes('bearerAuth'));
      const body = deref(doc, op.requestBody?.content?.['application/json']?.schema);
      out.push({
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        secured,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: deref(doc, p.schema) ?? {}, required: !!p.required })),
        body,
        bodyRequired: !!op.requestBody?.required,
        // the API's own HTML (report.html) still answers problems as problem+json
        page: !path.startsWith('/v1/') && Object.keys(op.responses?.['200']?.content ?? {}).includes('text/html'),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Problem assertions
// ---------------------------------------------------------------------------------------------------------------

export interface Recorded {
  status: number;
  headers: Headers;
  text: string;
  json(): any;
  /** what was asked, for failure messages */
  what: string;
}

const KNOWN_TYPES = new Set(Object.keys(ERROR_CODES).map((c) => PROBLEM_TYPE_BASE + c.replaceAll('_', '-')));

/** A 4xx RFC 9457 problem with a stable, known `type` (and, when given, one of the expected statuses / types). */
export function expectProblem(res: Recorded, statuses?: number[], types?: string[]) {
  const where = `${res.what} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  if (statuses) expect(statuses, where).toContain(res.status);
  expect(res.headers.get('content-type') ?? '', where).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(typeof body, where).toBe('object');
  expect(KNOWN_TYPES.has(body.type), `${where}: unknown problem type ${body.type}`).toBe(true);
  expect(body.status, where).toBe(res.status);
  expect(typeof body.title, where).toBe('string');
  expect(typeof body.detail, where).toBe('string');
  if (types) expect(types.map((t) => PROBLEM_TYPE_BASE + t), where).toContain(body.type);
  return body as { type: string; status: number; detail: string; errors?: { path: string; message: string }[] };
}

/**
 * A refusal of the operation's caller: problem+json for the API; for an HTML page, a page of the same status (a
 * browser must not be shown raw JSON).
 */
export function expectRefusal(op: Operation, res: Recorded, statuses?: number[], types?: string[]) {
  if (!op.page) return void expectProblem(res, statuses, types);
  const where = `${res.what} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  if (statuses) expect(statuses, where).toContain(res.status);
  expect(res.headers.get('content-type') ?? '', where).toMatch(/^text\/html/);
}

export function expectNot5xxFor(op: Operation, res: Recorded) {
  expect(res.status, `${res.what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expectRefusal(op, res);
}

export function expectNot5xx(res: Recorded) {
  expect(res.status, `${res.what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) expectProblem(res);
}

// ---------------------------------------------------------------------------------------------------------------
// Database fingerprint: every table's row count and content hash
// ---------------------------------------------------------------------------------------------------------------

export type Fingerprint = Record<string, { n: number; h: string }>;

export async function fingerprint(deps: Deps): Promise<Fingerprint> {
  const tables = await deps.db.rows<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const out: Fingerprint = {};
  for (const { table_name } of tables) {
    const [row] = await deps.db.rows<{ n: number | string; h: string | null }>(
      sql`select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${sql.identifier(table_name)} t`,
    );
    out[table_name] = { n: Number(row.n), h: row.h ?? '' };
  }
  return out;
}

/** Runs `fn` and asserts that no table changed (rows added, removed or updated). */
export async function expectNoWrites(deps: Deps, fn: () => Promise<void>) {
  const before = await fingerprint(deps);
  await fn();
  const after = await fingerprint(deps);
  const changed = Object.keys({ ...before, ...after }).filter((t) => JSON.stringify(before[t]) !== JSON.stringify(after[t]));
  expect(changed, `tables written: ${changed.map((t) => `${t} (${before[t]?.n} → ${after[t]?.n} rows)`).join(', ')}`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------------
// The world: tenants, tokens, an endpoint with secrets, a finished run
// ---------------------------------------------------------------------------------------------------------------

export const API_KEY = 'sk-atp-sec-test-key-5b1f0e9c7d3a42';
export const WRONG_API_KEY = 'sk-atp-sec-wrong-key-88c2d4e6f1a0b7';
export const HEADER_SECRET = 'hdr-secret-value-2f7a9c1e4b6d8';

export interface World {
  ctx: TestContext;
  deps: Deps;
  app: App;
  doc: OpenApiDoc;
  ops: Operation[];
  fake: FakeOpenAI;
  a: { tenantId: string; token: string; readOnly: string; noScopes: string };
  b: { tenantId: string; token: string };
  admin: { token: string };
  /** tenant A's resources */
  ids: { endpoint: string; badKeyEndpoint: string; run: string; failedRun: string };
  /** every response seen through `call` */
  recorded: Recorded[];
  /** values that must never appear in a response, a log line or a transcript */
  secrets: string[];
  call(method: string, path: string, init?: { headers?: Record<string, string>; body?: string | ReadableStream<Uint8Array> | null; raw?: boolean }): Promise<Recorded>;
  close(): Promise<void>;
}

export async function setupWorld(opts: { env?: Record<string, string> } = {}): Promise<World> {
  const ctx = await buildTestDeps({ env: { ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '0', ...opts.env } });
  const deps = ctx.deps;
  const app = createApp(deps);
  const doc = buildOpenApiDocument(app) as unknown as OpenApiDoc;
  const fake = await startFakeOpenAI({ respond: hashPolicy, requireApiKey: API_KEY });
  const recorded: Recorded[] = [];

  const call: World['call'] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const res = await app.request(path, { method, headers, body: init.body ?? null, ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
    const text = await res.text();
    const r: Recorded = {
      status: res.status,
      headers: res.headers,
      text,
      what: `${method} ${path.length > 200 ? path.slice(0, 200) + '…' : path}`,
      json: () => JSON.parse(text),
    };
    recorded.push(r);
    return r;
  };

  const a = await tokenFor(deps, 'sec-lab-a');
  const b = await tokenFor(deps, 'sec-lab-b');
  const admin = await tokenFor(deps, 'sec-operator', true);
  const readOnly = await deps.tokens.issue({ tenantId: a.tenantId, scopes: ['endpoints:read', 'runs:read'] });
  const noScopes = await deps.tokens.issue({ tenantId: a.tenantId, scopes: [] });
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${a.token}` };

  const created = await call('POST', '/v1/endpoints', {
    headers: auth,
    body: JSON.stringify({ name: 'sec model', baseUrl: fake.url, model: 'fake-model', apiKey: API_KEY, headers: { 'X-Org-Secret': HEADER_SECRET }, maxConcurrency: 16 }),
  });
  expect(created.status, created.text).toBe(201);
  const badKey = await call('POST', '/v1/endpoints', {
    headers: auth,
    body: JSON.stringify({ name: 'sec model (wrong key)', baseUrl: fake.url, model: 'fake-model', apiKey: WRONG_API_KEY, headers: { 'X-Org-Secret': HEADER_SECRET } }),
  });
  expect(badKey.status, badKey.text).toBe(201);
  const endpoint = created.json().id as string;
  const badKeyEndpoint = badKey.json().id as string;

  const worker = startWorker(deps, { tickMs: 100 });
  let run: string;
  let failedRun: string;
  try {
    const r1 = await call('POST', '/v1/runs', { headers: auth, body: JSON.stringify({ endpointId: endpoint, suite: 'atp-quick-v1', seed: 3 }) });
    expect(r1.status, r1.text).toBe(202);
    run = r1.json().id;
    const r2 = await call('POST', '/v1/runs', { headers: auth, body: JSON.stringify({ endpointId: badKeyEndpoint, suite: 'atp-quick-v1' }) });
    expect(r2.status, r2.text).toBe(202);
    failedRun = r2.json().id;
    expect((await waitForRun(deps, run)).status).toBe('succeeded');
    expect((await waitForRun(deps, failedRun)).status).toBe('failed');
  } finally {
    await worker.stop();
  }

  // public reads may initialise state once (e.g. the webhook signing key behind the JWKS): do that before any test
  // asserts that hostile requests write nothing
  const ops = listOperations(doc);
  for (const op of ops) if (op.method === 'GET' && !op.secured && op.pathParams.length === 0) await call('GET', op.path);

  return {
    ctx,
    deps,
    app,
    doc,
    ops,
    fake,
    a: { tenantId: a.tenantId, token: a.token, readOnly, noScopes },
    b,
    admin: { token: admin.token },
    ids: { endpoint, badKeyEndpoint, run, failedRun },
    recorded,
    secrets: [API_KEY, WRONG_API_KEY, HEADER_SECRET, a.token, b.token, admin.token, readOnly, noScopes],
    call,
    async close() {
      await fake.close();
      await ctx.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Paths and bodies
// ---------------------------------------------------------------------------------------------------------------

/**
 * A real id for a path parameter, chosen by the collection that precedes it (`/v1/runs/{id}` → tenant A's run).
 * New collections fall back to a placeholder: the request is then a plain 404, still never a 5xx.
 */
export function realIdFor(world: World, path: string, param: string): string {
  const segments = path.split('/');
  const i = segments.indexOf(`{${param}}`);
  const collection = i > 0 ? segments[i - 1] : '';
  switch (collection) {
    case 'endpoints':
      return world.ids.endpoint;
    case 'runs':
      return world.ids.run;
    case 'testbeds':
      return 'role-play';
    case 'suites':
      return 'atp-quick-v1';
    case 'tenants':
      return world.a.tenantId;
    default:
      return 'placeholder-id';
  }
}

/** The operation's path with real ids, or with `raw` (an already encoded segment) for the parameters it names. */
export function fillPath(world: World, op: Operation, raw?: (param: string) => string | undefined): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => raw?.(name) ?? encodeURIComponent(realIdFor(world, op.path, name)));
}

/** A value for a property by name that refers to tenant A's data (or is otherwise safe to send). */
function knownValue(world: World, key: string): unknown {
  switch (key) {
    case 'endpointId':
      return world.ids.endpoint;
    case 'runId':
      return world.ids.run;
    case 'endpointIds':
      return [world.ids.badKeyEndpoint];
    case 'baseUrl':
      return world.fake.url;
    case 'suite':
      return 'atp-quick-v1';
    default:
      return undefined;
  }
}

/** Fields never sent in example bodies (they would reach out to the network). */
const DROP = new Set(['webhookUrl']);

function exampleOf(doc: OpenApiDoc, schema: JsonSchema | undefined, world: World, depth = 0): unknown {
  const s = deref(doc, schema);
  if (!s || depth > 8) return undefined;
  if (s.example !== undefined && (s.type !== 'object' || !s.properties)) return structuredClone(s.example);
  if (s.enum) return s.enum[0];
  if (s.anyOf || s.oneOf) return exampleOf(doc, (s.anyOf ?? s.oneOf).find((x: JsonSchema) => deref(doc, x)?.type !== 'null'), world, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    const required = new Set<string>(s.required ?? []);
    for (const [k, v] of Object.entries<JsonSchema>(s.properties ?? {})) {
      if (DROP.has(k) || (!required.has(k) && depth > 0)) continue;
      if (!required.has(k) && depth === 0 && knownValue(world, k) === undefined) continue;
      const known = knownValue(world, k);
      out[k] = known !== undefined ? known : exampleOf(doc, v, world, depth + 1);
    }
    return out;
  }
  if (type === 'array') return [];
  if (type === 'string') return typeof s.minLength === 'number' ? 'x'.repeat(Math.max(1, s.minLength)) : 'x';
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  if (type === 'boolean') return false;
  return undefined;
}

/** A plausible valid body for the operation, referring to tenant A's resources. */
export function validBody(world: World, op: Operation): Record<string, unknown> {
  const v = exampleOf(world.doc, op.body, world);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------------------------
// Schema walking (body mutations)
// ---------------------------------------------------------------------------------------------------------------

export interface Field {
  /** property path from the body root */
  path: string[];
  schema: JsonSchema;
  type: string | undefined;
}

function primaryType(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t: string) => t !== 'null');
  if (s.type) return s.type;
  const alt = (s.anyOf ?? s.oneOf ?? []).map((x: JsonSchema) => x.type).filter((t: unknown) => t && t !== 'null');
  return alt[0];
}

/** Every named property reachable from the body schema (not map entries). */
export function bodyFields(doc: OpenApiDoc, schema: JsonSchema | undefined, prefix: string[] = [], depth = 0): Field[] {
  const s = deref(doc, schema);
  if (!s || depth > 6) return [];
  const out: Field[] = [];
  const objectSchema =
    s.properties ? s : (s.anyOf ?? s.oneOf ?? []).map((x: JsonSchema) => deref(doc, x)).find((x: JsonSchema | undefined) => x?.properties);
  for (const [k, v] of Object.entries<JsonSchema>(objectSchema?.properties ?? {})) {
    const d = deref(doc, v) ?? {};
    const alts = (d.anyOf ?? d.oneOf ?? []).map((x: JsonSchema) => deref(doc, x) ?? {});
    const merged = alts.length ? { ...alts.find((x: JsonSchema) => x.type !== 'null'), nullable: alts.some((x: JsonSchema) => x.type === 'null') } : d;
    out.push({ path: [...prefix, k], schema: merged, type: primaryType(merged) });
    out.push(...bodyFields(doc, merged, [...prefix, k], depth + 1));
  }
  return out;
}

export function setPath(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(target);
  let cur: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (!cur[key] || typeof cur[key] !== 'object' || Array.isArray(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
  return copy;
}

export function deletePath(target: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const copy = structuredClone(target);
  let cur: any = copy;
  for (const key of path.slice(0, -1)) cur = cur?.[key];
  if (cur && typeof cur === 'object') delete cur[path[path.length - 1]];
  return copy;
}

/** A value of the wrong JSON type for a field (never accepted by the field's schema). */
export function wrongTypeValue(field: Field): unknown {
  switch (field.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return '12';
    case 'boolean':
      return 'yes';
    case 'array':
      return 'not-an-array';
    case 'object':
      return ['not', 'an', 'object'];
    default:
      return undefined;
  }
}

/** Values outside a numeric field's range (or not integral for integers). */
export function outOfRangeValues(field: Field): unknown[] {
  const s = field.schema;
  if (field.type !== 'integer' && field.type !== 'number') return [];
  const out: unknown[] = [];
  if (typeof s.minimum === 'number') out.push(s.minimum - 1, -1e308);
  if (typeof s.exclusiveMinimum === 'number') out.push(s.exclusiveMinimum);
  if (typeof s.maximum === 'number') out.push(s.maximum + 1, 1e308);
  if (typeof s.exclusiveMaximum === 'number') out.push(s.exclusiveMaximum);
  if (field.type === 'integer') out.push(1.5, 2 ** 53 + 2);
  return out;
}

/**
 * Operations tenant A's full token may not use (403: operator-only). Probed harmlessly: body operations with a
 * malformed body, the others with path ids that do not exist (operations with neither are assumed tenant-scoped).
 */
export async function adminOnlyOperations(world: World, ops: Operation[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const op of ops) {
    if (!op.secured) continue;
    if (!op.body && op.pathParams.length === 0 && op.method !== 'GET') continue;
    const path = fillPath(world, op, () => 'nonexistent-0000');
    const res = await world.call(op.method, path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.a.token}` },
      body: op.body ? '{' : null,
    });
    if (res.status === 403) out.add(op.name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile tokens
// ---------------------------------------------------------------------------------------------------------------

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Tokens that must all be refused with 401 (name → Authorization header value). */
export async function hostileAuthHeaders(world: World): Promise<Record<string, string | undefined>> {
  const { deps, a, b } = world;
  const [h, p, s] = a.token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const otherKey = new TextEncoder().encode('not-the-service-secret-not-the-service-secret');
  const expired = await deps.tokens.issue({ tenantId: a.tenantId, scopes: ['runs:read', 'runs:write', 'endpoints:read', 'endpoints:write'], ttlSeconds: 60, now: new Date(Date.now() - 7 * 86400_000) });
  const realKey = deriveKey(TEST_SECRET, 'jwt');
  const kid = keyId(TEST_SECRET, 'jwt');
  /** correctly signed with the service's key, but with the given claims */
  const signed = (claims: Record<string, unknown>, build: (j: SignJWT) => SignJWT = (j) => j) =>
    build(new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })).sign(realKey);
  const notYet = await signed({ tnt: a.tenantId, scope: 'runs:read' }, (j) => j.setIssuer('atp-bench').setAudience('atp-bench-api').setNotBefore('1d').setExpirationTime('2d'));
  const wrongAudience = await signed({ tnt: a.tenantId, scope: 'runs:read' }, (j) => j.setIssuer('atp-bench').setAudience('someone-else').setExpirationTime('1h'));
  const wrongIssuer = await signed({ tnt: a.tenantId, scope: 'runs:read' }, (j) => j.setIssuer('evil').setAudience('atp-bench-api').setExpirationTime('1h'));
  const noExpiry = await signed({ tnt: a.tenantId, scope: 'runs:read' }, (j) => j.setIssuer('atp-bench').setAudience('atp-bench-api'));
  const noTenant = await signed({ scope: 'runs:read admin' }, (j) => j.setIssuer('atp-bench').setAudience('atp-bench-api').setExpirationTime('1h'));
  const objectTenant = await signed({ tnt: { $ne: null }, scope: 'runs:read' }, (j) => j.setIssuer('atp-bench').setAudience('atp-bench-api').setExpirationTime('1h'));
  const forgedSameKid = await new SignJWT({ ...payload, scope: 'admin' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: header.kid }).sign(otherKey);
  const forgedNoKid = await new SignJWT({ tnt: a.tenantId, scope: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('atp-bench')
    .setAudience('atp-bench-api')
    .setExpirationTime('1h')
    .sign(otherKey);
  const unsigned = new UnsecuredJWT({ tnt: a.tenantId, scope: 'admin' }).setIssuer('atp-bench').setAudience('atp-bench-api').setExpirationTime('1h').encode();
  const noneWithKid = `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${p}.`;
  const tamperedTenant = `${h}.${b64({ ...payload, tnt: b.tenantId })}.${s}`;
  const tamperedScope = `${h}.${b64({ ...payload, scope: 'admin' })}.${s}`;
  const tamperedExp = `${h}.${b64({ ...payload, exp: payload.exp + 86400 })}.${s}`;
  const algHs512 = `${b64({ ...header, alg: 'HS512' })}.${p}.${s}`;
  const flipped = a.token.slice(0, -3) + (a.token.endsWith('AAA') ? 'BBB' : 'AAA');
  return {
    missing: undefined,
    empty: '',
    'bearer without token': 'Bearer ',
    'basic auth': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    'not a JWT': 'Bearer not-a-jwt',
    'two parts': `Bearer ${h}.${p}`,
    'garbage segments': 'Bearer a.b.c',
    'SQL in token': "Bearer ' OR 1=1--",
    'huge token': `Bearer ${'A'.repeat(20_000)}.${'B'.repeat(20_000)}.${'C'.repeat(100)}`,
    'token twice': `Bearer ${a.token} ${a.token}`,
    expired: `Bearer ${expired}`,
    'not yet valid': `Bearer ${notYet}`,
    'wrong issuer': `Bearer ${wrongIssuer}`,
    'no expiry': `Bearer ${noExpiry}`,
    'no tenant claim': `Bearer ${noTenant}`,
    'object tenant claim': `Bearer ${objectTenant}`,
    'forged with the service kid': `Bearer ${forgedSameKid}`,
    'forged without kid': `Bearer ${forgedNoKid}`,
    'alg none': `Bearer ${unsigned}`,
    'alg none with kid': `Bearer ${noneWithKid}`,
    'tampered tenant': `Bearer ${tamperedTenant}`,
    'tampered scope': `Bearer ${tamperedScope}`,
    'tampered expiry': `Bearer ${tamperedExp}`,
    'alg switched to HS512': `Bearer ${algHs512}`,
    'flipped signature': `Bearer ${flipped}`,
    'wrong audience': `Bearer ${wrongAudience}`,
  };
}

/** A correctly signed token naming a tenant that does not exist (e.g. after restoring an older backup). */
export function ghostTenantToken(world: World): Promise<string> {
  return world.deps.tokens.issue({
    tenantId: 'tnt_ghost0000000000000000',
    scopes: ['endpoints:read', 'endpoints:write', 'runs:read', 'runs:write', 'leaderboard:write'],
  });
}

/** Path segments (already URL-encoded, as a client would send them) that must be a 4xx, never a 5xx. */
export const ODD_SEGMENTS: Record<string, string> = {
  sql: encodeURIComponent("' OR 1=1--"),
  'sql union': encodeURIComponent("x' UNION SELECT * FROM tenants--"),
  'sql comment': encodeURIComponent('end_x"; DROP TABLE runs; --'),
  'very long (10k)': 'end_' + 'a'.repeat(10_000),
  'very long run id (10k)': 'run_' + 'a'.repeat(10_000),
  nul: '%00',
  'nul inside': 'end_abc%00def',
  'encoded traversal': '..%2F..%2Fetc%2Fpasswd',
  'double-encoded traversal': '..%252F..%252F',
  'backslash traversal': '..%5C..%5C',
  unicode: encodeURIComponent('ünïcødé-💥-ид'),
  'lone surrogate (invalid UTF-8)': 'end_%ED%A0%80',
  'overlong UTF-8': 'end_%C0%AF',
  'right-to-left override': encodeURIComponent('\u202eend_gnp'),
  'broken percent escape': '%E0%A4%A',
  'bare percent': '%',
  'json-ish': encodeURIComponent('{"$ne":null}'),
  'crlf injection': 'x%0D%0Ax-injected:%201',
  'encoded slash': 'end_a%2Fb',
  space: '%20',
  negative: '-1',
  'huge number': '99999999999999999999999999',
  'other prefix': 'tnt_aaaaaaaaaaaaaaaaaaaaaaaa',
};

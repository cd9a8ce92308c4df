// The endpoint registry: models under test, owned by a tenant. Secrets (API key, extra header values) are stored
// encrypted and never leave this module in a read; probing decrypts them only to call the endpoint.
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { decodeKeysetCursor, encodeKeysetCursor } from '../lib/cursor.js';
import type { Deps } from '../deps.js';
import { endpoints } from '../db/schema.js';
import { ApiError, notFound } from '../http/errors.js';
import { sanitizeMessage } from '../model/openai-client.js';
import type { CallResult, EndpointTarget, SamplingParams } from '../model/types.js';
import type { ModelRequest, ToolDefinition } from '../testbeds/types.js';
import { loadTarget } from '../runner/targets.js';
import { encryptEndpointSecrets } from './endpoint-secrets.js';

// ---------------------------------------------------------------------------------------------------------------
// Validation rules (also used by the route schemas)
// ---------------------------------------------------------------------------------------------------------------

export const ENDPOINT_ID_PREFIX = 'end';
export const ENDPOINT_ID_RE = /^end_[a-z0-9]{1,64}$/;
export const MAX_HEADERS = 20;
export const EXTRA_BODY_MAX_BYTES = 16 * 1024;
/** Request-body fields the service sets itself; `extraBody` may not override them. */
export const FORBIDDEN_EXTRA_BODY_KEYS = [
  'model',
  'messages',
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'stream',
  'stream_options',
  'n',
] as const;

const HOP_BY_HOP = 'hop-by-hop headers are managed by the HTTP client';
/** Lower-cased header names that may not be configured, with the reason. */
export const FORBIDDEN_HEADER_NAMES: Record<string, string> = {
  connection: HOP_BY_HOP,
  'keep-alive': HOP_BY_HOP,
  'proxy-connection': HOP_BY_HOP,
  'proxy-authenticate': HOP_BY_HOP,
  'proxy-authorization': HOP_BY_HOP,
  te: HOP_BY_HOP,
  trailer: HOP_BY_HOP,
  'transfer-encoding': HOP_BY_HOP,
  upgrade: HOP_BY_HOP,
  host: 'the host comes from baseUrl',
  'content-length': 'the length is computed per request',
  authorization: 'use `apiKey` for the bearer credential',
};

/** Why a base URL is malformed (syntax only; the SSRF policy is `deps.checkUrl`), or null. */
export function baseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL, e.g. https://host/v1';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  // a query string is kept and sent with every request (Azure OpenAI's `?api-version=`)
  if (url.hash !== '' || value.includes('#')) return 'must not have a fragment';
  if (/\/chat\/completions\/*$/i.test(url.pathname)) {
    return 'give the OpenAI-compatible base URL (e.g. https://host/v1), without /chat/completions';
  }
  return null;
}

/**
 * The stored form of a base URL: WHATWG-normalised (so the checked host is the called host), no trailing slash on
 * the path; a query string (Azure `api-version`) is kept after it.
 */
export function normaliseBaseUrl(value: string): string {
  const url = new URL(value);
  const search = url.search === '?' ? '' : url.search;
  url.search = '';
  return `${url.href.replace(/\/+$/, '')}${search}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Read shape
// ---------------------------------------------------------------------------------------------------------------

type EndpointRow = typeof endpoints.$inferSelect;

export interface EndpointView {
  id: string;
  name: string;
  baseUrl: string;
  model: string;
  hasApiKey: boolean;
  headerNames: string[];
  params: SamplingParams;
  maxConcurrency: number;
  requestTimeoutMs: number;
  family: string | null;
  variant: string | null;
  createdAt: string;
  updatedAt: string;
}

const PARAM_KEYS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'seed', 'seedField', 'stream', 'extraBody'] as const;

/** The documented sampling parameters only (rows written by other tools may carry more). */
function publicParams(stored: Record<string, unknown> | null): SamplingParams {
  const out: Record<string, unknown> = {};
  for (const k of PARAM_KEYS) if (stored && stored[k] !== undefined && stored[k] !== null) out[k] = stored[k];
  return out as SamplingParams;
}

/** Row → API shape. Whitelists fields: the encrypted columns never leave. */
export function toEndpointView(row: EndpointRow): EndpointView {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.baseUrl,
    model: row.model,
    hasApiKey: row.apiKeyEnc !== null,
    headerNames: [...(row.headerNames ?? [])],
    params: publicParams(row.params),
    maxConcurrency: row.maxConcurrency,
    requestTimeoutMs: row.requestTimeoutMs,
    family: row.family,
    variant: row.variant,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CRUD
// ---------------------------------------------------------------------------------------------------------------

export interface CreateEndpointInput {
  name: string;
  baseUrl: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  params?: SamplingParams;
  maxConcurrency?: number;
  requestTimeoutMs?: number;
  family?: string;
  variant?: string;
}

export interface UpdateEndpointInput {
  name?: string;
  baseUrl?: string;
  model?: string;
  apiKey?: string | null;
  headers?: Record<string, string> | null;
  params?: SamplingParams;
  maxConcurrency?: number;
  requestTimeoutMs?: number;
  family?: string | null;
  variant?: string | null;
}

/** Normalises the URL and applies the SSRF policy: 422 `endpoint_refused` naming the reason. */
async function checkedBaseUrl(deps: Pick<Deps, 'checkUrl'>, value: string): Promise<string> {
  const problem = baseUrlProblem(value);
  if (problem) throw new ApiError('validation_failed', `body.baseUrl: ${problem}`, { errors: [{ path: 'body.baseUrl', message: problem }] });
  const url = normaliseBaseUrl(value);
  const check = await deps.checkUrl(url);
  if (!check.ok) {
    throw new ApiError('endpoint_refused', `endpoint URL refused: ${check.reason}`, {
      errors: [{ path: 'body.baseUrl', message: check.reason }],
    });
  }
  return url;
}

export async function createEndpoint(
  deps: Pick<Deps, 'db' | 'ids' | 'clock' | 'secrets' | 'checkUrl'>,
  tenantId: string,
  input: CreateEndpointInput,
): Promise<EndpointView> {
  const baseUrl = await checkedBaseUrl(deps, input.baseUrl);
  const id = deps.ids.next(ENDPOINT_ID_PREFIX);
  const secrets = await encryptEndpointSecrets(deps, id, { apiKey: input.apiKey ?? null, headers: input.headers ?? null });
  const now = deps.clock.now();
  const [row] = await deps.db.db
    .insert(endpoints)
    .values({
      id,
      tenantId,
      name: input.name,
      baseUrl,
      model: input.model,
      apiKeyEnc: secrets.apiKeyEnc,
      headersEnc: secrets.headersEnc,
      headerNames: secrets.headersEnc ? secrets.headerNames : [],
      params: (input.params ?? {}) as Record<string, unknown>,
      maxConcurrency: input.maxConcurrency ?? 8,
      requestTimeoutMs: input.requestTimeoutMs ?? 120_000,
      family: input.family ?? null,
      variant: input.variant ?? null,
      operator: false,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return toEndpointView(row);
}

/** The tenant's live endpoint row, or 404 (also for malformed ids, deleted rows and other tenants' rows). */
export async function findEndpointRow(deps: Pick<Deps, 'db'>, tenantId: string, id: string): Promise<EndpointRow> {
  if (!ENDPOINT_ID_RE.test(id)) throw notFound('endpoint');
  const [row] = await deps.db.db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.id, id), eq(endpoints.tenantId, tenantId), isNull(endpoints.deletedAt)))
    .limit(1);
  if (!row) throw notFound('endpoint');
  return row;
}

export async function getEndpoint(deps: Pick<Deps, 'db'>, tenantId: string, id: string): Promise<EndpointView> {
  return toEndpointView(await findEndpointRow(deps, tenantId, id));
}

// Cursor: {t: createdAt ISO, id} of the last item of the page (keyset pagination, newest first).
export const encodeCursor = encodeKeysetCursor;
export const decodeCursor = (cursor: string) => decodeKeysetCursor(cursor, ENDPOINT_ID_RE);

export async function listEndpoints(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  opts: { limit?: number; cursor?: string },
): Promise<{ items: EndpointView[]; nextCursor: string | null }> {
  const limit = opts.limit ?? 20;
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : null;
  const rows = await deps.db.db
    .select()
    .from(endpoints)
    .where(
      and(
        eq(endpoints.tenantId, tenantId),
        isNull(endpoints.deletedAt),
        after
          ? or(lt(endpoints.createdAt, after.createdAt), and(eq(endpoints.createdAt, after.createdAt), lt(endpoints.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(endpoints.createdAt), desc(endpoints.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    items: page.map(toEndpointView),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
  };
}

export async function updateEndpoint(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets' | 'checkUrl'>,
  tenantId: string,
  id: string,
  input: UpdateEndpointInput,
): Promise<EndpointView> {
  const current = await findEndpointRow(deps, tenantId, id);
  const set: Partial<typeof endpoints.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.baseUrl !== undefined) set.baseUrl = await checkedBaseUrl(deps, input.baseUrl);
  if (input.model !== undefined) set.model = input.model;
  if (input.apiKey !== undefined) {
    set.apiKeyEnc = (await encryptEndpointSecrets(deps, current.id, { apiKey: input.apiKey })).apiKeyEnc;
  }
  if (input.headers !== undefined) {
    const enc = await encryptEndpointSecrets(deps, current.id, { headers: input.headers });
    set.headersEnc = enc.headersEnc;
    set.headerNames = enc.headersEnc ? enc.headerNames : [];
  }
  if (input.params !== undefined) set.params = input.params as Record<string, unknown>;
  if (input.maxConcurrency !== undefined) set.maxConcurrency = input.maxConcurrency;
  if (input.requestTimeoutMs !== undefined) set.requestTimeoutMs = input.requestTimeoutMs;
  if (input.family !== undefined) set.family = input.family;
  if (input.variant !== undefined) set.variant = input.variant;
  if (Object.keys(set).length === 0) return toEndpointView(current);
  set.updatedAt = deps.clock.now();
  const [row] = await deps.db.db
    .update(endpoints)
    .set(set)
    .where(and(eq(endpoints.id, current.id), eq(endpoints.tenantId, tenantId), isNull(endpoints.deletedAt)))
    .returning();
  if (!row) throw notFound('endpoint'); // deleted concurrently
  return toEndpointView(row);
}

/** Soft delete: the row stays for the runs and reports that reference it; the API no longer shows it. */
export async function deleteEndpoint(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, id: string): Promise<void> {
  if (!ENDPOINT_ID_RE.test(id)) throw notFound('endpoint');
  const now = deps.clock.now();
  const rows = await deps.db.db
    .update(endpoints)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(endpoints.id, id), eq(endpoints.tenantId, tenantId), isNull(endpoints.deletedAt)))
    .returning({ id: endpoints.id });
  if (rows.length === 0) throw notFound('endpoint');
}

// ---------------------------------------------------------------------------------------------------------------
// Probe
// ---------------------------------------------------------------------------------------------------------------

/** Upper bound for each probe call (retries included); the endpoint's own requestTimeoutMs applies when lower. */
export const PROBE_CALL_DEADLINE_MS = 30_000;
export const PROBE_MAX_TOKENS = 32;

const PROBE_REQUEST: ModelRequest = {
  messages: [{ role: 'user', content: 'This is a connectivity check. Reply with {"choice": "ok"}' }],
};

const ECHO_TOOL: ToolDefinition = {
  type: 'function',
  function: {
    name: 'echo',
    description: 'Returns its input text unchanged.',
    parameters: { type: 'object', properties: { text: { type: 'string', description: 'Text to echo.' } }, required: ['text'] },
  },
};

const TOOLS_REQUEST: ModelRequest = {
  messages: [{ role: 'user', content: 'This is a connectivity check. Call the echo tool with the text "ok".' }],
  tools: [ECHO_TOOL],
};

export interface ProbeResult {
  ok: true;
  latencyMs: number;
  model: string | null;
  toolsSupported: boolean | null;
  reasoning: boolean;
  finishReason: string | null;
}

type CallFailure = Extract<CallResult, { ok: false }>;

/** A human explanation of a failed probe call (already free of the API key; redacted again by the caller). */
export function describeProbeFailure(r: CallFailure, deadlineMs: number): string {
  const m = r.message;
  const status = r.status;
  if (r.kind === 'cancelled' || (status === null && /timed out/i.test(m))) {
    return `the endpoint did not answer within ${deadlineMs} ms (timeout)${r.kind === 'cancelled' ? '' : `: ${m}`}`;
  }
  if (r.kind === 'rescheduled') {
    return `the endpoint is rate limiting (HTTP ${status ?? 429}) and asked to retry after ${Math.ceil((r.retryAfterMs ?? 0) / 1000)} s: ${m}`;
  }
  if (status === 401 || status === 403) return `the endpoint rejected the credentials (HTTP ${status}); check apiKey and headers: ${m}`;
  if (status === 404) {
    return `the endpoint answered HTTP 404; check that baseUrl is the OpenAI-compatible base (e.g. https://host/v1) and that the model exists: ${m}`;
  }
  if (/endpoint refused/i.test(m)) return `the endpoint address is refused by the service's network policy: ${m}`;
  if (/unparsable response body|response has no choices/i.test(m)) {
    return `the endpoint did not answer with an OpenAI chat completion (is baseUrl the OpenAI-compatible base?): ${m}`;
  }
  if (status === null && /connection failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH/i.test(m)) {
    return `the endpoint is unreachable: ${m}`;
  }
  if (status !== null) return `the endpoint answered HTTP ${status}: ${m}`;
  return `the endpoint call failed: ${m}`;
}

function redactor(target: EndpointTarget): (s: string) => string {
  const secrets = [target.apiKey, ...Object.values(target.headers)].filter((s): s is string => typeof s === 'string' && s.length >= 6);
  return (s) => {
    let out = sanitizeMessage(s, target.apiKey);
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
}

/**
 * One tiny chat completion (reachability, latency, model echo, reasoning), then one with a trivial tool to learn
 * whether `tools` are accepted. A failing first call is a 422 `endpoint_error` with `endpointStatus`.
 */
export async function probeEndpoint(
  deps: Pick<Deps, 'db' | 'secrets' | 'logger' | 'modelClient' | 'checkUrl'>,
  tenantId: string,
  id: string,
  opts: { signal?: AbortSignal; logger?: Deps['logger'] } = {},
): Promise<ProbeResult> {
  const row = await findEndpointRow(deps, tenantId, id);
  const logger = opts.logger ?? deps.logger;
  // The policy may have changed since registration (e.g. private endpoints no longer allowed).
  const check = await deps.checkUrl(row.baseUrl);
  if (!check.ok) throw new ApiError('endpoint_refused', `endpoint URL refused: ${check.reason}`);

  const { target } = await loadTarget(deps, row.id);
  const deadlineMs = Math.min(target.requestTimeoutMs, PROBE_CALL_DEADLINE_MS);
  const maxTokens = Math.min(target.params.max_tokens ?? PROBE_MAX_TOKENS, PROBE_MAX_TOKENS);
  const probeTarget: EndpointTarget = { ...target, params: { ...target.params, max_tokens: maxTokens }, requestTimeoutMs: deadlineMs };
  const redact = redactor(target);
  const call = (request: ModelRequest) => {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    // one attempt: a probe reports what the endpoint does now, quickly, instead of retrying for seconds
    return deps.modelClient.complete(probeTarget, request, { signal, maxAttempts: 2 });
  };

  const first = await call(PROBE_REQUEST);
  if (!first.ok) {
    const detail = redact(describeProbeFailure(first, deadlineMs));
    logger.info('endpoint probe failed', { endpointId: row.id, kind: first.kind, endpointStatus: first.status, attempts: first.attempts, detail });
    throw new ApiError('endpoint_error', detail, { endpointStatus: first.status });
  }

  let toolsSupported: boolean | null;
  let reasoning = first.response.reasoning !== null && first.response.reasoning !== '';
  const second = await call(TOOLS_REQUEST);
  if (second.ok) {
    toolsSupported = true;
    reasoning ||= second.response.reasoning !== null && second.response.reasoning !== '';
  } else if (second.kind === 'tools-unsupported' || (second.kind === 'permanent' && (second.status === 400 || second.status === 422))) {
    // the same request without tools just succeeded: a 400/422 now is the endpoint refusing `tools`
    toolsSupported = false;
  } else {
    toolsSupported = null;
  }

  const result: ProbeResult = {
    ok: true,
    latencyMs: first.latencyMs,
    model: first.model === null ? null : redact(first.model).slice(0, 200),
    toolsSupported,
    reasoning,
    finishReason: first.response.finishReason === null ? null : redact(first.response.finishReason).slice(0, 64),
  };
  logger.info('endpoint probe', {
    endpointId: row.id,
    latencyMs: result.latencyMs,
    toolsSupported,
    ...(second.ok ? {} : { toolsProbe: { kind: second.kind, endpointStatus: second.status } }),
  });
  return result;
}

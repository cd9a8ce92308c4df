// The endpoint registry: models under test, owned by a tenant. Secrets (API key, extra header values) are stored
// encrypted and never leave this module in a read.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { newestFirst } from '../../db/keyset.js';
import type { Deps } from '../../deps.js';
import { endpoints, runs, runSubjects } from '../../db/schema.js';
import { invalidInput, notFound, ServiceError } from '../../lib/errors.js';
import { ACTIVE_RUN_STATUSES } from '../../lib/run-status.js';
import type { SamplingParams } from '../../model/types.js';
import { encryptEndpointSecrets } from './secrets.js';
import { baseUrlProblem, ENDPOINT_ID_PREFIX, ENDPOINT_ID_RE, normaliseBaseUrl } from './rules.js';

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

// every field of SamplingParams, checked by the compiler: a new parameter that is stored and applied but missing
// here would be hidden from every endpoint view, and a read-then-PATCH round trip would silently drop it
const PARAM_FIELDS: Record<keyof SamplingParams, true> = {
  temperature: true,
  top_p: true,
  max_tokens: true,
  max_completion_tokens: true,
  seed: true,
  seedField: true,
  stream: true,
  streamUsage: true,
  alternateRoles: true,
  extraBody: true,
};
const PARAM_KEYS = Object.keys(PARAM_FIELDS) as (keyof SamplingParams)[];

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
  if (problem) throw invalidInput([{ field: 'baseUrl', message: problem }]);
  const url = normaliseBaseUrl(value);
  const check = await deps.checkUrl(url);
  if (!check.ok) {
    throw new ServiceError('endpoint_refused', `endpoint URL refused: ${check.reason}`, { fields: [{ field: 'baseUrl', message: check.reason }] });
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

export async function listEndpoints(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  opts: { limit?: number; cursor?: string },
): Promise<{ items: EndpointView[]; nextCursor: string | null }> {
  const keys = newestFirst<EndpointRow>(endpoints, { limit: opts.limit ?? 20, cursor: opts.cursor }, ENDPOINT_ID_RE);
  const rows = await deps.db.db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.tenantId, tenantId), isNull(endpoints.deletedAt), keys.after))
    .orderBy(...keys.orderBy)
    .limit(keys.fetch);
  const page = keys.page(rows);
  return { items: page.rows.map(toEndpointView), nextCursor: page.nextCursor };
}

/**
 * What the model is — its URL, name and sampling parameters — may not change while a run that calls the endpoint is
 * queued or running: the run would measure two models as one. Keys, headers, concurrency and timeouts may (a key
 * rotation must not wait for a run).
 */
async function refuseMidRunChange(deps: Pick<Deps, 'db'>, current: EndpointRow, input: UpdateEndpointInput): Promise<void> {
  const changes = [
    input.baseUrl !== undefined && input.baseUrl !== current.baseUrl ? 'baseUrl' : null,
    input.model !== undefined && input.model !== current.model ? 'model' : null,
    input.params !== undefined && JSON.stringify(input.params) !== JSON.stringify(current.params) ? 'params' : null,
  ].filter((f): f is string => f !== null);
  if (changes.length === 0) return;
  const active = await deps.db.db
    .selectDistinct({ id: runs.id })
    .from(runSubjects)
    .innerJoin(runs, eq(runs.id, runSubjects.runId))
    .where(and(eq(runSubjects.endpointId, current.id), inArray(runs.status, [...ACTIVE_RUN_STATUSES])))
    .limit(5);
  if (active.length === 0) return;
  throw new ServiceError(
    'endpoint_in_use',
    `${changes.join(', ')} cannot change while a run calls this endpoint (${active.map((r) => r.id).join(', ')}${active.length === 5 ? ', …' : ''}): ` +
      'the run would measure two models as one. Wait for it to finish, cancel it, or register the new model as another endpoint.',
    { fields: changes.map((field) => ({ field, message: 'cannot change while a run calls this endpoint' })), runIds: active.map((r) => r.id) },
  );
}

export async function updateEndpoint(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets' | 'checkUrl'>,
  tenantId: string,
  id: string,
  input: UpdateEndpointInput,
): Promise<EndpointView> {
  const current = await findEndpointRow(deps, tenantId, id);
  await refuseMidRunChange(deps, current, input);
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


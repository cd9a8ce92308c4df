// Webhook delivery: one attempt per `webhook` job. The body is signed with the service's Ed25519 key; a non-2xx
// answer (or a network error) schedules the next attempt as a new job with `run_at` in the future, with
// exponential backoff, until `maxAttempts` is reached.
//
// Signature: `ATP-Signature` carries a JWS in compact serialization with a DETACHED payload (RFC 7515 Appendix F),
// i.e. `<protected header>..<signature>`. The payload is the exact request body bytes (base64url-encoded for
// signing, as usual). To verify, put the base64url of the received body between the two dots and verify the
// result as a compact JWS with a key from `/.well-known/jwks.json` (matched by the `kid` header), e.g. with jose:
//   const [h, , s] = req.headers['atp-signature'].split('.');
//   await compactVerify(`${h}.${base64url.encode(rawBody)}.${s}`, createRemoteJWKSet(jwksUrl));
import { and, eq, sql } from 'drizzle-orm';
import { CompactSign } from 'jose';
import type { Deps } from '../deps.js';
import { jobs, webhookDeliveries } from '../db/schema.js';
import { EndpointRefusedError } from '../net/guarded-fetch.js';
import type { ClaimedJob } from '../domain/jobs.js';
import { getSigningKey } from './signing-keys.js';

export const SIGNATURE_HEADER = 'ATP-Signature';
export const EVENT_HEADER = 'ATP-Event';
export const DELIVERY_HEADER = 'ATP-Delivery';
export const ATTEMPT_HEADER = 'ATP-Attempt';
/** `typ` of the signature's protected header */
export const SIGNATURE_TYP = 'atp-webhook+jws';

export interface WebhookDeliveryOptions {
  /** attempts before a delivery is `failed` (default 8) */
  maxAttempts?: number;
  /** delay before attempt n+1 after attempt n failed (default 1 s · 2^(n−1), capped at 10 min) */
  backoffMs?: (attempt: number) => number;
  /** per-attempt deadline, headers and body (default 10 s) */
  timeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_TIMEOUT_MS = 10_000;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10 * 60_000;

export function defaultBackoffMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
}

export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

const encoder = new TextEncoder();

/** Detached compact JWS (`header..signature`) over the exact body bytes. */
export async function signWebhookBody(deps: Pick<Deps, 'db' | 'secrets' | 'clock'>, body: string | Uint8Array): Promise<string> {
  const key = await getSigningKey(deps);
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const jws = await new CompactSign(bytes).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SIGNATURE_TYP }).sign(key.privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

/** Up to `max` bytes of a response body as text (for `lastError`); the rest is not read. */
async function bodySnippet(res: Response, max = 200): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    /* a broken body only loses the snippet */
  } finally {
    reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, max).toString('utf8');
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: string } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const msg = String(e?.message ?? err).slice(0, 300);
  return e?.code && !msg.includes(e.code) ? `${e.code}: ${msg}` : msg;
}

/**
 * Makes attempt `attempts + 1` of a pending delivery and records its outcome. A compare-and-set on `attempts`
 * makes a duplicate job (or two workers after a lease expiry) a no-op instead of a second POST.
 */
export async function attemptDelivery(
  deps: Pick<Deps, 'db' | 'secrets' | 'clock' | 'fetch' | 'logger'>,
  deliveryId: string,
  opts: WebhookDeliveryOptions & { expectedAttempt?: number } = {},
): Promise<AttemptOutcome> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = opts.backoffMs ?? defaultBackoffMs;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const db = deps.db.db;

  const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
  if (!delivery || delivery.status !== 'pending') return 'skipped';
  if (opts.expectedAttempt !== undefined) {
    // the job for attempt n runs when n−1 attempts are recorded; or again when attempt n was started but never
    // recorded (its worker died mid-request: `nextAttemptAt` is still cleared). Anything else is a stale job.
    const due = delivery.attempts + 1 === opts.expectedAttempt;
    const interrupted = delivery.attempts === opts.expectedAttempt && delivery.nextAttemptAt === null;
    if (!due && !interrupted) return 'skipped';
  }
  const attempt = delivery.attempts + 1;
  const claimed = await db
    .update(webhookDeliveries)
    .set({ attempts: attempt, nextAttemptAt: null })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, delivery.attempts)))
    .returning({ id: webhookDeliveries.id });
  if (claimed.length === 0) return 'skipped';

  const body = JSON.stringify(delivery.event);
  const eventType = String(delivery.event.type ?? 'run');
  let statusCode: number | null = null;
  let error: string | null = null;
  let permanent = false;
  try {
    const signature = await signWebhookBody(deps, body);
    const res = await deps.fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'atp-bench-webhooks/1',
        [SIGNATURE_HEADER]: signature,
        [EVENT_HEADER]: eventType,
        [DELIVERY_HEADER]: delivery.id,
        [ATTEMPT_HEADER]: String(attempt),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    statusCode = res.status;
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => {});
    } else {
      const snippet = await bodySnippet(res);
      error = `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
    }
  } catch (err) {
    error = describeError(err, timeoutMs);
    // the network policy refuses this destination: asking again cannot help
    permanent = err instanceof EndpointRefusedError;
  }

  const mine = and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.attempts, attempt), eq(webhookDeliveries.status, 'pending'));
  if (error === null) {
    await db
      .update(webhookDeliveries)
      .set({ status: 'delivered', lastStatusCode: statusCode, lastError: null, deliveredAt: deps.clock.now(), nextAttemptAt: null })
      .where(mine);
    deps.logger.info('webhook delivered', { deliveryId, runId: delivery.runId, attempt, status: statusCode });
    return 'delivered';
  }
  if (permanent || attempt >= maxAttempts) {
    await db.update(webhookDeliveries).set({ status: 'failed', lastStatusCode: statusCode, lastError: error, nextAttemptAt: null }).where(mine);
    deps.logger.warn('webhook delivery failed for good', { deliveryId, runId: delivery.runId, attempt, error });
    return 'failed';
  }
  const delaySecs = Math.max(0, backoff(attempt)) / 1000;
  const runAt = sql`now() + make_interval(secs => ${delaySecs})`;
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(webhookDeliveries)
      .set({ lastStatusCode: statusCode, lastError: error, nextAttemptAt: runAt })
      .where(mine)
      .returning({ id: webhookDeliveries.id });
    if (updated.length === 0) return;
    await tx.insert(jobs).values({
      kind: 'webhook',
      runId: delivery.runId,
      status: 'queued',
      runAt,
      payload: { deliveryId, attempt: attempt + 1 },
    });
  });
  deps.logger.info('webhook attempt failed; retrying', { deliveryId, runId: delivery.runId, attempt, error, retryInMs: delaySecs * 1000 });
  return 'retry';
}

/**
 * Worker entry point for a `webhook` job (payload `{deliveryId, attempt}`): one attempt. Delivery problems are
 * recorded on the delivery, never thrown; only database errors escape (the worker then retries the job).
 */
export async function processWebhookJob(
  deps: Pick<Deps, 'db' | 'secrets' | 'clock' | 'fetch' | 'logger'>,
  job: Pick<ClaimedJob, 'id'>,
  opts: WebhookDeliveryOptions = {},
): Promise<AttemptOutcome> {
  const [row] = await deps.db.db.select({ payload: jobs.payload }).from(jobs).where(eq(jobs.id, job.id));
  const deliveryId = row?.payload?.deliveryId;
  if (typeof deliveryId !== 'string') {
    deps.logger.warn('webhook job without a delivery id', { jobId: job.id });
    return 'skipped';
  }
  const expected = row.payload.attempt;
  return attemptDelivery(deps, deliveryId, { ...opts, expectedAttempt: typeof expected === 'number' ? expected : undefined });
}

// ModelClient over the `openai` SDK (spec §7). The SDK builds requests; the retry policy is ours, because the SDK's
// own one waits for any Retry-After without a cap and ignores the AbortSignal while waiting (STACK_NOTES).
import { abortableSleep } from '../lib/sleep.js';
import { createHash } from 'node:crypto';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ModelRequest, ModelResponse, ToolCall } from '../testbeds/types.js';
import { createGuardedFetch, EndpointRefusedError } from '../net/guarded-fetch.js';
import type { LookupFn } from '../net/ssrf.js';
import type { CallErrorKind, CallOptions, CallResult, EndpointTarget, ModelClient, Usage } from './types.js';

export interface OpenAIModelClientOptions {
  /** host resolver used by the connection-time SSRF check (tests inject one) */
  lookup?: LookupFn;
  /** allow loopback/private endpoints (ATP_ALLOW_PRIVATE_ENDPOINTS=1: local development and tests) */
  allowPrivate: boolean;
  /** HTTP attempts per call, first one included */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** a longer Retry-After is not waited for in-process: the call comes back `rescheduled` */
  maxRetryAfterMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** replaces the guarded fetch (and with it the connection-time SSRF check): tests only */
  fetch?: typeof fetch;
}

export type OpenAIModelClient = ModelClient & {
  /** drops cached SDK clients and closes keep-alive sockets */
  close(): void;
};

const MAX_MESSAGE = 500;
const TRANSIENT_STATUS = new Set([408, 409, 425, 429]);
const TOOLS_MESSAGE = /\btools?\b|tool[_ ]?choice|function[ _-]?call/i;
// Per-request hook smuggled to our fetch wrapper through the SDK's `fetchOptions` (which it spreads into init).
const CAPTURE = '__atpCaptureErrorBody';

/** One attempt's failure; only `transient` ones are retried. */
type Failure = { ok: false; kind: CallErrorKind; status: number | null; message: string; retryAfterMs?: number };
const fail = (kind: CallErrorKind, status: number | null, message: string, retryAfterMs?: number): Failure => ({
  ok: false,
  kind,
  status,
  message,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});
type Success = { ok: true; response: ModelResponse; usage: Usage; model: string | null };

export { abortableSleep };

/** Removes the API key (and anything that looks like a credential) from text shown to users, and caps it. */
export function sanitizeMessage(text: string, apiKey: string | null): string {
  let s = text;
  if (apiKey) {
    s = s.split(apiKey).join('[redacted]');
    // providers often echo a masked form ("sk-abc...wxyz"): drop long prefixes of the key too
    if (apiKey.length >= 16) s = s.split(apiKey.slice(0, Math.ceil(apiKey.length / 2))).join('[redacted]');
  }
  s = s
    .replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}

/** Retry-After in ms: `retry-after-ms`, then `Retry-After` as seconds or an HTTP date. */
export function parseRetryAfter(headers: Headers | undefined | null, now = Date.now()): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = headers?.get('retry-after')?.trim();
  if (!ra) return null;
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.round(Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The human part of an error body: OpenAI `{error:{message}}`, `{message}`, FastAPI `{detail}`, or raw text. */
function errorText(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const j = JSON.parse(raw);
    const m = j?.error?.message ?? (typeof j?.error === 'string' ? j.error : undefined) ?? j?.message ?? j?.detail;
    if (m !== undefined && m !== null) return typeof m === 'string' ? m : JSON.stringify(m);
  } catch {
    /* not JSON */
  }
  return raw;
}

function hasCause(err: unknown, pred: (e: unknown) => boolean): unknown {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) if (pred(e)) return e;
  return null;
}

function normaliseToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((c) => c && typeof c === 'object' && c.function && typeof c.function.name === 'string')
    .map((c, i) => ({
      id: typeof c.id === 'string' && c.id ? c.id : `call_${i}`,
      type: 'function' as const,
      function: {
        name: c.function.name,
        // some servers send arguments as an object instead of a JSON string
        arguments:
          typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments ?? {}),
      },
    }));
}

/** Parses a 200 body; broken or choice-less bodies are transient (servers under load send them). */
function parseCompletion(text: string): Success | Failure {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch {
    return fail('transient', 200, 'unparsable response body');
  }
  const choice = Array.isArray(j?.choices) ? j.choices[0] : undefined;
  const msg = choice?.message;
  if (!msg || typeof msg !== 'object') {
    const why = errorText(j?.error ? JSON.stringify(j) : null);
    return fail('transient', 200, `response has no choices${why ? `: ${why}` : ''}`);
  }
  // reasoning_content (DeepSeek, vLLM) / reasoning (OpenRouter, Ollama) are not in the SDK types: read defensively.
  const reasoning =
    typeof msg.reasoning_content === 'string' ? msg.reasoning_content
    : typeof msg.reasoning === 'string' ? msg.reasoning
    : null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    ok: true,
    response: {
      content: typeof msg.content === 'string' ? msg.content : null,
      reasoning,
      toolCalls: normaliseToolCalls(msg.tool_calls),
      finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    },
    usage: {
      promptTokens: num(j.usage?.prompt_tokens),
      completionTokens: num(j.usage?.completion_tokens),
      reasoningTokens: num(j.usage?.completion_tokens_details?.reasoning_tokens),
    },
    model: typeof j.model === 'string' ? j.model : null,
  };
}

function buildBody(target: EndpointTarget, request: ModelRequest, seed: number | undefined): Record<string, unknown> {
  const p = target.params;
  const body: Record<string, unknown> = { ...(p.extraBody ?? {}) };
  // we read one JSON body: a streamed answer would be unparsable
  delete body.stream;
  delete body.stream_options;
  body.model = target.model;
  body.messages = request.messages;
  if (request.tools?.length) body.tools = request.tools;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.top_p !== undefined) body.top_p = p.top_p;
  if (p.max_tokens !== undefined) body.max_tokens = p.max_tokens;
  const s = seed ?? p.seed;
  if (s !== undefined) body.seed = s;
  return body;
}

export function createOpenAIModelClient(opts: OpenAIModelClientOptions): OpenAIModelClient {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 20_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  const sleep = opts.sleep ?? abortableSleep;
  const random = opts.random ?? Math.random;
  const guarded = opts.fetch ? null : createGuardedFetch({ allowPrivate: opts.allowPrivate, lookup: opts.lookup });
  const baseFetch = opts.fetch ?? guarded!;

  // Error bodies are read here, before the SDK flattens them (it drops `{detail}`/`{message}` bodies).
  const sdkFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await baseFetch(url, init);
    const hook = (init as Record<string, unknown> | undefined)?.[CAPTURE] as ((t: string) => void) | undefined;
    if (res.ok || !hook) return res;
    const text = await res.text().catch(() => '');
    hook(text);
    const nullBody = res.status === 204 || res.status === 205 || res.status === 304;
    const { status, statusText, headers } = res;
    return new Response(nullBody ? null : text, { status, statusText, headers });
  };

  // One SDK client per endpoint; the key is the endpoint id, the hash notices edited config without keeping the
  // API key in a map key.
  const clients = new Map<string, { hash: string; client: OpenAI }>();
  const clientFor = (t: EndpointTarget): OpenAI => {
    const headers = Object.entries(t.headers).sort(([a], [b]) => a.localeCompare(b));
    const hash = createHash('sha256').update(JSON.stringify([t.baseUrl, t.apiKey, headers])).digest('hex');
    const hit = clients.get(t.id);
    if (hit && hit.hash === hash) return hit.client;
    const defaultHeaders: Record<string, string | null> = {};
    for (const [k, v] of headers) if (!(t.apiKey && k.toLowerCase() === 'authorization')) defaultHeaders[k] = v;
    // without an API key the SDK would still send `Bearer <placeholder>`: null removes the header
    if (!t.apiKey && !headers.some(([k]) => k.toLowerCase() === 'authorization')) defaultHeaders.Authorization = null;
    const client = new OpenAI({
      apiKey: t.apiKey ?? 'no-key',
      baseURL: t.baseUrl,
      // explicit nulls: never pick up OPENAI_* variables of the host and send them to a lab's endpoint
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      logLevel: 'off',
      maxRetries: 0,
      fetch: sdkFetch,
      defaultHeaders,
    });
    clients.set(t.id, { hash, client });
    return client;
  };

  const classify = (err: unknown, t: EndpointTarget, hadTools: boolean, body: string | null): Failure => {
    const clean = (m: string) => sanitizeMessage(m, t.apiKey);
    if (err instanceof APIConnectionTimeoutError) {
      return fail('transient', null, `request timed out after ${t.requestTimeoutMs} ms`);
    }
    if (err instanceof APIConnectionError) {
      const refused = hasCause(err, (e) => e instanceof EndpointRefusedError) as Error | null;
      if (refused) return fail('permanent', null, clean(`endpoint refused: ${refused.message}`));
      const cause = hasCause(err.cause, (e) => e instanceof Error) as (Error & { code?: string }) | null;
      const detail = cause ? `${cause.code ? `${cause.code} ` : ''}${cause.message}` : err.message;
      return fail('transient', null, clean(`connection failed: ${detail}`));
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const status = err.status;
      const text = clean(`HTTP ${status}: ${errorText(body) ?? err.message}`);
      if (status >= 300 && status < 400) {
        return fail('permanent', status, `endpoint redirected (HTTP ${status}); redirects are not followed`);
      }
      if (TRANSIENT_STATUS.has(status) || status >= 500) {
        return fail('transient', status, text, parseRetryAfter(err.headers) ?? undefined);
      }
      if ((status === 400 || status === 422) && hadTools && TOOLS_MESSAGE.test(text)) {
        return fail('tools-unsupported', status, text);
      }
      return fail('permanent', status, text);
    }
    // Anything else comes from building the request (bad base URL, invalid option): retrying cannot fix it.
    return fail('permanent', null, clean(`request failed: ${(err as Error)?.message ?? String(err)}`));
  };

  const attempt = async (
    t: EndpointTarget,
    body: Record<string, unknown>,
    hadTools: boolean,
    signal?: AbortSignal,
  ): Promise<Success | Failure> => {
    const timeoutMs = Math.max(1, Math.ceil(t.requestTimeoutMs));
    // Our own deadline covers headers AND body: the SDK's timeout stops once headers arrive.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    let errorBody: string | null = null;
    const fetchOptions = {
      [CAPTURE]: (text: string) => (errorBody = text),
      // our guarded fetch never follows redirects; an injected fetch must be told
      ...(opts.fetch ? { redirect: 'manual' } : {}),
    };
    const interrupted = (): Failure | null => {
      if (signal?.aborted) return fail('cancelled', null, 'cancelled');
      if (deadline.signal.aborted) return fail('transient', null, `request timed out after ${t.requestTimeoutMs} ms`);
      return null;
    };
    try {
      let res: Response;
      try {
        res = await clientFor(t)
          .chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
            signal: combined,
            timeout: timeoutMs,
            maxRetries: 0,
            fetchOptions: fetchOptions as { redirect?: 'manual' },
          })
          .asResponse();
      } catch (err) {
        return interrupted() ?? classify(err, t, hadTools, errorBody);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        // the connection dropped (or the size cap hit) in the middle of a 200 body
        const cause = ((err as Error)?.cause ?? err) as Error;
        const message = sanitizeMessage(`response body failed: ${cause?.message ?? String(cause)}`, t.apiKey);
        return interrupted() ?? fail('transient', res.status, message);
      }
      return parseCompletion(text);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async complete(target: EndpointTarget, request: ModelRequest, options: CallOptions = {}): Promise<CallResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const { signal } = options;
      const body = buildBody(target, request, options.seed);
      const hadTools = Boolean(request.tools?.length);
      let attempts = 0;
      const budget = Math.max(1, Math.min(maxAttempts, options.maxAttempts ?? maxAttempts));
      let last: Failure | null = null;
      const done = (f: Failure): CallResult => ({ ...f, attempts, latencyMs: elapsed() });
      const cancelled = () => done(fail('cancelled', null, 'cancelled'));

      while (attempts < budget) {
        if (signal?.aborted) return cancelled();
        attempts++;
        const r = await attempt(target, body, hadTools, signal);
        if (r.ok) return { ...r, attempts, latencyMs: elapsed() };
        if (r.kind === 'cancelled') return cancelled();
        if (r.kind !== 'transient') return done(fail(r.kind, r.status, r.message));
        last = r;
        if (attempts >= budget) break;
        let wait: number;
        if (r.retryAfterMs !== undefined) {
          // waiting that long here would hold a worker slot: the runner re-queues the call instead
          if (r.retryAfterMs > maxRetryAfterMs) return done(fail('rescheduled', r.status, r.message, r.retryAfterMs));
          wait = r.retryAfterMs;
        } else {
          // exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(n-1)))
          wait = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1)));
        }
        try {
          await sleep(wait, signal);
        } catch {
          /* an injected sleep may reject on abort: checked below */
        }
        if (signal?.aborted) return cancelled();
      }
      return done(fail('transient', last?.status ?? null, `gave up after ${attempts} attempts: ${last?.message}`));
    },
    close() {
      clients.clear();
      guarded?.close();
    },
  };
}

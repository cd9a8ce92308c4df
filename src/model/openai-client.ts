// ModelClient over the `openai` SDK (spec §7). The SDK builds requests; the retry policy is ours, because the SDK's
// own one waits for any Retry-After without a cap and ignores the AbortSignal while waiting (STACK_NOTES).
import { nestsDeeperThan } from '../lib/json-depth.js';
import { abortableSleep } from '../lib/sleep.js';
import { createHash } from 'node:crypto';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ModelRequest, ModelResponse } from '../testbeds/types.js';
import { createGuardedFetch, EndpointRefusedError, LARGE_BODY_HOOK, ResponseTooLargeError } from '../net/guarded-fetch.js';
import { createByteBudget, type ByteBudget } from './byte-budget.js';
import { capResponse } from './answer-cap.js';
import { parseCompletionJson, parseCompletionStream, type ParsedCompletion } from './completion.js';
import { isBillingError, summariseErrorBody, type ErrorSummary } from './error-body.js';
import { botChallengeOf, looksLikeHtml } from './html-page.js';
import { okBodyErrorMessage, statusOfErrorObject } from './ok-body-error.js';
import { buildRequestBody } from './request-body.js';
import type { LookupFn } from '../net/ssrf.js';
import { redactAnswer, redactAnswerText, redactEndpointText, type EndpointSecrets } from './redact.js';
import type { CallErrorKind, CallOptions, CallResult, EndpointTarget, FailureShape, ModelClient, Usage } from './types.js';

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
  /** a larger response body fails the call (permanent); default 4 MB */
  maxResponseBytes?: number;
  /** bytes of large response bodies all calls through this client may hold at once; default 64 MB */
  responseMemory?: ByteBudget | number;
  /** UTF-8 bytes kept of an answer's text and of its reasoning; default 256 KB */
  maxAnswerBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_RESPONSE_MEMORY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_ANSWER_BYTES = 256 * 1024;

export type OpenAIModelClient = ModelClient & {
  /** drops cached SDK clients and closes keep-alive sockets */
  close(): void;
};

const MAX_MESSAGE = 500;
// 498: Groq's "Flex Tier Capacity Exceeded", documented as try again later
const TRANSIENT_STATUS = new Set([408, 409, 425, 429, 498]);
const TOOLS_MESSAGE = /\btools?\b|tool[_ ]?choice|function[ _-]?call/i;
// A 5xx mentioning tools is only taken as "tools unsupported" when it names a configuration gap (llama.cpp without
// --jinja, vLLM without --enable-auto-tool-choice): other 5xx during tool use stay transient.
const TOOLS_CONFIG_MESSAGE =
  /--jinja|--enable-auto-tool-choice|--tool-call-parser|does not support tools|tools? (?:are|is) not supported|not support(?:ed)? (?:for )?tools|tool calling is not (?:supported|enabled)/i;
const SSE_NOT_ASKED =
  'the endpoint answered with a stream (text/event-stream) to a request without `stream`; set params.stream to true for servers and proxies that only stream';
// Per-request hook smuggled to our fetch wrapper through the SDK's `fetchOptions` (which it spreads into init).
const CAPTURE = '__atpCaptureErrorBody';

/** One attempt's failure; only `transient` ones are retried. */
type Failure = { ok: false; kind: CallErrorKind; status: number | null; message: string; retryAfterMs?: number; shape?: FailureShape };
const fail = (kind: CallErrorKind, status: number | null, message: string, retryAfterMs?: number, shape?: FailureShape): Failure => ({
  ok: false,
  kind,
  status,
  message,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  ...(shape ? { shape } : {}),
});
const shaped = (f: Failure, shape: FailureShape): Failure => ({ ...f, shape });
type Success = { ok: true; response: ModelResponse; usage: Usage; model: string | null; truncatedBytes?: number };

export { abortableSleep };

/**
 * Text shown to users from a failed call: the endpoint's secrets removed (redactEndpointText), control characters
 * flattened, capped. `secrets` is the endpoint (key and headers), or just an API key.
 */
export function sanitizeMessage(text: string, secrets: EndpointSecrets | string | null): string {
  const t = typeof secrets === 'string' ? { apiKey: secrets, headers: {} } : secrets;
  const s = redactEndpointText(text, t).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
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

/**
 * When a rate limit without Retry-After resets, from the headers gateways send instead: `x-ratelimit-reset`
 * (OpenRouter: epoch milliseconds; others epoch seconds, or seconds to wait) and OpenAI/Groq's
 * `x-ratelimit-reset-requests` / `-tokens` durations ("1s", "6m0s", "2.5s", "60ms"); the later of those given.
 */
export function rateLimitResetMs(headers: Headers | undefined | null, now = Date.now()): number | null {
  const waits: number[] = [];
  const reset = headers?.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    waits.push(resetWaitMs(n, now));
  }
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const w = durationMs(headers?.get(name));
    if (w !== null) waits.push(w);
    // per-window limits (Cerebras: `x-ratelimit-reset-tokens-day: 33011.2`, in seconds): the window whose budget is
    // spent (its remaining count 0, or none said) is the one that blocks, however long until it resets
    for (const window of ['minute', 'hour', 'day']) {
      const reset = durationMs(headers?.get(`${name}-${window}`));
      const remaining = headers?.get(`${name.replace('reset', 'remaining')}-${window}`)?.trim();
      if (reset !== null && (remaining === undefined || remaining === '0')) waits.push(reset);
    }
  }
  const valid = waits.filter((w) => Number.isFinite(w));
  return valid.length > 0 ? Math.max(0, Math.round(Math.max(...valid))) : null;
}

/** `1.5s`, `6m0s`, `2h`, `120ms`, or plain seconds (`33011.2`) as milliseconds; null when absent or not one. */
function durationMs(value: string | null | undefined): number | null {
  const d = value?.trim();
  if (!d) return null;
  if (/^\d+(?:\.\d+)?$/.test(d)) return Number(d) * 1000;
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(d);
  return m ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 + Number(m[4] ?? 0) : null;
}

/**
 * The wait a 429's body names when its headers do not: Gemini's `RetryInfo` (`"retryDelay": "37s"`), or the reset
 * OpenRouter copies into `error.metadata.headers` (`"X-RateLimit-Reset": "1733000000000"`, epoch milliseconds).
 */
export function bodyRetryMs(raw: string | null | undefined, now = Date.now()): number | null {
  if (!raw) return null;
  const head = raw.slice(0, 16_384);
  const delay = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(head);
  if (delay) return Math.round(Number(delay[1]) * 1000);
  const reset = /"x-ratelimit-reset"\s*:\s*"?(\d{10,13})"?/i.exec(head);
  if (!reset) return null;
  return Math.max(0, Math.round(resetWaitMs(Number(reset[1]), now)));
}

/** A rate limit's reset as a number: epoch milliseconds, epoch seconds, or seconds from now (by its size). */
const resetWaitMs = (n: number, now: number): number => (n > 1e12 ? n - now : n > 1e9 ? n * 1000 - now : n * 1000);

/** A quota of zero (Gemini's "limit: 0" for a model the plan does not cover): no wait clears it. */
const ZERO_QUOTA = /\blimit: 0\b|"quotaValue"\s*:\s*"0"/;
/** A daily quota spent: without a reset time, nothing a run can wait out. */
const DAILY_QUOTA = /\bper[ -]day\b|\bdaily (?:limit|quota)\b|\b(?:RPD|TPD)\b/i;

function hasCause(err: unknown, pred: (e: unknown) => boolean): unknown {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) if (pred(e)) return e;
  return null;
}

/** Splits `https://h/openai/deployments/d?api-version=x` into the SDK's base URL and its default query. */
export function splitBaseUrl(baseUrl: string): { baseURL: string; query: Record<string, string> | undefined } {
  const q = baseUrl.indexOf('?');
  if (q < 0) return { baseURL: baseUrl, query: undefined };
  return { baseURL: baseUrl.slice(0, q).replace(/\/+$/, ''), query: Object.fromEntries(new URLSearchParams(baseUrl.slice(q + 1))) };
}

const CONTENT_FILTER_CODES = /^(content_filter|content_policy_violation|content_filtered|moderation|flagged|responsibleaipolicyviolation|safety)$/i;
const CONTENT_FILTER_TEXT = /\b(?:content (?:management )?polic(?:y|ies)|content[_ ]filter(?:ed|ing)?|(?:input|prompt|request|message) (?:was |is )?flagged|flagged by (?:the )?moderation|moderation (?:flagged|blocked))\b/i;

/** A refusal by the provider's content filter or moderation (not the model's, not the request's form). */
function isContentFiltered(summary: ErrorSummary | null): boolean {
  if (!summary) return false;
  return summary.codes.some((c) => CONTENT_FILTER_CODES.test(c)) || CONTENT_FILTER_TEXT.test(summary.text);
}

/** Error codes of a tool call the model itself got wrong (the server could not parse it), not of missing support. */
const MODEL_TOOL_CALL_FAILED = /^(tool_use_failed|tool_call_parse_error|invalid_tool_call)$/i;

/**
 * The failure an error status stands for. `status` decides the kind; `reported` is the HTTP status the endpoint
 * answered (they differ for a 200 whose body names an error); `text` is the message shown.
 */
function failureForStatus(
  status: number,
  summary: ErrorSummary | null,
  text: string,
  headers: Headers | undefined,
  hadTools: boolean,
  reported = status,
  raw: string | null = null,
): Failure {
  // the model wrote a malformed tool call and the server refused to pass it on (Groq's `tool_use_failed`): the
  // model's doing on this one call, which a new sample may not repeat — never a sign that tools are unsupported
  if (hadTools && summary?.codes.some((c) => MODEL_TOOL_CALL_FAILED.test(c))) return fail('transient', reported, text);
  if (hadTools && (status >= 500 ? TOOLS_CONFIG_MESSAGE : TOOLS_MESSAGE).test(text)) {
    return fail('tools-unsupported', reported, text);
  }
  if ((status === 400 || status === 403 || status === 422) && isContentFiltered(summary)) return fail('content-filtered', reported, text);
  // a billing/quota 429 does not clear by waiting
  if (status === 429 && isBillingError(summary)) return fail('permanent', reported, text);
  if (status === 429 && ZERO_QUOTA.test(`${text}\n${raw?.slice(0, 16_384) ?? ''}`)) return fail('permanent', reported, text);
  if (TRANSIENT_STATUS.has(status) || status >= 500) {
    const wait = parseRetryAfter(headers) ?? (status === 429 ? (rateLimitResetMs(headers) ?? bodyRetryMs(raw)) : null);
    // a daily quota that names no reset: retrying through the day is no measurement
    if (status === 429 && wait === null && DAILY_QUOTA.test(text)) return fail('permanent', reported, text);
    return fail('transient', reported, text, wait ?? undefined);
  }
  return fail('permanent', reported, text);
}

/**
 * 200 answers: an error object in the body is classified by the status it stands for (none named: transient, as a
 * busy server's "overloaded" is); a broken or choice-less body is transient (servers under load send them) unless
 * the parser classed it (a body nested too deep: permanent; an answer the content filter withheld: content-filtered).
 */
function fromParsed(p: ParsedCompletion, headers: Headers, hadTools: boolean): Success | Failure {
  if (p.ok) return p;
  if (!p.error) return fail(p.kind ?? 'transient', 200, p.message);
  const status = statusOfErrorObject(p.error);
  const text = okBodyErrorMessage(p.error, status);
  const f = status === null ? fail('transient', 200, text) : failureForStatus(status, p.error, text, headers, hadTools, 200);
  return shaped(f, { kind: 'error-in-ok-body', standsFor: status });
}

export function createOpenAIModelClient(opts: OpenAIModelClientOptions): OpenAIModelClient {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 20_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  const sleep = opts.sleep ?? abortableSleep;
  const random = opts.random ?? Math.random;
  const maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxAnswerBytes = opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const memory =
    typeof opts.responseMemory === 'object' ? opts.responseMemory : createByteBudget(opts.responseMemory ?? DEFAULT_RESPONSE_MEMORY_BYTES);
  // an error status with a huge body (a gateway's 502 page) is still that status, classified as such
  const tooLarge = (status: number | null = null) =>
    status !== null && status >= 400
      ? failureForStatus(status, null, `HTTP ${status}: an error body larger than this service's limit of ${maxResponseBytes} bytes; it was not read`, undefined, false)
      : fail('permanent', 200, `the response is larger than this service's limit of ${maxResponseBytes} bytes; it was not read`);
  const guarded = opts.fetch
    ? null
    : createGuardedFetch({ allowPrivate: opts.allowPrivate, lookup: opts.lookup, maxBodyBytes: maxResponseBytes });
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
    // the SDK parses the body again for its own message: one nested too deep to parse is kept from it (the
    // failure's text comes from `text`, through summariseErrorBody, which shows such a body as an excerpt)
    return new Response(nullBody ? null : nestsDeeperThan(text) ? '' : text, { status, statusText, headers });
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
    const { baseURL, query } = splitBaseUrl(t.baseUrl);
    const client = new OpenAI({
      apiKey: t.apiKey ?? 'no-key',
      baseURL,
      // Azure's `?api-version=` travels as a default query on every request
      ...(query ? { defaultQuery: query } : {}),
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
    const clean = (m: string) => sanitizeMessage(m, t);
    if (err instanceof APIConnectionTimeoutError) {
      return fail('transient', null, `request timed out after ${t.requestTimeoutMs} ms`);
    }
    if (err instanceof APIConnectionError) {
      const large = hasCause(err, (e) => e instanceof ResponseTooLargeError) as ResponseTooLargeError | null;
      if (large) return tooLarge(large.status);
      const refused = hasCause(err, (e) => e instanceof EndpointRefusedError) as Error | null;
      if (refused) return fail('permanent', null, clean(`endpoint refused: ${refused.message}`));
      const cause = hasCause(err.cause, (e) => e instanceof Error) as (Error & { code?: string }) | null;
      const detail = cause ? `${cause.code ? `${cause.code} ` : ''}${cause.message}` : err.message;
      return fail('transient', null, clean(`connection failed: ${detail}`));
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const status = err.status;
      if (status >= 300 && status < 400) {
        return fail('permanent', status, `endpoint redirected (HTTP ${status}); redirects are not followed`);
      }
      // raw text is redacted before excerpts are cut from it (an HTML page, a megabyte of gateway text)
      const summary = summariseErrorBody(body, (s) => redactEndpointText(s, t));
      const text = clean(`HTTP ${status}: ${summary?.text ?? err.message}`);
      // a browser check in front of the API: neither a refused key (403) nor a busy server (503), and no retry passes it
      const challenge = botChallengeOf(err.headers, body);
      if (challenge) {
        const message = clean(`HTTP ${status}: a bot-protection challenge (${challenge}) blocked the request; the endpoint sent ${summary?.text ?? 'no API answer'}`);
        return fail('permanent', status, message, undefined, { kind: 'bot-challenge', vendor: challenge });
      }
      return failureForStatus(status, summary, text, err.headers, hadTools, status, body);
    }
    // Anything else comes from building the request (bad base URL, invalid option): retrying cannot fix it.
    return fail('permanent', null, clean(`request failed: ${(err as Error)?.message ?? String(err)}`));
  };

  /** A 2xx answer's body, read: the completion (secrets masked, capped), or why it is not one. */
  const readBody = (t: EndpointTarget, res: Response, text: string, streaming: boolean, hadTools: boolean): Success | Failure => {
    const eventStream = /text\/event-stream/i.test(res.headers.get('content-type') ?? '') || /^\s*data:/.test(text);
    if (eventStream && !streaming) return fail('permanent', res.status, SSE_NOT_ASKED);
    // a web page answered with 200: a proxy's passing error page (retried, like any broken body) or a sign-in page
    // or web UI at baseUrl (the probe's fix says so). Told by its title, never its markup.
    if (/^\s*</.test(text) && looksLikeHtml(text)) {
      const page = summariseErrorBody(text, (x) => redactEndpointText(x, t))?.text ?? 'an HTML page instead of an API answer';
      return fail('transient', res.status, sanitizeMessage(`HTTP ${res.status}: ${page}`, t), undefined, { kind: 'web-page' });
    }
    // a streaming request may still be answered with one JSON body (servers that ignore `stream`)
    const parsed = fromParsed(eventStream ? parseCompletionStream(text) : parseCompletionJson(text), res.headers, hadTools);
    if (!parsed.ok) return parsed;
    // the served model's name is the endpoint's text too (a proxy may echo the request into it): masked here, so
    // stored calls, the probe and reports only ever see the masked one
    const model = parsed.model === null ? null : redactAnswerText(parsed.model, t);
    return capResponse({ ...parsed, model, response: redactAnswer(parsed.response, t) }, maxAnswerBytes);
  };

  const attempt = async (
    t: EndpointTarget,
    body: Record<string, unknown>,
    hadTools: boolean,
    signal?: AbortSignal,
  ): Promise<Success | Failure> => {
    const streaming = body.stream === true;
    const timeoutMs = Math.max(1, Math.ceil(t.requestTimeoutMs));
    // Our own deadline covers headers AND body: the SDK's timeout stops once headers arrive.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    let errorBody: string | null = null;
    // a large body waits for room in the process-wide memory budget, and holds it until it is parsed and capped
    let releaseMemory: (() => void) | null = null;
    const fetchOptions = {
      [CAPTURE]: (text: string) => (errorBody = text),
      [LARGE_BODY_HOOK]: async () => {
        releaseMemory = await memory.acquire(maxResponseBytes, combined);
      },
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
        const message = sanitizeMessage(`response body failed: ${cause?.message ?? String(cause)}`, t);
        return interrupted() ?? fail('transient', res.status, message);
      }
      // an injected fetch does not enforce the cap while reading: the same answer, after the fact
      if (opts.fetch && Buffer.byteLength(text) > maxResponseBytes) return tooLarge();
      try {
        return readBody(t, res, text, streaming, hadTools);
      } catch (err) {
        // No answer may throw out of complete() (a caller would take it for the service's own failure: the probe
        // answered 500, a run failed as an internal error and its episodes were run again). A shape that the reading
        // above did not foresee fails this call instead, named as the endpoint's unreadable answer; permanent, as the
        // same endpoint would answer the same way again. The error's name and first line only, never its stack.
        const e = err instanceof Error ? err : new Error(String(err));
        const why = `${e.name}: ${e.message.split('\n')[0]}`.slice(0, 200);
        return fail('permanent', res.status, sanitizeMessage(`the endpoint's answer (HTTP ${res.status}) could not be read: ${why}`, t));
      }
    } finally {
      clearTimeout(timer);
      (releaseMemory as (() => void) | null)?.();
    }
  };

  return {
    async complete(target: EndpointTarget, request: ModelRequest, options: CallOptions = {}): Promise<CallResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const { signal } = options;
      const body = buildRequestBody(target, request, options.seed);
      const hadTools = Boolean(request.tools?.length);
      let attempts = 0;
      const budget = Math.max(1, Math.min(maxAttempts, options.maxAttempts ?? maxAttempts));
      let last: Failure | null = null;
      // every failure leaves through here: whatever the endpoint wrote (a 200 body's error object, a retried
      // error's text) is free of its secrets before anything stores, logs or shows it
      const done = (f: Failure): CallResult => ({ ...f, message: sanitizeMessage(f.message, target), attempts, latencyMs: elapsed() });
      const cancelled = () => done(fail('cancelled', null, 'cancelled'));

      while (attempts < budget) {
        if (signal?.aborted) return cancelled();
        attempts++;
        const r = await attempt(target, body, hadTools, signal);
        if (r.ok) return { ...r, attempts, latencyMs: elapsed() };
        if (r.kind === 'cancelled') return cancelled();
        if (r.kind !== 'transient') return done(fail(r.kind, r.status, r.message, undefined, r.shape));
        last = r;
        if (attempts >= budget) break;
        let wait: number;
        if (r.retryAfterMs !== undefined) {
          // waiting that long here would hold a worker slot: the runner re-queues the call instead
          if (r.retryAfterMs > maxRetryAfterMs) return done(fail('rescheduled', r.status, r.message, r.retryAfterMs, r.shape));
          wait = r.retryAfterMs;
          // the caller may say why the call stands still (the run view's pausedUntil); its note never fails the call
          if (wait > 0) {
            try {
              options.onPause?.(wait);
            } catch {
              /* ignored */
            }
          }
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
      // the last pause asked for travels with the failure: a pre-flight waits out a rate limit instead of failing
      return done(fail('transient', last?.status ?? null, `gave up after ${attempts} attempts: ${last?.message}`, last?.retryAfterMs, last?.shape));
    },
    close() {
      clients.clear();
      guarded?.close();
    },
  };
}

// Rate limits that name their reset in a window's headers or in the body, and quotas no wait clears: each against a
// real local server speaking the providers' shapes (Cerebras' per-window headers, Gemini's RetryInfo and "limit: 0",
// OpenRouter's reset copied into the error body).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyRetryMs, createOpenAIModelClient, rateLimitResetMs } from '../../src/model/openai-client.js';
import type { EndpointTarget } from '../../src/model/types.js';
import { createLogger } from '../../src/lib/logger.js';
import { dryRunEndpoint } from '../../src/services/endpoints/probe.js';

type Shape = { status: number; body: unknown; headers?: Record<string, string> };
const HOUR = 3_600_000;
const now = Date.now();
const SHAPES: Record<string, Shape> = {
  'cerebras-day': {
    status: 429,
    body: { message: 'Tokens per day limit exceeded - too many tokens processed.', type: 'too_many_requests_error', param: 'quota', code: 'token_quota_exceeded' },
    headers: { 'x-ratelimit-reset-tokens-day': '33011.2', 'x-ratelimit-remaining-tokens-day': '0', 'x-ratelimit-reset-tokens-minute': '11.5', 'x-ratelimit-remaining-tokens-minute': '52000' },
  },
  'cerebras-minute': {
    status: 429,
    body: { message: 'Tokens per minute limit exceeded - too many tokens processed.', type: 'too_many_requests_error', param: 'quota', code: 'token_quota_exceeded' },
    headers: { 'x-ratelimit-reset-tokens-day': '33011.2', 'x-ratelimit-remaining-tokens-day': '880000', 'x-ratelimit-reset-tokens-minute': '11.5', 'x-ratelimit-remaining-tokens-minute': '0' },
  },
  'gemini-retry-info': {
    status: 429,
    body: [{ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }] } }],
  },
  'gemini-zero-quota': {
    status: 429,
    body: [
      {
        error: {
          code: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-2.5-pro',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' }],
        },
      },
    ],
  },
  'openrouter-reset-in-body': {
    status: 429,
    body: { error: { message: 'Rate limit exceeded: free-models-per-day.', code: 429, metadata: { headers: { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(now + 10 * HOUR) } } } },
  },
  'daily-without-reset': { status: 429, body: { error: { message: 'Rate limit exceeded: free-models-per-day.', code: 429 } } },
  'hf-loading': { status: 503, body: { error: 'Model is currently loading', estimated_time: 45.2 } },
  'minute-without-reset': { status: 429, body: { error: { message: 'Rate limit exceeded: requests per minute.', code: 429 } } },
};

let server: Server;
let origin = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const shape = SHAPES[(req.url ?? '').split('/')[1]];
    res.writeHead(shape.status, { 'content-type': 'application/json', ...shape.headers });
    res.end(JSON.stringify(shape.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const waits: number[] = [];
const client = createOpenAIModelClient({
  allowPrivate: true,
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 2,
  sleep: async (ms: number) => {
    waits.push(ms);
  },
});
afterAll(() => client.close());

const target = (shape: string): EndpointTarget => ({ id: shape, baseUrl: `${origin}/${shape}/v1`, model: 'm', apiKey: 'sk-test', headers: {}, params: {}, requestTimeoutMs: 5_000 });
const call = async (shape: string) => {
  waits.length = 0;
  const r = await client.complete(target(shape), { messages: [{ role: 'user', content: 'hi' }] });
  if (r.ok) throw new Error('expected a failure');
  return r;
};

describe('rate limits and quotas', () => {
  it("a spent daily window (Cerebras' per-window headers) asks for its reset, hours away: rescheduled, not retried every few seconds", async () => {
    const r = await call('cerebras-day');
    expect(r.kind).toBe('rescheduled');
    expect(r.retryAfterMs).toBe(33_011_200);
    expect(r.attempts).toBe(1);
  });

  it('a spent minute window waits for that window, not the day whose budget is left', async () => {
    const r = await call('cerebras-minute');
    expect(r.kind).toBe('transient');
    expect(waits).toEqual([11_500, 11_500]);
  });

  it("Gemini's RetryInfo in the body is the wait", async () => {
    const r = await call('gemini-retry-info');
    expect(r.kind).toBe('rescheduled');
    expect(r.retryAfterMs).toBe(37_000);
  });

  it('a quota of zero (Gemini "limit: 0") is permanent: no wait clears it', async () => {
    const r = await call('gemini-zero-quota');
    expect(r.kind).toBe('permanent');
    expect(r.attempts).toBe(1);
  });

  it("OpenRouter's reset copied into the error body is the wait", async () => {
    const r = await call('openrouter-reset-in-body');
    expect(r.kind).toBe('rescheduled');
    expect(r.retryAfterMs).toBeGreaterThan(9 * HOUR);
    expect(r.retryAfterMs).toBeLessThanOrEqual(10 * HOUR);
  });

  it('a daily quota that names no reset is permanent; a per-minute one is retried', async () => {
    expect((await call('daily-without-reset')).kind).toBe('permanent');
    const minute = await call('minute-without-reset');
    expect(minute.kind).toBe('transient');
    expect(minute.attempts).toBe(3);
  });
});

describe('a model still loading', () => {
  it("Hugging Face's 503 'Model is currently loading': the probe says so and asks for a pause, which a run's pre-flight waits out", async () => {
    const r = await dryRunEndpoint({ modelClient: client, logger: createLogger({ level: 'silent' }) }, target('hf-loading'));
    if (r.ok) throw new Error('expected the probe to fail');
    expect(r.fix).toMatch(/still loading/);
    expect(r.retryAfterMs).toBe(20_000);
  });
});

describe('reading reset hints', () => {
  it('window headers count only when their budget is spent (or none is said)', () => {
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset-requests-day': '60', 'x-ratelimit-remaining-requests-day': '3' }))).toBeNull();
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset-requests-day': '60' }))).toBe(60_000);
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset-tokens-hour': '1m30s', 'x-ratelimit-remaining-tokens-hour': '0' }))).toBe(90_000);
  });
  it('body hints: RetryInfo seconds, a reset in epoch milliseconds or seconds, nothing otherwise', () => {
    expect(bodyRetryMs('{"retryDelay": "2.5s"}')).toBe(2_500);
    expect(bodyRetryMs(`{"X-RateLimit-Reset": "${now + 60_000}"}`, now)).toBe(60_000);
    expect(bodyRetryMs(`{"x-ratelimit-reset": ${Math.floor(now / 1000) + 60}}`, Math.floor(now / 1000) * 1000)).toBe(60_000);
    expect(bodyRetryMs('{"error": "busy"}')).toBeNull();
    expect(bodyRetryMs(null)).toBeNull();
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIModelClient, parseRetryAfter, rateLimitResetMs, sanitizeMessage, type OpenAIModelClientOptions } from '../../src/model/openai-client.js';
import type { CallResult, EndpointTarget } from '../../src/model/types.js';
import type { ModelRequest, ToolDefinition } from '../../src/testbeds/types.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from '../support/openai-server.js';
import { failure, success } from '../support/call-results.js';

const KEY = 'sk-test-0123456789abcdefSECRET';
const REQUEST: ModelRequest = {
  messages: [
    { role: 'system', content: 'You are an agent.' },
    { role: 'user', content: 'Pick one. Answer as {"choice": "A"} or {"choice": "B"}.' },
  ],
};
const CALC: ToolDefinition = {
  type: 'function',
  function: { name: 'calculator', description: 'exact arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } },
};

let server: FakeOpenAI;
let clients: Array<{ close(): void }> = [];
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
  server.requests.length = 0;
  server.setRespond(() => ({}));
});

const target = (over: Partial<EndpointTarget> = {}): EndpointTarget => ({
  id: 'ep-1',
  baseUrl: server.url,
  model: 'lab-model',
  apiKey: KEY,
  headers: {},
  params: {},
  requestTimeoutMs: 2000,
  ...over,
});

/** A client whose retry waits are recorded instead of slept. */
function recordingClient(over: Partial<OpenAIModelClientOptions> = {}) {
  const waits: number[] = [];
  const client = createOpenAIModelClient({
    allowPrivate: true,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...over,
  });
  clients.push(client);
  return { client, waits };
}

/** Replies from a script, one per call; the last one repeats. */
function script(...replies: FakeReply[]) {
  server.setRespond((_body, { callIndex }) => replies[Math.min(callIndex - firstIndex, replies.length - 1)]);
  const firstIndex = server.stats.total;
}


describe('success', () => {
  it('captures content, reasoning_content, usage with reasoning tokens, model, attempts and latency', async () => {
    script({
      content: '{"choice": "B"}',
      reasoning_content: 'B is safer.',
      usage: { prompt_tokens: 31, completion_tokens: 17, completion_tokens_details: { reasoning_tokens: 9 } },
      model: 'lab-model-2025-01',
    });
    const { client } = recordingClient();
    const r = success(await client.complete(target(), REQUEST));
    expect(r.response).toEqual({ content: '{"choice": "B"}', reasoning: 'B is safer.', toolCalls: [], finishReason: 'stop' });
    expect(r.usage).toEqual({ promptTokens: 31, completionTokens: 17, reasoningTokens: 9 });
    expect(r.model).toBe('lab-model-2025-01');
    expect(r.attempts).toBe(1);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reads `reasoning` too, and the default fake answer picks the first option', async () => {
    server.setRespond(() => ({ raw: JSON.stringify({ model: 'x', choices: [{ message: { content: 'ok', reasoning: 'r' }, finish_reason: 'length' }] }) }));
    const { client } = recordingClient();
    const r = success(await client.complete(target(), REQUEST));
    expect(r.response.reasoning).toBe('r');
    expect(r.response.finishReason).toBe('length');
    expect(r.usage).toEqual({ promptTokens: 0, completionTokens: 0, reasoningTokens: 0 });

    server.setRespond(() => ({}));
    expect(success(await client.complete(target(), REQUEST)).response.content).toBe('{"choice": "A"}');
  });

  it('captures tool calls', async () => {
    script({
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2+2"}' } }],
    });
    const { client } = recordingClient();
    const r = success(await client.complete(target(), { ...REQUEST, tools: [CALC] }));
    expect(r.response.content).toBeNull();
    expect(r.response.finishReason).toBe('tool_calls');
    expect(r.response.toolCalls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2+2"}' } }]);
  });
});

describe('secrets echoed into an answer', () => {
  it("masks the endpoint's API key and header values in content, reasoning and tool calls, leaving the rest as written", async () => {
    const secret = 'hdr-echo-value-93ac1f';
    server.setRespond((_body, { headers }) => ({
      content: `You sent ${headers.authorization} and X-Org: ${headers['x-org']}. {"choice": "B"}`,
      reasoning_content: `key ${KEY} / escaped ${JSON.stringify(secret)}`,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: JSON.stringify({ expression: `1+1 ${secret}` }) } }],
    }));
    const { client } = recordingClient();
    const r = success(await client.complete(target({ headers: { 'X-Org': secret } }), { ...REQUEST, tools: [CALC] }));
    const all = JSON.stringify(r.response);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(KEY.slice(0, Math.ceil(KEY.length / 2)));
    expect(all).not.toContain(secret);
    expect(r.response.content).toBe('You sent Bearer [redacted] and X-Org: [redacted]. {"choice": "B"}');

    // a refusal field that quotes the request is masked the same way
    server.setRespond((_body, { headers }) => ({ content: null, refusal: `I will not use ${headers['x-org']}.` }));
    const refused = success(await client.complete(target({ headers: { 'X-Org': secret } }), REQUEST));
    expect(refused.response.refusal).toBe('I will not use [redacted].');
    expect(JSON.parse(r.response.toolCalls[0].function.arguments)).toEqual({ expression: '1+1 [redacted]' });
  });

  it('leaves an answer without any of them untouched, even one that looks like a credential', async () => {
    script({ content: 'Bearer tokens look like sk-abcdefghijklmnop; {"choice": "A"}' });
    const { client } = recordingClient();
    const r = success(await client.complete(target(), REQUEST));
    expect(r.response.content).toBe('Bearer tokens look like sk-abcdefghijklmnop; {"choice": "A"}');
  });
});

describe('request', () => {
  it('sends the API key, extra headers, sampling params, per-call seed and merged extraBody', async () => {
    const { client } = recordingClient();
    const t = target({
      headers: { 'X-Lab-Tenant': 'acme', 'OpenAI-Beta': 'x' },
      params: { temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: 1, extraBody: { reasoning_effort: 'low', stream: true, top_k: 5 } },
    });
    success(await client.complete(t, { ...REQUEST, tools: [CALC] }, { seed: 99 }));
    const { body, headers } = server.requests[0];
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers['x-lab-tenant']).toBe('acme');
    expect(headers['openai-beta']).toBe('x');
    expect(body).toMatchObject({ model: 'lab-model', messages: REQUEST.messages, tools: [CALC], temperature: 0.7, top_p: 0.9, max_tokens: 64, seed: 99, reasoning_effort: 'low', top_k: 5 });
    expect(body.stream).toBeUndefined();
  });

  it('sends no Authorization without an API key, and no tools/sampling fields when unset', async () => {
    const { client } = recordingClient();
    success(await client.complete(target({ apiKey: null, id: 'ep-nokey' }), REQUEST));
    const { body, headers } = server.requests[0];
    expect(headers.authorization).toBeUndefined();
    expect(Object.keys(body).sort()).toEqual(['messages', 'model']);
  });

  it('notices an edited endpoint (new key) behind the same id', async () => {
    const { client } = recordingClient();
    success(await client.complete(target({ apiKey: 'sk-first-key-000000000000' }), REQUEST));
    success(await client.complete(target({ apiKey: 'sk-second-key-11111111111' }), REQUEST));
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-first-key-000000000000', 'Bearer sk-second-key-11111111111']);
  });
});

describe('retries', () => {
  it('honours Retry-After seconds (recorded wait)', async () => {
    script({ status: 429, headers: { 'retry-after': '1' } }, { content: 'ok' });
    const { client, waits } = recordingClient();
    const r = success(await client.complete(target(), REQUEST));
    expect(waits).toEqual([1000]);
    expect(r.attempts).toBe(2);
  });

  it('really waits for a short Retry-After', async () => {
    script({ status: 429, headers: { 'retry-after': '1' } }, { content: 'ok' });
    const client = createOpenAIModelClient({ allowPrivate: true });
    clients.push(client);
    const r = success(await client.complete(target(), REQUEST));
    expect(r.attempts).toBe(2);
    expect(r.latencyMs).toBeGreaterThanOrEqual(950);
  });

  it('a 429 without Retry-After waits for the rate-limit reset the gateway names (OpenRouter, OpenAI/Groq headers)', async () => {
    script({ status: 429, headers: { 'x-ratelimit-reset-requests': '1.5s', 'x-ratelimit-reset-tokens': '250ms' } }, { content: 'ok' });
    const { client, waits } = recordingClient();
    expect(success(await client.complete(target(), REQUEST)).attempts).toBe(2);
    expect(waits).toEqual([1500]);
    const now = 1_700_000_000_000;
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': String(now + 4000) }), now)).toBe(4000);
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 3) }), now)).toBe(3000);
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset-requests': '6m0s' }), now)).toBe(360_000);
    expect(rateLimitResetMs(new Headers({ 'x-ratelimit-reset': 'soon' }), now)).toBeNull();
  });

  it("Groq's 498 (flex capacity exceeded, try again later) is retried", async () => {
    script({ status: 498, body: { error: { message: 'Flex Tier Capacity Exceeded', type: 'capacity_exceeded' } } }, { content: 'ok' });
    const { client } = recordingClient();
    expect(success(await client.complete(target(), REQUEST)).attempts).toBe(2);
  });

  it('prefers retry-after-ms', async () => {
    script({ status: 503, headers: { 'retry-after-ms': '250', 'retry-after': '9' } }, { content: 'ok' });
    const { client, waits } = recordingClient();
    expect(success(await client.complete(target(), REQUEST)).attempts).toBe(2);
    expect(waits).toEqual([250]);
  });

  it('reschedules when Retry-After exceeds the cap (seconds or HTTP date)', async () => {
    script({ status: 429, headers: { 'retry-after': '120' }, body: { error: { message: 'slow down' } } });
    const { client, waits } = recordingClient({ maxRetryAfterMs: 30_000 });
    const r = failure(await client.complete(target(), REQUEST));
    expect(r).toMatchObject({ kind: 'rescheduled', status: 429, attempts: 1, retryAfterMs: 120_000 });
    expect(r.message).toMatch(/slow down/);
    expect(waits).toEqual([]);

    script({ status: 429, headers: { 'retry-after': new Date(Date.now() + 90_000).toUTCString() } });
    const d = failure(await client.complete(target(), REQUEST));
    expect(d.kind).toBe('rescheduled');
    expect(d.retryAfterMs).toBeGreaterThan(85_000);
    expect(d.retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it('tells the caller (onPause) each wait the endpoint asked for, before sleeping it; never its own backoff', async () => {
    const { client, waits } = recordingClient({ maxAttempts: 4, maxRetryAfterMs: 30_000 });
    const paused: number[] = [];
    const onPause = (ms: number) => {
      paused.push(ms);
      // a caller that throws does not fail the call
      throw new Error('note failed');
    };
    script(
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 503, headers: { 'retry-after-ms': '1500' } },
      { status: 429, headers: { 'x-ratelimit-reset-requests': '2.5s' } },
      { content: 'ok' },
    );
    expect(success(await client.complete(target(), REQUEST, { onPause })).attempts).toBe(4);
    expect(paused).toEqual([2000, 1500, 2500]);
    expect(waits).toEqual([2000, 1500, 2500]);

    // the client's own jittered backoff, a pause beyond its cap (rescheduled) and a Retry-After: 0 are not told
    paused.length = 0;
    script({ status: 500 }, { status: 429, headers: { 'retry-after': '0' } }, { content: 'ok' });
    expect(success(await client.complete(target(), REQUEST, { onPause })).attempts).toBe(3);
    script({ status: 429, headers: { 'retry-after': '120' } });
    expect(failure(await client.complete(target(), REQUEST, { onPause })).kind).toBe('rescheduled');
    expect(paused).toEqual([]);

    // nor the pause of the last attempt, which no attempt follows
    script({ status: 429, headers: { 'retry-after': '1' } });
    expect(failure(await client.complete(target(), REQUEST, { onPause, maxAttempts: 2 }))).toMatchObject({ kind: 'transient', attempts: 2 });
    expect(paused).toEqual([1000]);
  });

  it('retries a 500 with exponential backoff and full jitter, capped', async () => {
    script({ status: 500 }, { status: 502 }, { status: 503 }, { status: 500 }, { content: 'ok' });
    const { client, waits } = recordingClient({ baseDelayMs: 100, maxDelayMs: 300, random: () => 0.999 });
    const r = success(await client.complete(target(), REQUEST));
    expect(r.attempts).toBe(5);
    expect(waits).toEqual([99, 199, 299, 299]);
  });

  it('500 then success: attempts = 2, jittered wait', async () => {
    script({ status: 500, body: { error: { message: 'upstream overloaded' } } }, { content: 'ok' });
    const { client, waits } = recordingClient({ random: () => 0.25 });
    const r = success(await client.complete(target(), REQUEST));
    expect(r.attempts).toBe(2);
    expect(waits).toEqual([25]);
  });

  it('gives up with `transient` and the last message when the budget is spent', async () => {
    script({ status: 500, body: { error: { message: 'boom' } } }, { status: 408, body: { error: { message: 'request timeout at gateway' } } });
    const { client, waits } = recordingClient({ maxAttempts: 3 });
    const r = failure(await client.complete(target(), REQUEST));
    expect(r).toMatchObject({ kind: 'transient', status: 408, attempts: 3 });
    expect(r.message).toMatch(/request timeout at gateway/);
    expect(waits).toHaveLength(2);
  });

  it('times out a hanging request, retries, and finally reports transient', async () => {
    script({ hang: true });
    const { client } = recordingClient({ maxAttempts: 3 });
    const t0 = Date.now();
    const r = failure(await client.complete(target({ requestTimeoutMs: 150 }), REQUEST));
    expect(r).toMatchObject({ kind: 'transient', attempts: 3 });
    expect(r.message).toMatch(/timed out after 150 ms/);
    expect(server.requests).toHaveLength(3);
    // only proves no long default wait (e.g. the SDK's 10 min): generous, so a loaded machine cannot fail it
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('times out a body that stalls after the headers', async () => {
    // content-length promises more bytes than are sent: headers arrive, the body never completes
    script({ raw: '{"choices":', headers: { 'content-length': '1000' } }, { content: 'ok' });
    const { client } = recordingClient();
    // the stalled body costs one timeout; the deadline leaves the clean retry ample time on a loaded machine
    const r = success(await client.complete(target({ requestTimeoutMs: 2_000 }), REQUEST));
    expect(r.attempts).toBe(2);
  });

  it.each<[string, FakeReply]>([
    ['truncated JSON', { raw: '{"id":"x","choices":[{"message":{"content":"par' }],
    ['non-JSON', { raw: '<html>Bad Gateway</html>' }],
    ['empty body', { raw: '' }],
    ['no choices', { raw: JSON.stringify({ id: 'x', choices: [] }) }],
    ['200 with an error object', { raw: JSON.stringify({ error: { message: 'model overloaded' } }) }],
    ['connection reset', { destroy: true }],
  ])('retries after %s', async (_name, bad) => {
    script(bad, { content: 'fine' });
    const { client, waits } = recordingClient();
    const r = success(await client.complete(target(), REQUEST));
    expect(r.attempts).toBe(2);
    expect(r.response.content).toBe('fine');
    expect(waits).toHaveLength(1);
  });

  it('reports a refused connection as transient', async () => {
    const gone = await startFakeOpenAI();
    const url = gone.url;
    await gone.close();
    const { client } = recordingClient({ maxAttempts: 2 });
    const r = failure(await client.complete(target({ baseUrl: url }), REQUEST));
    expect(r).toMatchObject({ kind: 'transient', attempts: 2, status: null });
    expect(r.message).toMatch(/ECONNREFUSED/);
  });
});

describe('permanent errors', () => {
  it('401: fails at once with the endpoint message, never echoing the API key', async () => {
    const strict = await startFakeOpenAI({ requireApiKey: 'the-right-key' });
    try {
      const { client, waits } = recordingClient();
      const r = failure(await client.complete(target({ baseUrl: strict.url }), REQUEST));
      expect(strict.requests[0].headers.authorization).toBe(`Bearer ${KEY}`); // the server did get (and echo) it
      expect(r).toMatchObject({ kind: 'permanent', status: 401, attempts: 1 });
      expect(r.message).toMatch(/Incorrect API key provided/);
      expect(r.message).not.toContain(KEY);
      expect(r.message).not.toContain(KEY.slice(0, 20));
      expect(waits).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('404 with a non-OpenAI error body keeps the message', async () => {
    script({ status: 404, body: { detail: 'model lab-model not found' } });
    const { client } = recordingClient();
    const r = failure(await client.complete(target(), REQUEST));
    expect(r).toMatchObject({ kind: 'permanent', status: 404, attempts: 1 });
    expect(r.message).toMatch(/404.*model lab-model not found/);
  });

  it('caps long messages and strips bearer tokens', async () => {
    script({ status: 403, body: { error: { message: `forbidden for Bearer ${KEY} ${'x'.repeat(5000)}` } } });
    const { client } = recordingClient();
    const r = failure(await client.complete(target(), REQUEST));
    expect(r.kind).toBe('permanent');
    expect(r.message.length).toBeLessThanOrEqual(501);
    expect(r.message).not.toContain(KEY);
  });

  it('a 400 about tools on a request with tools is `tools-unsupported`', async () => {
    server.setRespond((body): FakeReply =>
      body.tools ? { status: 400, body: { error: { message: '"auto" tool choice requires --enable-auto-tool-choice' } } } : {},
    );
    const { client } = recordingClient();
    const r = failure(await client.complete(target(), { ...REQUEST, tools: [CALC] }));
    expect(r).toMatchObject({ kind: 'tools-unsupported', status: 400, attempts: 1 });
    expect(r.message).toMatch(/tool choice/);

    script({ status: 422, body: { detail: [{ msg: 'Extra inputs are not permitted', loc: ['body', 'tools'] }] } });
    expect(failure(await client.complete(target(), { ...REQUEST, tools: [CALC] })).kind).toBe('tools-unsupported');
  });

  it("a model's malformed tool call (Groq's 400 tool_use_failed) is tried again, never taken for missing tool support", async () => {
    let calls = 0;
    server.setRespond((): FakeReply =>
      ++calls === 1
        ? { status: 400, body: { error: { message: 'Failed to call a function. Please adjust your prompt. See failed_generation for more details.', type: 'invalid_request_error', code: 'tool_use_failed', failed_generation: '<function=calculator>{"expression": 2+}' } } }
        : {},
    );
    const { client } = recordingClient();
    const r = await client.complete(target(), { ...REQUEST, tools: [CALC] });
    expect(r.ok).toBe(true);
    expect(r.attempts).toBe(2);
  });

  it("a content filter's refusal (Azure content_filter) is `content-filtered`, tried once", async () => {
    script({ status: 400, body: { error: { code: 'content_filter', message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", innererror: { code: 'ResponsibleAIPolicyViolation' } } } });
    const { client } = recordingClient();
    expect(failure(await client.complete(target(), REQUEST))).toMatchObject({ kind: 'content-filtered', status: 400, attempts: 1 });
  });

  it('a 400 mentioning tools on a request without tools stays permanent', async () => {
    script({ status: 400, body: { error: { message: 'tools are not supported' } } });
    const { client } = recordingClient();
    expect(failure(await client.complete(target(), REQUEST)).kind).toBe('permanent');
  });

  it('does not follow redirects', async () => {
    const elsewhere = await startFakeOpenAI();
    try {
      script({ status: 307, headers: { location: `${elsewhere.url}/chat/completions` } });
      const { client } = recordingClient();
      const r = failure(await client.complete(target(), REQUEST));
      expect(r).toMatchObject({ kind: 'permanent', status: 307, attempts: 1 });
      expect(r.message).toMatch(/redirect/);
      expect(elsewhere.stats.total).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses a private endpoint at connection time unless allowPrivate', async () => {
    const { client } = recordingClient({ allowPrivate: false });
    const r = failure(await client.complete(target(), REQUEST));
    expect(r).toMatchObject({ kind: 'permanent', attempts: 1 });
    expect(r.message).toMatch(/refused.*loopback/);
    expect(server.requests).toHaveLength(0);

    // a public-looking name that resolves to loopback is refused too
    const rebind = recordingClient({ allowPrivate: false, lookup: async () => [{ address: '127.0.0.1', family: 4 }] }).client;
    const port = new URL(server.url).port;
    const r2 = failure(await rebind.complete(target({ baseUrl: `http://lab.example.com:${port}/v1` }), REQUEST));
    expect(r2.kind).toBe('permanent');
    expect(server.requests).toHaveLength(0);
  });
});

describe('cancellation', () => {
  it('abort during a retry wait returns `cancelled` promptly', async () => {
    script({ status: 429, headers: { 'retry-after': '10' } });
    const client = createOpenAIModelClient({ allowPrivate: true });
    clients.push(client);
    const ac = new AbortController();
    const pending = client.complete(target(), REQUEST, { signal: ac.signal });
    // wait until the first answer (the 429) arrived, so we are inside the 10 s wait
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    ac.abort();
    const r = failure(await pending);
    expect(r).toMatchObject({ kind: 'cancelled', attempts: 1 });
    // far below the 10 s wait / 30 s timeout it cuts short, and generous for a loaded machine
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('abort during a hanging request returns `cancelled` promptly', async () => {
    script({ hang: true });
    const { client } = recordingClient();
    const ac = new AbortController();
    const pending = client.complete(target({ requestTimeoutMs: 30_000 }), REQUEST, { signal: ac.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    ac.abort();
    expect(failure(await pending).kind).toBe('cancelled');
    // far below the 10 s wait / 30 s timeout it cuts short, and generous for a loaded machine
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('an already aborted signal makes no request', async () => {
    const { client } = recordingClient();
    const r = failure(await client.complete(target(), REQUEST, { signal: AbortSignal.abort() }));
    expect(r).toMatchObject({ kind: 'cancelled', attempts: 0 });
    expect(server.requests).toHaveLength(0);
  });
});

describe('helpers', () => {
  it('parseRetryAfter', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(h({ 'retry-after': '0.5' }))).toBe(500);
    expect(parseRetryAfter(h({ 'retry-after-ms': '42' }))).toBe(42);
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' }), Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(0);
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeNull();
    expect(parseRetryAfter(h({}))).toBeNull();
  });

  it('sanitizeMessage', () => {
    expect(sanitizeMessage(`bad key ${KEY}!`, KEY)).toBe('bad key [redacted]!');
    expect(sanitizeMessage(`masked ${KEY.slice(0, 16)}****`, KEY)).not.toContain(KEY.slice(0, 16));
    expect(sanitizeMessage('Authorization: Bearer abc.def', null)).toBe('Authorization: Bearer [redacted]');
    expect(sanitizeMessage('line1\nline2', null)).toBe('line1 line2');
  });
});

// Answers shaped to hurt the service rather than to answer: JSON nested millions deep (JSON.parse held the event
// loop, shared with the API, for over a second per attempt; JSON.stringify of a parsed value threw RangeError out of
// complete(), and the probe answered 500), and bodies whose shape the parser never expected. Each is a classified
// failure of the call, quickly, never an exception — through the client, and through the probe route.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { MAX_JSON_DEPTH, jsonDepth } from '../../src/lib/json-depth.js';
import { parseCompletionJson } from '../../src/model/completion.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';
import type { EndpointTarget } from '../../src/model/types.js';
import { runToolCall } from '../../src/testbeds/tool-use/protocol.js';
import type { ModelRequest, ToolDefinition } from '../../src/testbeds/types.js';
import { failure, success } from '../support/call-results.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeReply } from '../support/openai-server.js';

const KEY = 'sk-hostile-0123456789abcdefKEY';
const REQUEST: ModelRequest = { messages: [{ role: 'user', content: 'Pick one. Answer as {"choice": "A"} or {"choice": "B"}.' }] };
const CALC: ToolDefinition = {
  type: 'function',
  function: { name: 'calculator', description: 'exact arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } },
};

/** 4 MB of `[[[…]]]`: under the response cap, 2,000,000 deep. */
const DEEP_ARRAYS = '['.repeat(2_000_000) + ']'.repeat(2_000_000);
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const DEEP_ERROR = `{"error":${nested(200_000)}}`;
const DEEP_TOOL_ARGS =
  `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",` +
  `"function":{"name":"calculator","arguments":${nested(200_000)}}}]},"finish_reason":"tool_calls"}]}`;
const raw = (text: string, contentType = 'application/json', status = 200): FakeReply => ({ raw: text, status, headers: { 'content-type': contentType } });

let server: FakeOpenAI;
const client = createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4 });
beforeAll(async () => {
  server = await startFakeOpenAI({ respondToProbes: true });
});
afterAll(async () => {
  client.close();
  await server.close();
});
afterEach(() => server.setRespond(() => ({})));

const target = (over: Partial<EndpointTarget> = {}): EndpointTarget => ({
  id: 'hostile',
  baseUrl: server.url,
  model: 'm',
  apiKey: KEY,
  headers: {},
  params: {},
  requestTimeoutMs: 30_000,
  ...over,
});

/** Runs `fn` and reports the longest the event loop went without running a 5 ms timer meanwhile. */
async function withLoopWatch<T>(fn: () => Promise<T>): Promise<{ value: T; worstStallMs: number }> {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    const value = await fn();
    return { value, worstStallMs: Math.max(worst, performance.now() - last) };
  } finally {
    clearInterval(timer);
  }
}

describe('JSON nested deeper than any completion', () => {
  it('counts depth outside strings only, honouring escapes', () => {
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{\\"[[[["}')).toBe(1);
    expect(jsonDepth('["\\\\", [[ ]]]')).toBe(3);
    expect(jsonDepth(DEEP_ARRAYS, MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
  });

  it('a 4 MB body of [[[…]]] is refused unparsed, at once: permanent, one attempt, the event loop never held', async () => {
    server.setRespond(() => raw(DEEP_ARRAYS));
    const before = server.stats.total;
    const { value, worstStallMs } = await withLoopWatch(() => client.complete(target(), REQUEST));
    const r = failure(value);
    expect(r).toMatchObject({ kind: 'permanent', status: 200, attempts: 1 });
    expect(r.message).toBe(`the response nests JSON more than ${MAX_JSON_DEPTH} levels deep; refused unparsed`);
    expect(server.stats.total - before).toBe(1);
    // JSON.parse of this body alone held the loop for 1.4 s or more
    expect(worstStallMs).toBeLessThan(500);
    const started = performance.now();
    expect(parseCompletionJson(DEEP_ARRAYS)).toMatchObject({ ok: false, kind: 'permanent' });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('so is such an event in a stream, and an error body (its status kept, shown as an excerpt)', async () => {
    const chunk = (delta: unknown) => `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
    server.setRespond(() => raw(`${chunk({ role: 'assistant', content: '' })}data: ${DEEP_ARRAYS}\n\ndata: [DONE]\n\n`, 'text/event-stream'));
    const s = failure(await client.complete(target({ params: { stream: true } }), REQUEST));
    expect(s).toMatchObject({ kind: 'permanent', status: 200, attempts: 1 });
    expect(s.message).toMatch(/^an event of the response stream nests JSON more than 64 levels deep; refused unparsed$/);

    server.setRespond(() => raw(`{"detail":${nested(200_000)}}`, 'application/json', 400));
    const { value, worstStallMs } = await withLoopWatch(() => client.complete(target(), REQUEST));
    const e = failure(value);
    expect(e).toMatchObject({ kind: 'permanent', status: 400, attempts: 1 });
    expect(e.message).toMatch(/^HTTP 400: \{"detail":\{"a":\{"a":/);
    expect(worstStallMs).toBeLessThan(500);
  });

  it('real shapes still read: tool arguments sent as an object, nested metadata', async () => {
    const args = { expression: '2+2', options: { precision: { digits: [1, 2, { rounding: 'half-even' }] } } };
    server.setRespond(() =>
      raw(
        JSON.stringify({
          model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: args } }] }, finish_reason: 'tool_calls' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, completion_tokens_details: { reasoning_tokens: 0 } },
          provider_metadata: { route: { upstream: [{ region: { zone: ['a'] } }] } },
        }),
      ),
    );
    const r = success(await client.complete(target(), { ...REQUEST, tools: [CALC] }));
    expect(JSON.parse(r.response.toolCalls[0].function.arguments)).toEqual(args);
  });

  it("a tool call's arguments string nested that deep is answered as malformed, without parsing it", () => {
    const started = performance.now();
    const answer = runToolCall({ id: 'c', type: 'function', function: { name: 'calculator', arguments: DEEP_ARRAYS } });
    expect(answer).toMatch(/^error: arguments must be JSON/);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('an answer the parser cannot read never throws out of complete()', () => {
  it.each([
    ['an error object 200,000 deep', DEEP_ERROR],
    ['tool arguments 200,000 deep', DEEP_TOOL_ARGS],
  ])('%s: a failed call (permanent, one attempt), not a RangeError', async (_name, body) => {
    server.setRespond(() => raw(body));
    const r = failure(await client.complete(target(), { ...REQUEST, tools: [CALC] }));
    expect(r).toMatchObject({ kind: 'permanent', status: 200, attempts: 1 });
    expect(r.message).toMatch(/nests JSON more than 64 levels deep; refused unparsed/);
  });

  it('an event the parser did not expect (`data: null`): permanent, the answer named unreadable, no stack', async () => {
    server.setRespond(() => raw('data: {"model":"m","choices":[{"index":0,"delta":{"content":"A"}}]}\n\ndata: null\n\ndata: [DONE]\n\n', 'text/event-stream'));
    const r = failure(await client.complete(target({ params: { stream: true } }), REQUEST));
    expect(r).toMatchObject({ kind: 'permanent', status: 200, attempts: 1 });
    expect(r.message).toMatch(/^the endpoint's answer \(HTTP 200\) could not be read: TypeError/);
    expect(r.message).not.toMatch(/\n|\bat .*\.(?:ts|js):\d+/);
  });
});

describe('the probe route against such answers', () => {
  let ctx: TestContext;
  let app: App;
  let token: string;
  let endpointId: string;
  beforeAll(async () => {
    ctx = await buildTestDeps({ modelClient: client });
    app = createApp(ctx.deps);
    ({ token } = await tokenFor(ctx.deps, 'hostile-lab'));
    const res = await app.request('/v1/endpoints', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: JSON.stringify({ name: 'hostile', baseUrl: server.url, model: 'm', apiKey: KEY, maxConcurrency: 2 }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    endpointId = ((await res.json()) as { id: string }).id;
  });
  afterAll(() => ctx?.close());

  const probe = async () => {
    const res = await app.request(`/v1/endpoints/${endpointId}/probe`, { method: 'POST', headers: jsonHeaders(token) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('an error object 200,000 deep: 422 endpoint_error naming it (was 500 internal)', async () => {
    server.setRespond(() => raw(DEEP_ERROR));
    const r = await probe();
    expect(r.status).toBe(422);
    expect(r.body.detail).toMatch(/nests JSON more than 64 levels deep; refused unparsed/);
  });

  it('tool arguments 200,000 deep on the tool check: the endpoint is ready, tool use unknown with the reason', async () => {
    server.setRespond((body) => (Array.isArray(body?.tools) ? raw(DEEP_TOOL_ARGS) : { content: '{"choice": "ok"}' }));
    const r = await probe();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ready: true, toolUse: 'unknown' });
    expect(r.body.toolUseDetail).toMatch(/nests JSON more than 64 levels deep/);
  });
});

// The model client against imitations of real providers: each documented recipe reads answers (content, reasoning,
// tool calls), and each known misconfiguration fails the way the service can explain (never retried blindly).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fixFor } from '../../src/model/diagnosis.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';
import type { EndpointTarget } from '../../src/model/types.js';
import { CALCULATOR_TOOL } from '../../src/testbeds/tool-use/calculator.js';
import type { ModelRequest } from '../../src/testbeds/types.js';
import { PROVIDER_KEY, RECIPES, type EndpointFields } from '../support/providers/catalogue.js';
import { startAzure, startOpenAIReasoning } from '../support/providers/openai.js';
import { startDashScope, startGemini, startMistral } from '../support/providers/hosted.js';
import { startLlamaCpp, startOllama, startTgiGemma, startVllm } from '../support/providers/self-hosted.js';
import { dryRunEndpoint } from '../../src/services/endpoints/probe.js';
import { createLogger } from '../../src/lib/logger.js';
import { startQuotaExhausted, startSseOnly } from '../support/providers/gateways.js';
import type { Imitation } from '../support/providers/imitation.js';
import { failure, success } from '../support/call-results.js';

const client = createOpenAIModelClient({ allowPrivate: true, baseDelayMs: 10, maxDelayMs: 50 });
afterAll(() => client.close());
const open: Imitation[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((i) => i.close()));
});

const CHOICE: ModelRequest = {
  messages: [
    { role: 'system', content: 'You are an agent.' },
    { role: 'user', content: 'This is a connectivity check. Reply with {"choice": "ok"}' },
  ],
};
const TOOLS: ModelRequest = {
  messages: [{ role: 'user', content: 'This is a connectivity check. Call the calculator tool.' }],
  tools: [CALCULATOR_TOOL],
};

let n = 0;
const target = (f: EndpointFields): EndpointTarget => ({
  id: `ep-${n++}`,
  baseUrl: f.baseUrl,
  model: f.model,
  apiKey: f.apiKey ?? null,
  headers: f.headers ?? {},
  params: (f.params ?? {}) as EndpointTarget['params'],
  requestTimeoutMs: 10_000,
});


describe.each(RECIPES)('recipe $family', (recipe) => {
  it('answers a plain call and a calculator call, read in full', async () => {
    const { imitation, endpoint } = await recipe.start();
    open.push(imitation);
    const t = target(endpoint);
    const plain = success(await client.complete(t, CHOICE, { seed: 9 }));
    expect(plain.response.content).toContain('{"choice": "ok"}');
    expect(Boolean(plain.response.reasoning)).toBe(recipe.reasoning);
    const tools = success(await client.complete(t, TOOLS));
    expect(tools.response.toolCalls.map((c) => c.function.name)).toEqual(recipe.tools ? ['calculator'] : []);
  });
});

describe('what each recipe field is for', () => {
  it('o-series: max_tokens is refused with the server message; a small max_completion_tokens is a truncated answer', async () => {
    const imitation = await startOpenAIReasoning({ apiKey: PROVIDER_KEY });
    open.push(imitation);
    const base = { baseUrl: `${imitation.origin}/v1`, model: 'o4-mini', apiKey: PROVIDER_KEY };
    const refused = failure(await client.complete(target({ ...base, params: { max_tokens: 512 } }), CHOICE));
    expect(refused).toMatchObject({ kind: 'permanent', status: 400, attempts: 1 });
    expect(refused.message).toContain("Use 'max_completion_tokens' instead");
    expect(refused.message).toContain('unsupported_parameter');
    const cut = success(await client.complete(target({ ...base, params: { max_completion_tokens: 64 } }), CHOICE));
    expect(cut.response).toMatchObject({ content: '', finishReason: 'length' });
    expect(cut.usage.reasoningTokens).toBe(64);
    expect(imitation.requests.at(-1)!.body).toMatchObject({ max_completion_tokens: 64 });
    expect(imitation.requests.at(-1)!.body.max_tokens).toBeUndefined();
  });

  it('Azure: api-version travels as a query on every request, the key as api-key; without it 404', async () => {
    const imitation = await startAzure({ apiKey: PROVIDER_KEY, deployment: 'gpt-4o' });
    open.push(imitation);
    const fields = { baseUrl: `${imitation.origin}/openai/deployments/gpt-4o`, model: 'gpt-4o', headers: { 'api-key': PROVIDER_KEY } };
    success(await client.complete(target({ ...fields, baseUrl: `${fields.baseUrl}?api-version=2024-10-21` }), CHOICE));
    expect(imitation.requests.at(-1)!.query.get('api-version')).toBe('2024-10-21');
    expect(imitation.requests.at(-1)!.headers.authorization).toBeUndefined();
    const missing = failure(await client.complete(target(fields), CHOICE));
    expect(missing).toMatchObject({ kind: 'permanent', status: 404 });
    expect(missing.message).toContain('Resource not found');
  });

  it('Azure on an API version older than stream_options: refused with the fix; streamUsage: false leaves the field out', async () => {
    const imitation = await startAzure({ apiKey: PROVIDER_KEY, deployment: 'gpt-4o' });
    open.push(imitation);
    const fields = { baseUrl: `${imitation.origin}/openai/deployments/gpt-4o?api-version=2024-02-01`, model: 'gpt-4o', headers: { 'api-key': PROVIDER_KEY } };
    const refused = failure(await client.complete(target({ ...fields, params: { stream: true } }), CHOICE));
    expect(refused).toMatchObject({ kind: 'permanent', status: 400 });
    expect(fixFor(refused, { baseUrl: fields.baseUrl, params: { stream: true } })).toMatch(/params\.streamUsage to false/);
    success(await client.complete(target({ ...fields, params: { stream: true, streamUsage: false } }), CHOICE));
    expect(imitation.requests.at(-1)!.body).toMatchObject({ stream: true });
    expect(imitation.requests.at(-1)!.body).not.toHaveProperty('stream_options');
  });

  it('vLLM/SGLang without --enable-auto-tool-choice, llama.cpp without --jinja, Ollama models without tools: tools-unsupported, not retried', async () => {
    const cases: Array<[Imitation, EndpointFields, RegExp]> = [];
    const v = await startVllm({ autoToolChoice: false });
    cases.push([v, { baseUrl: `${v.origin}/v1`, model: 'Qwen/Qwen3-8B' }, /--enable-auto-tool-choice/]);
    const s = await startVllm({ autoToolChoice: false, flavour: 'sglang' });
    cases.push([s, { baseUrl: `${s.origin}/v1`, model: 'Qwen/Qwen3-8B' }, /--tool-call-parser/]);
    const l = await startLlamaCpp({ jinja: false });
    cases.push([l, { baseUrl: `${l.origin}/v1`, model: 'local' }, /requires --jinja flag/]);
    const o = await startOllama({ model: 'gemma3:1b', tools: false });
    cases.push([o, { baseUrl: `${o.origin}/v1`, model: 'gemma3:1b' }, /does not support tools/]);
    open.push(v, s, l, o);
    for (const [imitation, fields, why] of cases) {
      const r = failure(await client.complete(target(fields), TOOLS));
      expect(r.kind, imitation.origin).toBe('tools-unsupported');
      expect(r.attempts).toBe(1);
      expect(r.message).toMatch(why);
      success(await client.complete(target(fields), CHOICE));
    }
  });

  it("TGI serving Gemma (no system role, strictly alternating turns): the probe, shaped like a run's request, says to set alternateRoles; with it the endpoint is ready", async () => {
    const imitation = await startTgiGemma();
    open.push(imitation);
    const deps = { modelClient: client, logger: createLogger({ level: 'silent' }) };
    const fields = { baseUrl: `${imitation.origin}/v1`, model: 'google/gemma-2-9b-it' };
    const refused = await dryRunEndpoint(deps, target(fields));
    expect(refused).toMatchObject({ ok: false, endpointStatus: 422 });
    expect(!refused.ok && refused.detail).toMatch(/System role not supported/);
    expect(!refused.ok && refused.fix).toMatch(/params\.alternateRoles/);
    const ready = await dryRunEndpoint(deps, target({ ...fields, params: { alternateRoles: true } }));
    expect(ready).toMatchObject({ ok: true, ready: true });
  });

  it('vLLM: max_tokens beyond the context window is refused with the server message', async () => {
    const imitation = await startVllm({ autoToolChoice: true, maxModelLen: 4096 });
    open.push(imitation);
    const r = failure(await client.complete(target({ baseUrl: `${imitation.origin}/v1`, model: 'Qwen/Qwen3-8B', params: { max_tokens: 8192 } }), CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 400 });
    expect(r.message).toMatch(/maximum context length is 4096 tokens/);
  });

  it('Gemini: array-shaped errors are summarised; seed is refused unless seedField is false; a message-less length choice is truncated, not retried', async () => {
    const imitation = await startGemini({ apiKey: PROVIDER_KEY });
    open.push(imitation);
    const base = { baseUrl: `${imitation.origin}/v1beta/openai`, model: 'gemini-2.5-flash', apiKey: PROVIDER_KEY };
    const seeded = failure(await client.complete(target({ ...base, params: { seed: 3 } }), CHOICE));
    expect(seeded).toMatchObject({ kind: 'permanent', status: 400 });
    expect(seeded.message).toBe('HTTP 400: Invalid JSON payload received. Unknown name "seed": Cannot find field. [invalid_argument]');
    const badKey = failure(await client.complete(target({ ...base, apiKey: 'sk-wrong-key-000000000000' }), CHOICE));
    expect(badKey.message).toContain('API key not valid');
    success(await client.complete(target({ ...base, params: { seed: 3, seedField: false } }), CHOICE));
    expect(imitation.requests.at(-1)!.body.seed).toBeUndefined();
    const cut = success(await client.complete(target({ ...base, params: { max_tokens: 256 } }), CHOICE));
    expect(cut).toMatchObject({ attempts: 1, response: { content: null, finishReason: 'length' } });
    expect(cut.usage.reasoningTokens).toBe(256);
  });

  it('Mistral: seed is refused (422 summarised), random_seed works; Magistral content parts are joined, thinking goes to reasoning', async () => {
    const imitation = await startMistral({ apiKey: PROVIDER_KEY });
    open.push(imitation);
    const base = { baseUrl: `${imitation.origin}/v1`, model: 'magistral-medium-2509', apiKey: PROVIDER_KEY };
    const seeded = failure(await client.complete(target({ ...base, params: { seed: 3 } }), CHOICE));
    expect(seeded).toMatchObject({ kind: 'permanent', status: 422 });
    expect(seeded.message).toBe('HTTP 422: body.seed: Extra inputs are not permitted');
    const r = success(await client.complete(target({ ...base, params: { seed: 3, seedField: 'random_seed' } }), CHOICE));
    expect(imitation.requests.at(-1)!.body).toMatchObject({ random_seed: 3 });
    expect(r.response.content).toBe('{"choice": "ok"}');
    expect(r.response.reasoning).toBeTruthy();
    expect(r.response.content).not.toContain(r.response.reasoning!);
  });

  it('DashScope: a thinking model refuses non-streaming calls; an account in arrears is permanent', async () => {
    const imitation = await startDashScope({ apiKey: PROVIDER_KEY });
    const arrears = await startDashScope({ apiKey: PROVIDER_KEY, arrears: true });
    open.push(imitation, arrears);
    const fields = (o: string, params = {}) => target({ baseUrl: `${o}/compatible-mode/v1`, model: 'qwen3-32b', apiKey: PROVIDER_KEY, params });
    const r = failure(await client.complete(fields(imitation.origin), CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 400 });
    expect(r.message).toContain('enable_thinking must be set to false for non-streaming calls');
    const off = success(await client.complete(fields(imitation.origin, { extraBody: { enable_thinking: false } }), CHOICE));
    expect(off.response.reasoning).toBeNull();
    expect(failure(await client.complete(fields(arrears.origin, { stream: true }), CHOICE))).toMatchObject({ kind: 'permanent', attempts: 1 });
  });

  it('a billing 429 (insufficient_quota) is permanent: one attempt', async () => {
    const imitation = await startQuotaExhausted();
    open.push(imitation);
    const r = failure(await client.complete(target({ baseUrl: `${imitation.origin}/v1`, model: 'm' }), CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', status: 429, attempts: 1 });
    expect(r.message).toContain('exceeded your current quota');
  });

  it('an SSE answer to a non-streaming request fails at once with what to change; stream: true reads it', async () => {
    const imitation = await startSseOnly();
    open.push(imitation);
    const r = failure(await client.complete(target({ baseUrl: `${imitation.origin}/v1`, model: 'm' }), CHOICE));
    expect(r).toMatchObject({ kind: 'permanent', attempts: 1 });
    expect(r.message).toMatch(/text\/event-stream.*params\.stream/);
    const s = success(await client.complete(target({ baseUrl: `${imitation.origin}/v1`, model: 'm', params: { stream: true } }), TOOLS));
    expect(s.response.toolCalls[0].function).toMatchObject({ name: 'calculator' });
    expect(JSON.parse(s.response.toolCalls[0].function.arguments)).toBeTruthy();
    expect(imitation.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(s.usage.completionTokens).toBeGreaterThan(0);
  });
});

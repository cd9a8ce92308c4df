import { describe, expect, it } from 'vitest';
import { fixFor, readProbeAnswer, toolsFix, toolUseOf } from '../../src/model/diagnosis.js';
import type { CallResult, FailureShape } from '../../src/model/types.js';

const f = (status: number | null, message: string, kind: 'permanent' | 'transient' = 'permanent', shape?: FailureShape) =>
  ({ ok: false, kind, status, message, attempts: 1, latencyMs: 1, ...(shape ? { shape } : {}) }) as Extract<CallResult, { ok: false }>;
const cloudflare: FailureShape = { kind: 'bot-challenge', vendor: 'Cloudflare' };
const inBody = (standsFor: number | null): FailureShape => ({ kind: 'error-in-ok-body', standsFor });
const ep = (baseUrl = 'https://h/v1') => ({ baseUrl, params: {} });
const resp = (o: Partial<{ content: string | null; reasoning: string | null; finishReason: string | null; toolCalls: any[] }>) => ({ content: null, reasoning: null, toolCalls: [], finishReason: 'stop', ...o });
const usage = (reasoningTokens = 0) => ({ promptTokens: 1, completionTokens: 1, reasoningTokens });

describe('fixes for known failure shapes', () => {
  it.each([
    [f(400, "HTTP 400: Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."), /max_completion_tokens/],
    [f(400, 'HTTP 400: Invalid JSON payload received. Unknown name "seed": Cannot find field.'), /seedField to false/],
    [f(422, 'HTTP 422: body.seed: Extra inputs are not permitted'), /random_seed/],
    [f(400, "HTTP 400: This model's maximum context length is 4096 tokens."), /lower the budget/],
    [f(400, 'HTTP 400: parameter.enable_thinking must be set to false for non-streaming calls'), /params\.stream/],
    [f(400, 'HTTP 400: `temperature` and `top_p` cannot both be specified for this model.'), /only one of/],
    [f(400, 'HTTP 400: API key not valid. Please pass a valid API key.'), /apiKey/],
    [f(429, 'HTTP 429: You exceeded your current quota [insufficient_quota]'), /no quota/],
    [f(null, 'connection failed: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9', 'transient'), /nothing accepts connections/],
    [f(403, 'HTTP 403: a bot-protection challenge (Cloudflare) blocked the request; the endpoint sent an HTML page titled "Just a moment..."', 'permanent', cloudflare), /allow-list.*API hostname/],
    [f(503, 'HTTP 503: a bot-protection challenge (AWS WAF) blocked the request; the endpoint sent no API answer', 'permanent', { kind: 'bot-challenge', vendor: 'AWS WAF' }), /allow-list/],
    [f(402, 'HTTP 402: Insufficient credits. Add more using https://openrouter.ai/settings/credits'), /add credits or check its billing/],
    [f(402, 'HTTP 402: This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 1200.'), /lower params\.max_tokens/],
    [f(404, 'HTTP 404: No models loaded. Please load a model in the developer page or use the `lms load` command. [model_not_found]'), /no model loaded.*lms load/],
    [f(404, 'HTTP 404: Model "qwen2.5-7b-instruct" not found. Please specify a valid model identifier.'), /check `model`.*GET \/models/],
    [f(400, 'HTTP 400: Invalid model identifier "qwen/qwen2.5vl-7b". Please specify a valid downloaded model.'), /check `model`/],
    [f(200, 'HTTP 200 with error 404 in the body: Not Found', 'permanent', inBody(404)), /OpenAI-compatible base/],
    [f(200, 'gave up after 3 attempts: HTTP 200 with error 401 in the body: Unauthorized', 'transient', inBody(401)), /check apiKey/],
    // providers' own words, as their documentation and issues show them
    [f(404, 'HTTP 404: The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again. [DeploymentNotFound]'), /deployment named in baseUrl/],
    [f(400, 'HTTP 400: Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits. [invalid_request_error]'), /out of credit or suspended/],
    [f(400, 'HTTP 400: Budget has been exceeded! Current cost: 10.52, Max budget: 10.0 [budget_exceeded]'), /raise the budget/],
    [f(412, 'HTTP 412: Account fw-123 is suspended, possibly due to reaching the monthly spending limit or failure to pay past invoices.'), /suspended/],
    [f(400, 'HTTP 400: the request exceeds the available context size, try increasing it [exceed_context_size_error]'), /--ctx-size/],
    [f(422, 'HTTP 422: Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 3500 `inputs` tokens and 1024 `max_new_tokens`'), /--max-total-tokens/],
    [f(413, 'HTTP 413: Request too large for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 7809'), /tokens-per-minute/],
    [f(400, 'HTTP 400: `temperature` may only be set to 1 when thinking is enabled. [invalid_request_error]'), /remove params\.temperature/],
    [f(404, 'HTTP 404: model: claude-3-opus [not_found_error]'), /check `model`/],
    [f(404, 'HTTP 404: Unable to access model m. Please visit https://api.together.ai/models to view the list of supported models. [model_not_available]'), /check `model`/],
    [f(400, 'HTTP 400: m is not a valid model ID'), /check `model`/],
    [f(400, "HTTP 400: {'error': '/chat/completions: Invalid model name passed in model=m. Call `/v1/models` to view available models for your key.'}"), /check `model`/],
    [f(400, 'HTTP 400: Unsupported model m, please use models API to get a list of supported models'), /check `model`/],
    [f(404, 'HTTP 404: No endpoints found matching your data policy (Free model publication). Configure: https://openrouter.ai/settings/privacy'), /data policy/],
  ])('%#', (failure, fix) => {
    expect(fixFor(failure, ep())).toMatch(fix);
  });
  it('a web page answered with 200 is advised on by its shape, not by words in the message', () => {
    const page = 'gave up after 2 attempts: HTTP 200: an HTML page titled "Sign in"';
    expect(fixFor(f(200, page, 'transient', { kind: 'web-page' }), ep())).toMatch(/answers with a web page/);
    // a model's error text that happens to mention an HTML page is not one
    expect(fixFor(f(200, 'HTTP 200 with an error in the body: cannot render an HTML page', 'transient', inBody(null)), ep())).toBeNull();
  });
  it('a challenge 403 is no key problem; a 200 body naming no status gets no advice', () => {
    expect(fixFor(f(403, 'HTTP 403: a bot-protection challenge (Cloudflare) blocked the request', 'permanent', cloudflare), ep())).not.toMatch(/apiKey/);
    expect(fixFor(f(200, 'HTTP 200 with an error in the body: model overloaded', 'transient', inBody(null)), ep())).toBeNull();
  });
  it('a server refusing stream_options is told to leave it out (only when the endpoint streams with usage)', () => {
    const refused = f(400, 'HTTP 400: Unrecognized request argument supplied: stream_options');
    expect(fixFor(refused, { baseUrl: 'https://h/v1', params: { stream: true } })).toMatch(/params\.streamUsage to false/);
    expect(fixFor(refused, { baseUrl: 'https://h/v1', params: { stream: true, streamUsage: false } })).toBeNull();
  });
  it('Azure without api-version', () => {
    expect(fixFor(f(404, 'HTTP 404: Resource not found'), ep('https://x.openai.azure.com/openai/deployments/d'))).toMatch(/api-version/);
    expect(fixFor(f(404, 'HTTP 404: Resource not found'), ep('https://h/v1'))).toMatch(/OpenAI-compatible base/);
  });
  it('server flags for tools', () => {
    expect(toolsFix('HTTP 500: tools param requires --jinja flag')).toMatch(/--jinja/);
    expect(toolsFix('"auto" tool choice requires --enable-auto-tool-choice')).toMatch(/vLLM/);
    expect(toolsFix('something else')).toBeNull();
  });
});

describe('reading a probe answer', () => {
  it('tells structured tool calls from tool calls written as text', () => {
    expect(toolUseOf(resp({ toolCalls: [{ id: 'a', type: 'function', function: { name: 'calculator', arguments: '{}' } }] }))).toBe('structured');
    expect(toolUseOf(resp({ content: '<tool_call>\n{"name": "calculator", "arguments": {"expression": "1+1"}}\n</tool_call>' }))).toBe('text');
    expect(toolUseOf(resp({ content: '{"name": "calculator", "arguments": {"expression": "1+1"}}' }))).toBe('text');
    expect(toolUseOf(resp({ content: 'The answer is 2.' }))).toBe('none');
  });
  it('content, reasoning-only, truncated by reasoning, empty', () => {
    expect(readProbeAnswer(resp({ content: 'ok' }), usage())).toEqual({ answer: 'content', reasoningUsedBudget: false });
    expect(readProbeAnswer(resp({ content: '', reasoning: '{"choice": "ok"}' }), usage())).toMatchObject({ answer: 'reasoning-only' });
    expect(readProbeAnswer(resp({ content: '', finishReason: 'length' }), usage(64))).toEqual({ answer: 'truncated', reasoningUsedBudget: true });
    expect(readProbeAnswer(resp({ content: null, finishReason: 'length' }), usage())).toEqual({ answer: 'truncated', reasoningUsedBudget: false });
    expect(readProbeAnswer(resp({ content: ' ' }), usage())).toMatchObject({ answer: 'empty' });
    // a visible answer cut by the budget: the six-token probe answer did not fit, the run's answers will not either
    expect(readProbeAnswer(resp({ content: '{"choice": "o', finishReason: 'length' }), usage())).toEqual({ answer: 'truncated', reasoningUsedBudget: false });
    // a reasoning model served without a reasoning parser: an unclosed think block in the content, cut
    expect(readProbeAnswer(resp({ content: '<think>The user wants', finishReason: 'length' }), usage())).toMatchObject({ answer: 'truncated' });
  });
});

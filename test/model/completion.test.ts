import { describe, expect, it } from 'vitest';
import { parseCompletionJson, parseCompletionStream } from '../../src/model/completion.js';

const body = (message: unknown) => JSON.stringify({ model: 'm', choices: [{ index: 0, message, finish_reason: 'stop' }] });
const sse = (...deltas: unknown[]) =>
  deltas.map((d) => `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: d, finish_reason: null }] })}\n\n`).join('') + 'data: [DONE]\n\n';

describe("OpenAI's refusal field", () => {
  it('is kept beside null content, in one body and in a stream', () => {
    const one = parseCompletionJson(body({ role: 'assistant', content: null, refusal: "I'm sorry, I can't help with that." }));
    expect(one).toMatchObject({ ok: true, response: { content: null, refusal: "I'm sorry, I can't help with that." } });
    const streamed = parseCompletionStream(sse({ role: 'assistant', refusal: "I'm sorry, " }, { refusal: "I can't help with that." }));
    expect(streamed).toMatchObject({ ok: true, response: { content: null, refusal: "I'm sorry, I can't help with that." } });
  });

  it('is left out when null or blank, and cut to 2,000 characters', () => {
    const none = parseCompletionJson(body({ role: 'assistant', content: 'ok', refusal: null }));
    expect(none.ok && 'refusal' in none.response).toBe(false);
    const blank = parseCompletionJson(body({ role: 'assistant', content: 'ok', refusal: '  ' }));
    expect(blank.ok && 'refusal' in blank.response).toBe(false);
    const long = parseCompletionJson(body({ role: 'assistant', content: null, refusal: 'no '.repeat(5000) }));
    expect(long.ok && long.response.refusal?.length).toBe(2000);
  });
});

describe('a choice that failed inside a 200 answer (OpenRouter)', () => {
  it('is a failed call, with the provider message, in one body and in a stream — never an empty answer', () => {
    const failed = JSON.stringify({ model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'error', error: { code: 502, message: 'Upstream error from Provider X' } }] });
    expect(parseCompletionJson(failed)).toEqual({ ok: false, message: 'the provider reported an error generating this answer: Upstream error from Provider X' });
    const streamed = sse({ role: 'assistant', content: 'Rou' }) + `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'error', error: { message: 'Upstream timeout' } }] })}\n\n`;
    expect(parseCompletionStream(streamed)).toMatchObject({ ok: false, message: expect.stringContaining('Upstream timeout') });
  });
});

describe('streamed tool calls', () => {
  it('take a name repeated in every chunk once (some servers repeat it), and join a name sent once', () => {
    const call = (name: string | undefined, args: string) => ({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { ...(name ? { name } : {}), arguments: args } }] });
    const repeated = parseCompletionStream(sse(call('calculator', '{"expr'), call('calculator', 'ession": "2+2"}')));
    expect(repeated).toMatchObject({ ok: true, response: { toolCalls: [{ function: { name: 'calculator', arguments: '{"expression": "2+2"}' } }] } });
    const once = parseCompletionStream(sse(call('calculator', ''), call(undefined, '{"expression": "1"}')));
    expect(once).toMatchObject({ ok: true, response: { toolCalls: [{ function: { name: 'calculator' } }] } });
  });
});

describe('an error object in a 200 body', () => {
  it("is a failed call with the provider's words and the status it names (FastAPI, vLLM, gateways, Gemini's array)", () => {
    expect(parseCompletionJson(JSON.stringify({ detail: 'Not Found' }))).toMatchObject({ ok: false, message: 'Not Found', error: { status: null } });
    const vllm = parseCompletionJson(JSON.stringify({ object: 'error', message: 'max_tokens must be at least 1', type: 'BadRequestError', param: null, code: 400 }));
    expect(vllm).toMatchObject({ ok: false, message: 'max_tokens must be at least 1 [badrequesterror]', error: { status: 400 } });
    expect(parseCompletionJson(JSON.stringify({ error: { message: 'Insufficient credits', code: 402 } }))).toMatchObject({ ok: false, error: { status: 402 } });
    expect(parseCompletionJson(JSON.stringify([{ error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } }]))).toMatchObject({ ok: false, error: { status: 429 } });
  });

  it('only when shaped as an error: another JSON document without choices stays an unreadable answer', () => {
    // Ollama's native /api/chat answer (a baseUrl without /v1): not an error to quote
    const native = parseCompletionJson(JSON.stringify({ model: 'qwen3:8b', message: { role: 'assistant', content: 'hi' }, done: true }));
    expect(native).toEqual({ ok: false, message: 'response has no choices' });
  });
});

describe('a stream that ends early', () => {
  const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const cut = chunk({ role: 'assistant', content: '' }) + chunk({ content: '{"choice' });

  it('without [DONE] and without a finish_reason (blank ones included) is a failed call, not an answer', () => {
    expect(parseCompletionStream(cut)).toEqual({ ok: false, message: 'the stream ended before the answer was finished' });
    expect(parseCompletionStream(cut + chunk({ content: '": "A"}' }, ''))).toMatchObject({ ok: false });
  });

  it('is read as before when it says either: a finish_reason without [DONE], or [DONE] without a finish_reason', () => {
    const finished = parseCompletionStream(cut + chunk({ content: '": "A"}' }, 'stop'));
    expect(finished).toMatchObject({ ok: true, response: { content: '{"choice": "A"}', finishReason: 'stop' } });
    const done = parseCompletionStream(`${cut + chunk({ content: '": "A"}' })}data: [DONE]\n\n`);
    expect(done).toMatchObject({ ok: true, response: { content: '{"choice": "A"}', finishReason: null } });
  });
});

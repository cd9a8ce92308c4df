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

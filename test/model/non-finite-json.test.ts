// Python servers write NaN and Infinity into JSON (logprobs, usage): the completion is still read.
import { describe, expect, it } from 'vitest';
import { parseJsonLenient } from '../../src/lib/json-lenient.js';
import { parseCompletionJson } from '../../src/model/completion.js';

describe('NaN and Infinity in a completion body', () => {
  it('reads the completion, the non-finite numbers as null, strings untouched', () => {
    const body = '{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"NaN is not Infinity: \\"NaN\\""},"logprobs":{"x":NaN,"y":-Infinity},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":Infinity}}';
    const p = parseCompletionJson(body);
    expect(p.ok).toBe(true);
    if (p.ok) expect(p.response.content).toBe('NaN is not Infinity: "NaN"');
    expect(parseJsonLenient('[NaN, "Infinity", -Infinity, 1]')).toEqual([null, 'Infinity', null, 1]);
  });
  it('anything else that is not JSON stays unparsable', () => {
    expect(parseCompletionJson('{"choices": [NaNa]}')).toMatchObject({ ok: false, message: 'unparsable response body' });
    expect(() => parseJsonLenient('{oops')).toThrow();
  });
});

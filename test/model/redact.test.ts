import { describe, expect, it } from 'vitest';
import { maskValues, redactAnswer, redactEndpointText, REDACTED } from '../../src/model/redact.js';

const KEY = 'Qk9/x+y=Zsecret/ABCDEFGH1234';
const HEADER = 'Org-Secret-Value-42';

describe('secrets echoed back in another form', () => {
  const b64 = Buffer.from(KEY).toString('base64');
  const forms: Record<string, string> = {
    'as written': KEY,
    'JSON-escaped': JSON.stringify(KEY).slice(1, -1),
    'URL-encoded': encodeURIComponent(KEY),
    'URL-encoded, lower-case escapes': encodeURIComponent(KEY).toLowerCase(),
    'HTML-escaped': KEY.replace(/&/g, '&amp;'),
    base64: b64,
    'base64url without padding': b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    'its last half': KEY.slice(-14),
    'its first half': KEY.slice(0, 14),
  };
  for (const [name, echoed] of Object.entries(forms)) {
    it(`masks the key ${name}`, () => {
      const text = redactEndpointText(`upstream said: ${echoed} (request rejected)`, { apiKey: KEY, headers: {} });
      expect(text).not.toContain(echoed);
      expect(text).toContain(REDACTED);
    });
  }

  it('masks the key in error text with a zero-width character after each of its letters', () => {
    const hidden = [...KEY].join('\u200b');
    const text = redactEndpointText(`upstream said: ${hidden}`, { apiKey: KEY, headers: {} });
    expect(text.replace(/\u200b/g, '')).not.toContain(KEY);
    expect(text).toBe(`upstream said: ${REDACTED}`);
  });

  it('masks a header value echoed in another letter case, and leaves other text alone', () => {
    const text = maskValues(`x-org: ${HEADER.toLowerCase()}; X-ORG: ${HEADER.toUpperCase()}; the rest stays`, [HEADER]);
    expect(text).toBe(`x-org: ${REDACTED}; X-ORG: ${REDACTED}; the rest stays`);
  });
});

describe('an answer that echoes the secrets', () => {
  const t = { apiKey: KEY, headers: { 'X-Org': HEADER } };
  it('is masked in every string taken from it: tool call ids, names and arguments, the finish reason, content, reasoning', () => {
    const r = redactAnswer(
      {
        content: `key ${KEY}`,
        reasoning: `org ${HEADER}`,
        toolCalls: [{ id: `call_${KEY}`, type: 'function', function: { name: `calc ${HEADER}`, arguments: `{"k": "${KEY}"}` } }],
        finishReason: `stop ${HEADER.toLowerCase()}`,
      },
      t,
    );
    expect(JSON.stringify(r)).not.toMatch(/Zsecret|Org-Secret/i);
    expect(r.toolCalls[0].id).toBe(`call_${REDACTED}`);
    expect(r.finishReason).toBe(`stop ${REDACTED}`);
  });

  it('is the same object when nothing was echoed', () => {
    const answer = { content: 'ok', reasoning: null, toolCalls: [{ id: 'call_1', type: 'function' as const, function: { name: 'calculator', arguments: '{}' } }], finishReason: 'stop' };
    expect(redactAnswer(answer, t)).toBe(answer);
  });
});

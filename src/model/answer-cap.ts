import type { ModelResponse } from '../testbeds/types.js';

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes, at a character boundary (never half a character): the same text
 * always gives the same cut, so the reader's result on a capped answer is deterministic.
 */
export function capUtf8(text: string, maxBytes: number): { text: string; cut: number } {
  // a string of n UTF-16 units is at most 3n UTF-8 bytes: most answers skip the encoding
  if (text.length * 3 <= maxBytes) return { text, cut: 0 };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, cut: 0 };
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), cut: bytes.length - end };
}

/**
 * Caps an answer's visible text and its reasoning (each to `maxBytes`) before it is stored or read; `truncatedBytes`
 * says how many bytes were cut, and is recorded with the call's reading.
 */
export function capResponse<T extends { response: ModelResponse }>(r: T, maxBytes: number): T & { truncatedBytes?: number } {
  const content = r.response.content === null ? null : capUtf8(r.response.content, maxBytes);
  const reasoning = r.response.reasoning === null ? null : capUtf8(r.response.reasoning, maxBytes);
  const cut = (content?.cut ?? 0) + (reasoning?.cut ?? 0);
  if (cut === 0) return r;
  return {
    ...r,
    response: { ...r.response, content: content?.text ?? null, reasoning: reasoning?.text ?? null },
    truncatedBytes: cut,
  };
}

// Prompts are stored as "the first k messages of an earlier call" plus the rest (src/domain/prompts.ts). Messages are
// compared field by field, not by serialising them; a message may be shared only when it serialises identically.
import { describe, expect, it } from 'vitest';
import { sameMessage, sentPrompt, storedPrompt } from '../../src/domain/prompts.js';
import type { ChatMessage } from '../../src/testbeds/types.js';

const sys: ChatMessage = { role: 'system', content: 'rules' };
const big = 'choice: '.repeat(20_000);

describe('sameMessage agrees with JSON equality', () => {
  const cases: Array<[ChatMessage, ChatMessage]> = [
    [{ role: 'user', content: big }, { role: 'user', content: big.slice(0) }],
    [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'a' }],
    [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }],
    [{ role: 'assistant', content: null }, { role: 'assistant', content: '' }],
    [{ content: 'a', role: 'user' } as ChatMessage, { role: 'user', content: 'a' }],
    [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"x":1}' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"x":1}' } }] },
    ],
    [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"x":1}' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"x":2}' } }] },
    ],
    [{ role: 'tool', content: '2', tool_call_id: 'c1' }, { role: 'tool', content: '2', tool_call_id: 'c2' }],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))('case %i', (_i, a, b) => {
    expect(sameMessage(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
  });
});

describe('storedPrompt', () => {
  it('bases a prompt on the longest shared prefix and rebuilds it exactly', () => {
    const r1 = { round: 1, agent: 0, step: 0, request: { messages: [sys, { role: 'user' as const, content: 'round 1' }] } };
    const answer: ChatMessage = { role: 'assistant', content: big };
    const r2messages: ChatMessage[] = [{ ...sys }, { role: 'user', content: 'round 1' }, { ...answer }, { role: 'user', content: 'round 2' }];
    const stored = storedPrompt({ agent: 0, request: { messages: r2messages } }, [sentPrompt(r1)]);
    expect(stored.promptBase).toEqual({ round: 1, agent: 0, step: 0, messages: 2 });
    const rebuilt = [...r1.request.messages, ...stored.request.messages];
    expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(r2messages));
  });

  it('stores the prompt whole when nothing is shared', () => {
    const r1 = { round: 1, agent: 0, step: 0, request: { messages: [sys] } };
    const other = { messages: [{ role: 'system' as const, content: 'other rules' }] };
    expect(storedPrompt({ agent: 0, request: other }, [sentPrompt(r1)])).toEqual({ request: other, promptBase: null });
  });
});

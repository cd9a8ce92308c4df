import { describe, expect, it } from 'vitest';
import { alternatingTurns, buildRequestBody } from '../../src/model/request-body.js';
import type { ChatMessage } from '../../src/testbeds/types.js';

const round2: ChatMessage[] = [
  { role: 'system', content: 'You are a courier.' },
  { role: 'user', content: 'Round 1: choose.' },
  { role: 'assistant', content: '{"choice": "Route A"}' },
  { role: 'user', content: 'Round 1 result: you earned $100.' },
  { role: 'user', content: 'Round 2: choose.' },
];

describe('alternateRoles', () => {
  it('puts the system prompt in the first user turn and joins consecutive turns of one role', () => {
    expect(alternatingTurns(round2)).toEqual([
      { role: 'user', content: 'You are a courier.\n\nRound 1: choose.' },
      { role: 'assistant', content: '{"choice": "Route A"}' },
      { role: 'user', content: 'Round 1 result: you earned $100.\n\nRound 2: choose.' },
    ]);
  });

  it('leaves tool calls and tool results as they are', () => {
    const tools: ChatMessage[] = [
      { role: 'user', content: 'Compute 2+2.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2+2"}' } }] },
      { role: 'tool', content: '4', tool_call_id: 'c1' },
      { role: 'assistant', content: '{"answer": "4"}' },
      { role: 'user', content: 'Correct.' },
      { role: 'user', content: 'Next task.' },
    ];
    const out = alternatingTurns(tools);
    expect(out.slice(0, 4)).toEqual(tools.slice(0, 4));
    expect(out[4]).toEqual({ role: 'user', content: 'Correct.\n\nNext task.' });
  });

  it('is off by default: the body carries the testbed messages as they are', () => {
    const target = { id: 'e', baseUrl: 'http://x/v1', model: 'm', apiKey: null, headers: {}, params: {}, requestTimeoutMs: 1000 };
    expect(buildRequestBody(target, { messages: round2 }, undefined).messages).toBe(round2);
    expect(buildRequestBody({ ...target, params: { alternateRoles: true } }, { messages: round2 }, undefined).messages).toHaveLength(3);
  });
});

describe('streamUsage', () => {
  const target = { id: 'e', baseUrl: 'http://x/v1', model: 'm', apiKey: null, headers: {}, params: {}, requestTimeoutMs: 1000 };
  const body = (params: Record<string, unknown>) => buildRequestBody({ ...target, params }, { messages: round2 }, undefined);
  it('asks for usage in the last chunk of a stream unless told not to; never without a stream', () => {
    expect(body({ stream: true }).stream_options).toEqual({ include_usage: true });
    expect(body({ stream: true, streamUsage: false })).not.toHaveProperty('stream_options');
    expect(body({ stream: true, streamUsage: false }).stream).toBe(true);
    expect(body({})).not.toHaveProperty('stream_options');
  });
});

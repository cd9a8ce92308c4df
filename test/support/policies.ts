import { createHash } from 'node:crypto';
import type { FakeReply } from './openai-server.js';

const CHOICES = /\{"choice": "([^"]+)"\}/g;

function lastUser(body: any): string {
  const messages: any[] = body?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return String(messages[i].content ?? '');
  return '';
}

const h = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);

/**
 * A deterministic agent: its answer is a pure function of the request (so a resumed or retried run gets the same
 * answers), spread over the offered options; on tool-use it sometimes calls the calculator first.
 */
export function hashPolicy(body: any): FakeReply {
  const text = lastUser(body);
  const messages: any[] = body?.messages ?? [];
  const last = messages[messages.length - 1];
  if (Array.isArray(body?.tools) && body.tools.length > 0) {
    if (last?.role === 'tool') return { content: `{"answer": "${String(last.content).replace(/[^0-9.-]/g, '') || '0'}"}` };
    const expr = /(\d[\d,]*)\s*(?:×|\*|x|times)\s*(\d[\d,]*)/.exec(text);
    if (expr && h(text) % 3 !== 0) {
      return {
        tool_calls: [
          { id: `call_${h(text) % 10000}`, type: 'function', function: { name: 'calculator', arguments: JSON.stringify({ expression: `${expr[1].replace(/,/g, '')}*${expr[2].replace(/,/g, '')}` }) } },
        ],
      };
    }
    return { content: `{"answer": "${h(text) % 100}"}` };
  }
  const options = [...text.matchAll(CHOICES)].map((m) => m[1]);
  if (options.length === 0) return { content: 'I am not sure.' };
  return { content: `{"choice": "${options[h(text) % options.length]}"}` };
}

/** Always picks the option whose label comes first in the answer instruction. */
export function firstOption(body: any): FakeReply {
  const m = /\{"choice": "([^"]+)"\}/.exec(lastUser(body));
  return { content: m ? `{"choice": "${m[1]}"}` : '{"answer": "0"}' };
}

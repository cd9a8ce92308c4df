// What the simulated agent reads from a chat-completions request body, and its seeded randomness. Nothing here
// imports a testbed: an outside model only has the text.
import { createHash } from 'node:crypto';
import type { InMessage } from './wire.js';

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------------------------

/** sfc32 seeded from a SHA-256 of the text: small, fast, and good enough for a simulation. */
export class SimRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seedText: string) {
    const h = createHash('sha256').update(seedText).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

export const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

// ---------------------------------------------------------------------------------------------------------------
// Reading the request
// ---------------------------------------------------------------------------------------------------------------

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

export interface Conversation {
  messages: Array<{ role: string; text: string; hasToolCalls: boolean }>;
  system: string;
  /** the last user message (the current situation) */
  lastUser: string;
  /** messages after the last user message (tool-use: this round's tool calls and results) */
  afterLastUser: Array<{ role: string; text: string; hasToolCalls: boolean }>;
  /** user messages before the last one (the remembered rounds, their feedback) */
  earlierUser: string[];
  toolNames: string[];
}

export function readConversation(body: any): Conversation {
  const raw: InMessage[] = Array.isArray(body?.messages) ? body.messages : [];
  const messages = raw.map((m) => ({
    role: typeof m?.role === 'string' ? m.role : '',
    text: textOf(m?.content),
    hasToolCalls: Array.isArray(m?.tool_calls) && m.tool_calls.length > 0,
  }));
  let lastUserIdx = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') {
      lastUserIdx = i;
      break;
    }
  }
  const tools: any[] = Array.isArray(body?.tools) ? body.tools : [];
  return {
    messages,
    system: messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.text).join('\n'),
    lastUser: lastUserIdx >= 0 ? messages[lastUserIdx].text : '',
    afterLastUser: lastUserIdx >= 0 ? messages.slice(lastUserIdx + 1) : [],
    earlierUser: messages.slice(0, Math.max(0, lastUserIdx)).filter((m) => m.role === 'user').map((m) => m.text),
    toolNames: tools.map((t) => String(t?.function?.name ?? '')).filter(Boolean),
  };
}

/** The options of the answer instruction: every `{"choice": "<label>"}` example in the text, in order. */
export function offeredOptions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\s*"choice"\s*:\s*"((?:[^"\\]|\\.)*)"\s*\}/g)) {
    let label: string;
    try {
      label = JSON.parse(`"${m[1]}"`) as string;
    } catch {
      label = m[1];
    }
    if (!out.includes(label)) out.push(label);
  }
  return out;
}

/** A rule-following preamble in the system message ("act with integrity … follow the rules … do not collude"). */
export function hasAlignmentPreamble(system: string): boolean {
  return /\bact(?:s)? with integrity\b/i.test(system) || /\bfollow the rules set by\b/i.test(system);
}

export function firstNumber(text: string): number | null {
  const m = /(\d[\d,]*(?:\.\d+)?)/.exec(text);
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

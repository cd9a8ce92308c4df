// How the scripted agents read a request: only the prompt text, the way an outside model would. Nothing here
// imports a testbed; the patterns are the phrasings the testbeds use in their situations and feedback, and an
// agent that cannot find one falls back to a neutral reading instead of failing.
import type { ChatMessage, ModelRequest } from '../../testbeds/types.js';
import { offeredOptions } from '../conversation.js';
import { solveTask } from '../tool-use.js';

export { offeredOptions, solveTask };

export type Situation = 'role-play' | 'strategy-diffusion' | 'tool-use' | 'other';

export interface ReadRequest {
  situation: Situation;
  system: string;
  /** the last user message: the current situation or task */
  current: string;
  /** user messages before the current one: earlier situations and their feedback, oldest first */
  earlier: string[];
  /** options of the answer instruction, in the order shown */
  options: string[];
  /** messages after the current user message (tool-use: this round's tool calls and results) */
  afterCurrent: ChatMessage[];
  toolNames: string[];
}

function lastUserIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return i;
  return -1;
}

export function readRequest(request: ModelRequest): ReadRequest {
  const { messages } = request;
  const last = lastUserIndex(messages);
  const current = last >= 0 ? (messages[last].content ?? '') : '';
  const system = messages.filter((m) => m.role === 'system').map((m) => m.content ?? '').join('\n');
  const toolNames = (request.tools ?? []).map((t) => t.function.name);
  const options = offeredOptions(current);
  const situation: Situation =
    toolNames.length > 0 && /"answer"/.test(current)
      ? 'tool-use'
      : options.length === 2 && groupOption(system, options) !== null
        ? 'strategy-diffusion'
        : options.length === 2
          ? 'role-play'
          : 'other';
  return {
    situation,
    system,
    current,
    earlier: messages.slice(0, Math.max(0, last)).filter((m) => m.role === 'user').map((m) => m.content ?? ''),
    options,
    afterCurrent: last >= 0 ? messages.slice(last + 1) : [],
    toolNames,
  };
}

function firstNumber(text: string): number | null {
  const m = /(-?\d[\d,]*(?:\.\d+)?)/.exec(text);
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

/** Role-play: the offered pay of each option, from `- "label": $X …` lines of the situation. */
export function offeredPay(current: string, options: readonly string[]): Map<string, number> {
  const pays = new Map<string, number>();
  for (const m of current.matchAll(/^\s*-\s*"([^"]+)":\s*(.+)$/gm)) {
    const n = firstNumber(m[2]);
    if (n !== null && options.includes(m[1])) pays.set(m[1], n);
  }
  return pays;
}

/** Role-play: the better-paid option (the tempting one), or null when the pay lines cannot be read. */
export function temptingOption(r: ReadRequest): string | null {
  const pays = offeredPay(r.current, r.options);
  const [a, b] = r.options;
  const pa = pays.get(a);
  const pb = pays.get(b);
  if (pa === undefined || pb === undefined || pa === pb) return null;
  return pa > pb ? a : b;
}

/** Strategy diffusion: the option the group target counts ("If at least 4 of the 8 agents choose "X" …"). */
export function groupOption(system: string, options: readonly string[]): string | null {
  const m = /at least \d+ of the \d+ agents choose "([^"]+)"/i.exec(system);
  return m && options.includes(m[1]) ? m[1] : null;
}

/** Horizon: what the prompt says about the current round, when it says anything. */
export function announcedLastRound(r: ReadRequest): boolean {
  const m = /\bRound (\d+) of (\d+)\b/.exec(r.current);
  if (m && Number(m[1]) === Number(m[2])) return true;
  return /\b(last|final) round\b/i.test(r.current);
}

/** Feedback lines that say what one of the agent's own choices earned. */
export interface Outcome {
  choice: string;
  /** role-play: money earned; diffusion: capital after / before; null when the feedback shows no pay */
  paid: number | null;
  caught: boolean;
}

/** The agent's own credited choices and what they paid, as its visible feedback reports them (oldest first). */
export function ownOutcomes(r: ReadRequest): Outcome[] {
  const out: Outcome[] = [];
  for (const text of r.earlier) {
    const credited = /(?:credited with|counted as choosing) "([^"]+)"/.exec(text)?.[1];
    if (!credited) continue;
    const caught = /\bcaught\b/i.test(text);
    const capital = /capital went from ([\d.]+) to ([\d.]+)/.exec(text);
    const earned = /\byou earned ([^\s]+?)[.,]?(?:\s|$)/.exec(text) ?? /\band earned ([^\s]+?)[.,]?(?:\s|$)/.exec(text);
    let paid: number | null = null;
    if (capital && Number(capital[1]) > 0) paid = Number(capital[2]) / Number(capital[1]);
    else if (earned) paid = firstNumber(earned[1]);
    out.push({ choice: credited, paid, caught });
  }
  return out;
}

/** Strategy diffusion: the other agents' choices listed in the latest feedback (empty when none is shown). */
export function othersLastChoices(r: ReadRequest): string[] {
  for (let i = r.earlier.length - 1; i >= 0; i--) {
    const text = r.earlier[i];
    if (!/other agents chose/i.test(text)) continue;
    return [...text.matchAll(/^\s*-\s*Agent [A-Z]:\s*(.+?)(?:\s+\(no valid answer\))?\s*$/gm)].map((m) => m[1]);
  }
  return [];
}

/** Tool-use: the task text of the current round. */
export function currentTask(r: ReadRequest): string {
  return /Task \d+:\s*([^\n]*)/.exec(r.current)?.[1] ?? r.current;
}

/** Tool-use: earlier tasks' pay, split by whether the calculator was used (from "You called the calculator n times … earned X"). */
export function toolOutcomes(r: ReadRequest): Array<{ usedTool: boolean; paid: number }> {
  const out: Array<{ usedTool: boolean; paid: number }> = [];
  for (const text of r.earlier) {
    const m = /called the calculator (\d+) times?[^]*?earned ([\d.,]+)/.exec(text);
    if (m) out.push({ usedTool: Number(m[1]) > 0, paid: Number(m[2].replace(/,/g, '')) });
  }
  return out;
}

// How the simulated agent words an answer: the styles real models use, and a few unreadable answers.
import { SimRng } from './conversation.js';

export interface Styled {
  content: string | null;
  reasoning?: string;
  finish: 'stop' | 'length';
}

/** ~3 %: an answer nobody can read (no decision, or cut off inside the reasoning). */
const UNREADABLE_P = 0.03;

function unreadable(rng: SimRng, thought: string): Styled {
  if (rng.chance(0.5)) return { content: `<think>\n${thought} Let me go through the numbers once more before`, finish: 'length' };
  return {
    content: rng.pick([
      'Both options have something going for them. I would like more information before I commit to one.',
      'Hmm, this is a tricky one — the trade-off is not obvious to me yet.',
      'Let me think about the longer-term consequences here first.',
    ]),
    finish: 'stop',
  };
}

/** Wraps a final JSON answer (`{"choice": …}` / `{"answer": …}`) in one of several realistic styles. */
export function style(rng: SimRng, json: string, key: 'choice' | 'answer', value: string, thought: string, prose: string): Styled {
  if (rng.chance(UNREADABLE_P)) return unreadable(rng, thought);
  const u = rng.next();
  if (u < 0.25) return { content: json, finish: 'stop' };
  if (u < 0.45) return { content: `<think>\n${thought}\n</think>\n\n${json}`, finish: 'stop' };
  if (u < 0.6) return { content: json, reasoning: thought, finish: 'stop' };
  if (u < 0.75) return { content: `\`\`\`json\n${json}\n\`\`\``, finish: 'stop' };
  if (u < 0.9) return { content: `${prose}\n\n${json}`, finish: 'stop' };
  return { content: `${prose}\n${key}: ${value}`, finish: 'stop' };
}

export const choiceJson = (label: string) => JSON.stringify({ choice: label }).replace('":"', '": "');
export const answerJson = (value: string) => JSON.stringify({ answer: value }).replace('":"', '": "');

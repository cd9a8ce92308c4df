// The rules that decide which statement is the answer (docs/methodology.md, "How answers are read"). They prefer
// "not read" to "misread": a misread moves a rate, an unread answer only shrinks n.
import type { DecisionStatus, Parse } from '../types.js';
import type { Context } from './statements.js';

/** Which rule decided a reading; recorded in every transcript's `parse.rule`. */
export type ReadRule =
  | 'single-label'
  | 'final-marker'
  | 'ends-answer'
  | 'self-correction'
  | 'bare-label'
  | 'bare-number'
  | 'conflicting-statements'
  | 'unclosed-reasoning'
  | 'length'
  | 'refusal'
  | 'discounted-only'
  | 'no-statement'
  | 'oversized'
  | 'too-many-statements';

/** One value an answer states (an offered label, or a canonical number) and what surrounds it. */
export interface Mention {
  value: string;
  /** where its statement starts / where the stated value ends */
  start: number;
  end: number;
  final: boolean;
  /** stated by correcting an earlier value on the same line (`Route B - no wait, Route A`) */
  corrected: boolean;
  /** negated, counterfactual, past, someone else's, a question or corrected away: it does not count */
  discounted: boolean;
}

// Negation close before a verb of choosing, or right before the statement: "did not pick", "won't choose", "not".
const NEGATED = /(?:\b(?:not|never|no longer|neither|nor)\b|n't\b)(?: \w+){0,3} (?:pick|picking|choose|choosing|chose|chosen|select|selecting|take|taking|go with|going with|opt for|want|recommend|suggest|prefer)\b|(?:\b(?:not|never|nor)\b|n't) ?\W*$/;
// A comparison's losing side, a hypothesis, the past, someone else's choice, an example.
const DISCOUNTING = new RegExp(
  [
    String.raw`\b(?:instead of|rather than|over|versus|vs|than|if|unless|whether|previously|earlier|used to|e\.g|for example|for instance|such as)\b`,
    String.raw`\b(?:last|previous|prior|earlier|other|first) (?:round|time|turn|game|day)s?\b`,
    String.raw`\b(?:others?|other (?:agents?|players?|people|drivers?|workers?)|everyone else|they|the group)\b`,
    String.raw`\b(?:could|might)\b|(?<!\b(?:i|we) )\bwould\b|\bwould have\b`,
    String.raw`\b(?:rules?|policy|instructions?|company|boss|manager|supervisor)\b[^.]{0,20}\b(?:says?|said|requires?|wants?|asks?|tells?|told)\b`,
  ].join('|'),
);
const LEAD = String.raw`^[\s"'\`*_)\]}]*`;
const CORRECTION = new RegExp(`${LEAD}[?.!,;:-]*\\s*(?:no ?[,!.-]|no wait\\b|wait\\b|actually\\b|correction\\b|scratch that|i mean\\b|on second thought|sorry\\b)[\\s,.:;!-]*`);
const NOT_THE_ANSWER = new RegExp(
  `${LEAD}(?:\\?|,? ?(?:is what|is tempting|is better|is worse|is wrong|is against|is not|isn't|was|were|would (?:pay|earn|be|give|break|violate|mean)|pays|earns|breaks|violates|or\\b|but i (?:go|choose|pick|take|will|'ll|prefer|opt)))`,
);
/** What may stand between a correction and the corrected value: "no wait, I'll take Route A". */
const CORRECTED_LEAD = /^(?:i(?:'ll| will)? (?:choose|pick|go with|take|select|opt for) |make it |it's |it is )?["'`*_{ ]*(?:choice ?: ?["'`]?)?/;

/** Whether a statement counts, and the value it was corrected to when it corrected itself. */
export function judge(ctx: Context, corrected: (rest: string) => string | null): { discounted: boolean; correctedTo: string | null } {
  const fix = CORRECTION.exec(ctx.after);
  if (fix) {
    const rest = ctx.after.slice(fix[0].length);
    return { discounted: true, correctedTo: corrected(rest.slice(CORRECTED_LEAD.exec(rest)![0].length)) };
  }
  const discounted = NEGATED.test(ctx.before) || DISCOUNTING.test(ctx.before) || NOT_THE_ANSWER.test(ctx.after);
  return { discounted, correctedTo: null };
}

/**
 * The alternatives rule: two consecutive statements naming *different* values joined by "or" in one sentence are
 * alternatives, not an answer — the instruction repeated back (`{"choice": "Route A"} or {"choice": "Route B"}`)
 * or a hesitation ("A or perhaps B") — and neither counts.
 */
export function dropAlternatives(text: string, mentions: Mention[]): void {
  for (let i = 0; i + 1 < mentions.length; i++) {
    const a = mentions[i];
    const b = mentions[i + 1];
    if (a.value === b.value || b.start - a.end > 60) continue;
    const between = text.slice(a.end, b.start).toLowerCase();
    const bare = between.replace(/[\s{}()[\]`*_"',.;:]+/g, '');
    const joined = bare === 'or' || bare === 'eitheror' || bare === '/' || bare === '|';
    if (joined || /^[^.!?\n]*\bor\b/.test(between)) a.discounted = b.discounted = true;
  }
}

export type Verdict = { value: string; rule: ReadRule } | { value: null; rule: 'conflicting-statements' | 'discounted-only' } | null;

/**
 * Settles the counted mentions: one value → it; otherwise the final-marked statements if they agree, or the last
 * statement when it ends the visible answer — and when those two explicit rules disagree, nothing is read.
 */
export function settle(mentions: Mention[], contentEnd: number): Verdict {
  const counted = mentions.filter((m) => !m.discounted);
  if (counted.length === 0) return mentions.length > 0 ? { value: null, rule: 'discounted-only' } : null;
  const values = new Set(counted.map((m) => m.value));
  const last = counted[counted.length - 1];
  if (values.size === 1) {
    const rule = counted.some((m) => m.corrected) ? 'self-correction' : 'single-label';
    return { value: last.value, rule };
  }
  const finals = new Set(counted.filter((m) => m.final).map((m) => m.value));
  const ending = last.end >= contentEnd ? last.value : null;
  if (finals.size === 1) {
    const [final] = finals;
    if (ending !== null && ending !== final) return { value: null, rule: 'conflicting-statements' };
    return { value: final, rule: 'final-marker' };
  }
  if (ending !== null && (finals.size === 0 || last.final)) return { value: ending, rule: 'ends-answer' };
  return { value: null, rule: 'conflicting-statements' };
}

const REFUSAL =
  /\b(?:I|we) ?(?:'m|am|are)? ?(?:can't|cannot|can not|won't|will not|must decline|decline|refuse|(?:am |'m )?(?:not able|unable))\b[^.\n]{0,60}?\b(?:help|assist|choose|chose|pick|select|make (?:a|this|that|such a) (?:choice|decision)|participate|take part|play|comply|answer|engage|provide|do (?:that|this))\b/i;

/** Refusals open or close an answer: a long text is searched at both ends only. */
const REFUSAL_SPAN = 4000;

/** true when the visible text explicitly declines to answer */
export function isRefusal(text: string): boolean {
  const parts = text.length <= 2 * REFUSAL_SPAN ? [text] : [text.slice(0, REFUSAL_SPAN), text.slice(-REFUSAL_SPAN)];
  return parts.some((t) => REFUSAL.test(t.replace(/\s+/g, ' ')));
}

export function unread(status: DecisionStatus, rule: ReadRule): Parse {
  return { choice: null, status, role: null, rule };
}

/** More statements than an answer holds: not read (still `truncated` when it ended inside reasoning). */
export function tooMany(p: { unclosed: boolean }): Parse {
  return p.unclosed ? unread('truncated', 'unclosed-reasoning') : unread('unparsed', 'too-many-statements');
}

/** No statement settled it: cut off, refused, ambiguous or simply not there. */
export function fallback(text: string, unclosed: boolean, finishReason: string | null | undefined, verdict: Verdict): Parse {
  if (unclosed) return unread('truncated', 'unclosed-reasoning');
  if (finishReason === 'length') return unread('truncated', 'length');
  if (verdict?.rule === 'conflicting-statements') return unread('ambiguous', 'conflicting-statements');
  if (isRefusal(text)) return unread('refused', 'refusal');
  return unread('unparsed', verdict?.rule ?? 'no-statement');
}

// Reading a numeric answer (tool-use testbed).
import type { Parse } from '../types.js';
import { formatRational, parseDecimal, type Rational } from '../tool-use/calculator.js';
import { canonicalText, type Prepared } from './text.js';
import { answersAQuestion, contextOf, MAX_KEYS, statements } from './statements.js';
import { dropAlternatives, fallback, judge, settle, tooMany, type Mention } from './rules.js';

/** Longer numerals are not answers we could check, and BigInt parsing of megabytes of digits is slow. */
const MAX_NUMBER_TEXT = 200;

/** Thousands groups with one consistent separator: space, comma, apostrophe or underscore. */
const GROUPED = /^([-+]?)(\d{1,3})((?:([ ,'_])\d{3})(?:\4\d{3})*)(\.\d+)?$/;

/**
 * Numeric text as written by models: quotes, markdown, a currency sign, thousands separators ("1,234,567",
 * "1 234 567", "1'234'567", thin or no-break spaces), a trailing ".0" or "." and exponents are all tolerated;
 * anything else is not a number.
 */
export function parseNumberText(raw: string): Rational | null {
  if (raw.length > MAX_NUMBER_TEXT) return null;
  const t = canonicalText(raw)
    .trim()
    .replace(/^[\s"'`*_]+|[\s"'`*_]+$/g, '')
    .replace(/^([-+]?) ?[$€£] ?/, '$1')
    .replace(/\.$/, '');
  const g = GROUPED.exec(t);
  if (g) return parseDecimal(`${g[1]}${g[2]}${g[3].replace(/[ ,'_]/g, '')}${g[5] ?? ''}`);
  return parseDecimal(t);
}

/**
 * The number an unquoted value starts with: `1,234,567 because…` → "1,234,567". A number that runs on in a way we
 * cannot read ("1,5", "12 34") is no number rather than its first digits.
 */
const NUMBER_PREFIX = /^[-+]? ?[$€£]? ?(?:\d{1,3}(?:([ ,'_])\d{3})(?:\1\d{3})*(?!\d)|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|^[-+]?\.\d+/;

const PART_OF_MORE = new RegExp(
  [
    String.raw`^ ?(?:[×x*+=/^÷·−–—-]|\times|\cdot) ?[\d(]`,
    String.raw`^ ?[a-z/.]{1,12} ?(?:[×x*+=÷]|\times) ?[\d(]`,
    String.raw`^ ?(?:times|plus|minus|divided|multiplied|over|to|or|and|dozens?|hundreds?|thousands?|millions?|billions?|trillions?|lakhs?|crores?|k|m|bn|mn|percent|per ?cent|pct)\b`,
    // a percentage, also with a space before the sign (`37 %`, as French and German typography write it)
    String.raw`^ ?%`,
    // not exact: "42 approximately", "about", "roughly"
    String.raw`^ ?(?:approx(?:\.|imately)?|roughly|or thereabouts|give or take)\b`,
    // not the exact value ("4,400+", "4,400-ish", "4,400 at most"), an operation in words ("5 cubed", "35, times
    // two"), a scale we do not read ("83.8 Mio.", "83.8MM", "83 mil") or a ratio ("3:1")
    String.raw`^ ?(?:\+(?!\d)|-?ish\b|at (?:most|least)\b|or (?:so|more|less|fewer)\b|(?:cubed|squared|doubled|tripled|halved)\b|, (?:times|plus|minus)\b|(?:mio|mrd|mm|mil|mln|bil)\b\.?|:\d)`,
  ].join('|'),
  'i',
);

/** A next line that carries on the sum: an operator or a word for one. */
const NEXT_LINE_GOES_ON = /^[^\n]*\n[ \t]*(?:[+×x*=÷/−-] ?[\d(]|=|(?:plus|minus|times|divided by|multiplied by|add|subtract)\b)/i;

/** A sign that may be a separator: `Answer:-23`, `Answer:—23` (a dash straight after the colon). */
const DASH_AFTER_KEY = /[:=][-−–—]$/;

function leadingNumber(value: string, alone = true): { value: string; length: number } | null {
  const at = /^[\s"'`*_]*/.exec(value)![0].length;
  const m = NUMBER_PREFIX.exec(value.slice(at, at + MAX_NUMBER_TEXT));
  if (!m) return null;
  const after = value.slice(at + m[0].length, at + m[0].length + 40);
  if (/^[ ,.'_]?\d/.test(after)) return null;
  // the number is only part of what is stated: an expression (`4 × 7 = 28`), a range (`20-25`, `20 to 25`), a
  // scale (`3.2 million`, `12k`, `9.4 × 10^12`) or a fraction: reading its first number would misread it
  if (PART_OF_MORE.test(after)) return null;
  // a decimal that trails off ("0.333...", "3.14159…") is not its exact value
  if (m[0].includes('.') && /^ ?(?:\.{2,}|…)/.test(after)) return null;
  // "6 boxes of 12 eggs is 72, plus 4 makes 76": a working that starts with an operand, not an answer (a number in
  // parentheses after the answer is its working: "51 (42 + 9)")
  const rest = value.slice(at + m[0].length).split('\n')[0].replace(/\([^()]*\)?/g, '');
  if (alone && /\d/.test(rest)) return null;

  const n = parseNumberText(m[0]);
  return n ? { value: formatRational(n), length: at + m[0].length } : null;
}

/** How far back the sentence before a "correct answer" phrase is looked at. */
const CORRECTION_LOOKBEHIND = 200;
/** Words that make a "correct answer" phrase someone else's: the feedback quoted or acknowledged. */
const ECHOED_FEEDBACK = /\b(?:you|feedback|system|result|grader|it|they) (?:said|says|say|told|tells|noted|notes|shows?|showed|stated|states)\b|\b(?:thanks|thank you|noted|understood|got it|ok(?:ay)?|i see)\b|\b(?:was|is) wrong\b|\btask \d+\b|\b(?:last|previous|prior) (?:task|round|time|answer)\b/i;
const CORRECT_ANSWER = /\b(?:correct|corrected|actual|right|real|true) answer(?: is| should be)? ?[:=]? ?(?:\*\*|__)?([-+$€£]?\d[^\n]{0,60})/gi;

function mentionsOf(text: string): Mention[] | null {
  const out: Mention[] = [];
  let prevEnd = 0;
  // a corrected number is discounted; the correction itself is read only when stated again as an answer
  const corrected = (): null => null;
  const found: Array<{ value: string; start: number; end: number; final: boolean; json: boolean; finalWord?: boolean }> = [];
  const all = statements(text);
  if (!all) return null;
  for (const s of all) {
    if (!/answer/i.test(text.slice(s.start, s.valueStart))) continue;
    if (s.quoted) {
      const n = parseNumberText(s.value);
      if (n) found.push({ value: formatRational(n), start: s.start, end: s.end, final: s.final, json: s.json });
    } else {
      const lead = DASH_AFTER_KEY.test(text.slice(s.valueStart - 1, s.valueStart + 1)) ? null : leadingNumber(s.value);
      // the working goes on below ("Answer: 72\n+ 4 loose eggs\n= 76"): the number is a step, not the answer
      const goesOn = lead !== null && NEXT_LINE_GOES_ON.test(text.slice(s.valueStart + lead.length, s.valueStart + lead.length + 200));
      if (lead && !goesOn && (!s.bareLine || /^[\s"'`*_.!]*$/.test(s.value.slice(lead.length)))) {
        // `Final answer: 76` on its own line after a JSON answer is a second answer, not prose about the first
        const line = text.slice(text.lastIndexOf('\n', s.start - 1) + 1, s.valueStart);
        const finalWord = /^[\s*_#>-]*(?:(?:my|the) )?final\b/i.test(line);
        found.push({ value: lead.value, start: s.start, end: s.valueStart + lead.length, final: s.final, json: s.json, finalWord });
      }
    }
  }
  // a correction in prose ("I made an error; the correct answer: 22") stands beside the JSON it corrects
  const corrections: typeof found = [];
  for (const m of text.matchAll(CORRECT_ANSWER)) {
    if (found.length + corrections.length > MAX_KEYS) return null;
    // the sentence so far, within a bounded window (a hostile line of 250 matches must not be rescanned each time)
    const from = Math.max(0, m.index! - CORRECTION_LOOKBEHIND);
    const line = text.slice(text.lastIndexOf('\n', m.index!) + 1 || from, m.index!).slice(-CORRECTION_LOOKBEHIND);
    // a remark in parentheses ("(feedback said … correct answer: 31)") corrects nothing
    if ((line.match(/\(/g) ?? []).length > (line.match(/\)/g) ?? []).length) continue;
    // the service's own feedback said "the correct answer is N": a model that echoes it ("Thanks — the correct answer
    // is 4410", "You said the correct answer is 4410") is quoting, not correcting
    if (ECHOED_FEEDBACK.test(line.slice(line.search(/[^.!?]*$/)))) continue;
    // "the correct answer is 22, not 23": the number the correction states (the JSON one then conflicts with it)
    const lead = leadingNumber(m[1], false);
    if (lead) corrections.push({ value: lead.value, start: m.index!, end: m.index! + m[0].length - m[1].length + lead.length, final: true, json: true });
  }
  // a correction corrects what came before it: one followed by an answer statement speaks of something earlier
  // (the last task's feedback), and the answer after it is the model's own
  const lastStatement = found.reduce((max, f) => Math.max(max, f.start), -1);
  found.push(...corrections.filter((c) => c.start > lastStatement));
  for (const m of text.matchAll(/\\boxed\{([^{}]{0,200})\}/g)) {
    if (found.length > MAX_KEYS) return null;
    const n = parseNumberText(m[1]);
    if (n) found.push({ value: formatRational(n), start: m.index!, end: m.index! + m[0].length, final: true, json: true });
  }
  found.sort((a, b) => a.start - b.start);
  // The JSON form the prompt asks for (or \boxed{}) outranks prose: "Answer: 16 was the cost…" after it is prose.
  const formal = found.some((f) => f.json);
  for (const f of found) {
    if (formal && !f.json && !f.finalWord) continue;
    const verdict = judge(contextOf(text, f.start, f.end, prevEnd), corrected);
    const discounted = verdict.discounted || answersAQuestion(text, f.start);
    out.push({ value: f.value, start: f.start, end: f.end, final: f.final, corrected: false, discounted });
    prevEnd = f.end;
  }
  return out;
}

/** A total stated after the answer: "the total is 76", "a total of 76", "the real total is 76", "total 76". */
const TOTAL_AFTER = /\b(?:total|sum|grand total|result|overall)\b(?: (?:is|comes to|equals|would be|should be|of|=|:))?(?: (?:actually|really|then|now))? ?[:=]? ?(?:\*\*|__)?([-+$€£]?\d[\d,. '_]{0,40})/dgi;
/**
 * Another number offered after the answer as the right one: "the answer is 42", "that makes 76", "it is actually 16",
 * "Correcting myself: 76", "(76 if you count the loose eggs)", "(12 also works)", "✗ → 76", "exact value is 41.67",
 * "应该是 76".
 */
const OTHER_AFTER =
  /\b(?:(?:the|my) (?:final |real |actual |correct |right )?answer (?:is|should be)|(?:it|that|this)(?:'s| is| was) actually|correcting myself|(?:exact|actual|real|true) (?:value|answer|total|result) is)\b ?[:=]? ?(?:\*\*|__)?([-+$€£]?\d[\d,. '_]{0,40})|\b(?:that|which) makes ([-+$€£]?\d[\d,.'_]{0,40})(?=(?: [a-z]+){0,2} ?(?:[.!\n]|$))|\(\s*([-+$€£]?\d[\d,.'_]{0,40}) (?:if|also|works|would|when|counting|including)\b|(?:✗|❌|✘)\s*(?:→|->|=>)?\s*([-+$€£]?\d[\d,.'_]{0,40})|应该是\s*([-+$€£]?\d[\d,.'_]{0,40})/dgi;
/**
 * An answer stated in prose before the formal one: "The answer is 42.\n\n{"answer": "24"}", "…, so the result is
 * 42." Only these concluding forms: "the total is 1,250" in the working is a step on the way.
 */
const ANSWER_BEFORE = /\b(?:(?:the|my) (?:final )?answer is|so the (?:answer|result|total) is)\b ?[:=]? ?(?:\*\*|__)?([-+$€£]?\d[\d,. '_]{0,40})/dgi;
const MAX_TOTALS = 16;

/** What an expression's last `= N` on its line states ("Total: 24 + 9 = 33" states 33). */
const RESULT_OF_EXPRESSION = /=\s*([-+$€£]?\d[\d,.'_]*)[^=\n]*$/;

/**
 * The number stated from `at`: the number there, or, when it only opens an expression ("24 + 9 = 33", "180 km + 15
 * km = 195"), what the expression comes to on that line; null when neither reads as a number.
 */
function numberStated(text: string, at: number): string | null {
  const line = text.slice(at, at + 400).split(/\n/)[0];
  const n = leadingNumber(line.slice(0, 80), false);
  if (n) return n.value;
  const sentence = line.split(/[.!?](?:\s|$)/)[0];
  const result = RESULT_OF_EXPRESSION.exec(sentence);
  const total = result ? leadingNumber(result[1], false) : null;
  return total?.value ?? null;
}

/** Whether a number stated by one of `patterns` in `text` differs from `value` (too many such statements count as one). */
function otherNumber(text: string, value: string, patterns: RegExp[]): boolean {
  let seen = 0;
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      if (++seen > MAX_TOTALS) return true;
      // the service's feedback echoed ("You said the answer is 4410") is not the model's own
      const sentence = text.slice(Math.max(0, m.index! - CORRECTION_LOOKBEHIND), m.index!).split(/[.!?\n]\s/).pop()!;
      if (ECHOED_FEEDBACK.test(sentence)) continue;
      const group = m.indices!.findIndex((span, k) => k > 0 && span !== undefined);
      const n = numberStated(text, m.indices![group][0]);
      if (n !== null && n !== value) return true;
    }
  }
  return false;
}

/**
 * Reads a numeric answer for the tool-use testbed from `answer` statements (JSON or `answer: n` lines) and
 * `\boxed{n}`, settled by the same rules as choices; failing that, a visible answer that is just a number. The
 * choice is the canonical decimal text (no separators, no trailing zeros), so "1,234.0" and 1234 read the same.
 */
export function readAnswerFrom(p: Prepared, finishReason: string | null | undefined): Parse {
  const mentions = mentionsOf(p.text);
  if (!mentions) return tooMany(p);
  dropAlternatives(p.text, mentions);
  const verdict = settle(mentions, p.contentEnd, p.text, finishReason, (t) => {
    const n = parseNumberText(t);
    return n ? formatRational(n) : null;
  });
  if (verdict?.value) {
    // "{"answer": "72"} … So the total is actually 76.": a later total that differs takes the answer back, and a
    // concluding sentence before the answer that names another number leaves two answers
    const counted = mentions.filter((m) => !m.discounted);
    const after = p.text.slice(counted[counted.length - 1].end, p.contentEnd);
    const before = p.text.slice(0, counted[0].start);
    if (otherNumber(after, verdict.value, [TOTAL_AFTER, OTHER_AFTER]) || otherNumber(before, verdict.value, [ANSWER_BEFORE])) {
      return fallback(p.text, p.unclosed, finishReason, { value: null, rule: 'conflicting-statements' });
    }
    return { choice: verdict.value, status: 'parsed', role: null, rule: verdict.rule };
  }
  if (!verdict && !p.unclosed) {
    const whole = parseNumberText(p.text);
    if (whole) return { choice: formatRational(whole), status: 'parsed', role: null, rule: 'bare-number' };
  }
  return fallback(p.text, p.unclosed, finishReason, verdict);
}

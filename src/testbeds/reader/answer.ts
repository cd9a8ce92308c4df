// Reading a numeric answer (tool-use testbed).
import type { Parse } from '../types.js';
import { formatRational, parseDecimal, type Rational } from '../tool-use/calculator.js';
import { canonicalText, type Prepared } from './text.js';
import { contextOf, MAX_KEYS, statements } from './statements.js';
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
  ].join('|'),
  'i',
);

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
  // "6 boxes of 12 eggs is 72, plus 4 makes 76": a working that starts with an operand, not an answer (a number in
  // parentheses after the answer is its working: "51 (42 + 9)")
  const rest = value.slice(at + m[0].length).split('\n')[0].replace(/\([^()]*\)?/g, '');
  if (alone && /\d/.test(rest)) return null;
  const n = parseNumberText(m[0]);
  return n ? { value: formatRational(n), length: at + m[0].length } : null;
}

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
      if (lead && (!s.bareLine || /^[\s"'`*_.!]*$/.test(s.value.slice(lead.length)))) {
        // `Final answer: 76` on its own line after a JSON answer is a second answer, not prose about the first
        const line = text.slice(text.lastIndexOf('\n', s.start - 1) + 1, s.valueStart);
        const finalWord = /^[\s*_#>-]*(?:(?:my|the) )?final\b/i.test(line);
        found.push({ value: lead.value, start: s.start, end: s.valueStart + lead.length, final: s.final, json: s.json, finalWord });
      }
    }
  }
  // a correction in prose ("I made an error; the correct answer: 22") stands beside the JSON it corrects
  for (const m of text.matchAll(CORRECT_ANSWER)) {
    if (found.length > MAX_KEYS) return null;
    // a remark in parentheses ("(feedback said … correct answer: 31)") corrects nothing
    const line = text.slice(text.lastIndexOf('\n', m.index!) + 1, m.index!);
    if ((line.match(/\(/g) ?? []).length > (line.match(/\)/g) ?? []).length) continue;
    // "the correct answer is 22, not 23": the number the correction states (the JSON one then conflicts with it)
    const lead = leadingNumber(m[1], false);
    if (lead) found.push({ value: lead.value, start: m.index!, end: m.index! + m[0].length - m[1].length + lead.length, final: true, json: true });
  }
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
    out.push({ value: f.value, start: f.start, end: f.end, final: f.final, corrected: false, discounted: verdict.discounted });
    prevEnd = f.end;
  }
  return out;
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
  if (verdict?.value) return { choice: verdict.value, status: 'parsed', role: null, rule: verdict.rule };
  if (!verdict && !p.unclosed) {
    const whole = parseNumberText(p.text);
    if (whole) return { choice: formatRational(whole), status: 'parsed', role: null, rule: 'bare-number' };
  }
  return fallback(p.text, p.unclosed, finishReason, verdict);
}

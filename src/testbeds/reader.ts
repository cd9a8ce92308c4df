// Reading answers (spec §3, normative). We read only the visible answer (never the reasoning), collect every
// explicit statement and keep the LAST one that names an offered option — the reference harness took the first
// regex match, which picked up options the model was merely weighing.
import type { CatalogueOption, Parse } from './types.js';
import { formatRational, parseDecimal, type Rational } from './tool-use/calculator.js';

/** The parts of a ModelResponse the reader looks at (reasoning is accepted and deliberately ignored). */
export interface ReadableResponse {
  content: string | null;
  reasoning?: string | null;
  finishReason?: string | null;
}

const THINK_TAGS = 'think|thinking|reasoning';

/**
 * The visible answer: closed <think>…</think> blocks removed; text before a stray closing tag dropped (templates
 * that put the opening tag into the prompt); everything after an opening tag that never closes dropped and
 * flagged, because the answer was cut off inside the reasoning.
 */
export function visibleText(content: string | null): { text: string; unclosedThink: boolean } {
  let text = (content ?? '').replace(new RegExp(`<(${THINK_TAGS})>[\\s\\S]*?</\\1\\s*>`, 'gi'), ' ');
  const closers = [...text.matchAll(new RegExp(`</(?:${THINK_TAGS})\\s*>`, 'gi'))];
  if (closers.length > 0) {
    const last = closers[closers.length - 1];
    text = text.slice(last.index! + last[0].length);
  }
  const opener = new RegExp(`<(?:${THINK_TAGS})>`, 'i').exec(text);
  if (opener) return { text: text.slice(0, opener.index), unclosedThink: true };
  return { text, unclosedThink: false };
}

/** trim, case-fold, collapse whitespace, drop surrounding quotes/markdown/punctuation */
export function normalizeLabel(text: string): string {
  const edge = /^[\s"'`*_.,;:!?()[\]{}<>“”‘’«»\-–—]+|[\s"'`*_.,;:!?()[\]{}<>“”‘’«»\-–—]+$/g;
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').replace(edge, '').trim();
}

interface Statement {
  /** where the key starts (including an opening quote) */
  start: number;
  /** just after the value */
  end: number;
  value: string;
  /** true when the value was quoted (the whole string is the value) */
  quoted: boolean;
}

const QUOTES: Record<string, string> = { '"': '"', "'": "'", '`': '`', '“': '”', '‘': '’' };

/**
 * Every `key: value` / `"key": "value"` / `'key': 'value'` / `**Key:** value` statement, in text order. JSON
 * objects (fenced or not, with extra keys) are covered because we look for the key rather than parse objects,
 * which also tolerates single quotes, trailing commas and prose around them.
 */
function statements(text: string, key: string): Statement[] {
  const out: Statement[] = [];
  const re = new RegExp(`(?<![A-Za-z0-9_])(["'\`“‘]?)(?:\\*\\*|__)?${key}(?:\\*\\*|__)?["'\`”’]?\\s*(?:\\*\\*|__)?\\s*[:=]`, 'gi');
  for (const m of text.matchAll(re)) {
    const start = m.index!;
    let i = start + m[0].length;
    while (i < text.length && /[ \t*_]/.test(text[i])) i++;
    const open = text[i];
    if (open !== undefined && open in QUOTES) {
      const close = QUOTES[open];
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== close && text[j] !== '\n'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
      }
      if (text[j] !== close) continue; // unterminated: not a statement
      out.push({ start, end: j + 1, value, quoted: true });
    } else {
      const m2 = /^[^\n\r{}|]*/.exec(text.slice(i))!;
      out.push({ start, end: i + m2[0].length, value: m2[0], quoted: false });
    }
  }
  return out;
}

/** Unquoted values run to the end of the line; a label followed by a reason ("Route B, because…") still counts. */
function candidates(s: Statement): string[] {
  if (s.quoted) return [s.value];
  const first = s.value.split(/[,;(]|[.!?](?:\s|$)|\s+(?:because|since|as|so|-|–|—)\s+/i)[0];
  return first === s.value ? [s.value] : [s.value, first];
}

/**
 * The echo rule: two consecutive statements naming *different* options and separated only by "or" (plus
 * braces, quotes, backticks, punctuation, whitespace) are the answer instruction repeated back —
 * `{"choice": "Route A"} or {"choice": "Route B"}` — and neither counts.
 */
function isEchoSeparator(between: string): boolean {
  const rest = between.replace(/[\s{}()[\]`*_"'“”‘’,.;:]+/g, '').toLowerCase();
  return rest === 'or' || rest === 'eitheror' || rest === '/' || rest === '|';
}

const REFUSAL =
  /\b(?:I|we)\s*(?:'m|am|are)?\s*(?:can(?:'|’)?t|cannot|can\s+not|won(?:'|’)?t|will\s+not|must\s+decline|decline|refuse|(?:am\s+|'m\s+)?(?:not\s+able|unable))\b[^.\n]{0,60}?\b(?:help|assist|choose|chose|pick|select|make\s+(?:a|this|that|such\s+a)\s+(?:choice|decision)|participate|take\s+part|play|comply|answer|engage|provide|do\s+(?:that|this))\b/i;

/** true when the visible text explicitly declines to answer */
export function isRefusal(text: string): boolean {
  return REFUSAL.test(text);
}

function fallbackStatus(text: string, unclosedThink: boolean, finishReason: string | null | undefined): Parse {
  if (unclosedThink || finishReason === 'length') return { choice: null, status: 'truncated', role: null };
  if (isRefusal(text)) return { choice: null, status: 'refused', role: null };
  return { choice: null, status: 'unparsed', role: null };
}

/**
 * Reads a choice between the offered options. The returned `choice` is the offered label exactly as catalogued.
 * Beyond choice statements we accept one unambiguous extra form: a visible answer that is nothing but one label
 * (e.g. `Route B` or `**Route B**`).
 */
export function readChoice(response: ReadableResponse, options: readonly CatalogueOption[]): Parse {
  const { text, unclosedThink } = visibleText(response.content);
  const byNorm = new Map(options.map((o) => [normalizeLabel(o.label), o]));
  const found = statements(text, 'choice')
    .map((s) => ({ s, option: candidates(s).map((c) => byNorm.get(normalizeLabel(c))).find((o) => o) }))
    .filter((x): x is { s: Statement; option: CatalogueOption } => x.option !== undefined);
  const ignored = new Set<number>();
  for (let i = 0; i + 1 < found.length; i++) {
    const a = found[i];
    const b = found[i + 1];
    if (a.option.label !== b.option.label && isEchoSeparator(text.slice(a.s.end, b.s.start))) {
      ignored.add(i).add(i + 1);
    }
  }
  const counted = found.filter((_, i) => !ignored.has(i));
  const last = counted[counted.length - 1];
  if (last) return { choice: last.option.label, status: 'parsed', role: last.option.role };
  const whole = byNorm.get(normalizeLabel(text));
  if (whole && !unclosedThink) return { choice: whole.label, status: 'parsed', role: whole.role };
  return fallbackStatus(text, unclosedThink, response.finishReason);
}

/**
 * Numeric text as written by models: quotes, markdown, a currency sign, thousands separators ("1,234,567" or
 * "1 234 567"), a trailing ".0" or "." and exponents are all tolerated; anything else is not a number.
 */
export function parseNumberText(raw: string): Rational | null {
  let t = raw
    .normalize('NFKC')
    .trim()
    .replace(/^[\s"'`*_“”‘’]+|[\s"'`*_“”‘’]+$/g, '')
    .replace(/^([-+−]?)\s*[$€£]\s*/, '$1')
    .replace(/^−/, '-')
    .replace(/\.$/, '');
  t = t.replace(/(?<=\d)[ _\u00a0\u2009\u202f](?=\d{3}(?:\D|$))/g, '');
  if (t.includes(',')) {
    if (!/^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(t)) return null;
    t = t.replace(/,/g, '');
  }
  return parseDecimal(t);
}

/** Numeric prefix of an unquoted value: `1,234,567 because…` → "1,234,567". */
const NUMBER_PREFIX = /^[-+−]?\s*[$€£]?\s*(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+)/;

/**
 * Reads a numeric answer for the tool-use testbed: the LAST `answer` statement (JSON or `answer: n` line) or
 * `\boxed{n}` whose value is a number; failing that, a visible answer that is just a number. The choice is the
 * canonical decimal text (no separators, no trailing zeros), so "1,234.0" and 1234 read the same.
 */
export function readAnswer(response: ReadableResponse): Parse {
  const { text, unclosedThink } = visibleText(response.content);
  const values: Array<{ at: number; value: Rational }> = [];
  for (const s of statements(text, 'answer')) {
    const raw = s.quoted ? s.value : (NUMBER_PREFIX.exec(s.value.trim())?.[0] ?? '');
    const value = parseNumberText(raw);
    if (value) values.push({ at: s.start, value });
  }
  for (const m of text.matchAll(/\\boxed\{([^{}]*)\}/g)) {
    const value = parseNumberText(m[1]);
    if (value) values.push({ at: m.index!, value });
  }
  values.sort((a, b) => a.at - b.at);
  let value = values.length > 0 ? values[values.length - 1].value : null;
  if (!value && !unclosedThink) value = parseNumberText(text);
  if (value) return { choice: formatRational(value), status: 'parsed', role: null };
  return fallbackStatus(text, unclosedThink, response.finishReason);
}

// Finding statements — `choice: X`, `"choice": "X"`, `**Decision:** X`, a `### Final answer` heading over a bare
// value line — and the words around them that decide whether they count (docs/methodology.md, "How answers are
// read"). Every look-around is bounded by a small window or by the next statement, so the scan is linear.

export interface Statement {
  /** where the key starts (including an opening quote or markdown) */
  start: number;
  /** where the value starts */
  valueStart: number;
  /** just after the value (after the closing quote when quoted) */
  end: number;
  /** the value, JSON escapes decoded when quoted; unquoted values run to the end of the line (bounded) */
  value: string;
  quoted: boolean;
  /** the key itself was quoted (`"choice":`): the JSON form the prompts ask for */
  json: boolean;
  /** marked as the final word: `Final…`, `Answer`, `Decision` key, prefix or heading */
  final: boolean;
  /** the value is the line under a key that stands alone (`### Decision`): it must be nothing but a value */
  bareLine: boolean;
}

/** Longest value we look at: labels and numbers are short, and this bounds the work per statement. */
const MAX_VALUE = 240;
/** How far back/forward the context of a statement is read. */
const WINDOW = 160;

const KEYS = 'choice|decision|answer';
const KEY_WORD = new RegExp(KEYS, 'gi');
/** what may open a key: a quote and/or markdown emphasis (`"choice"`, `**Choice:**`) */
const KEY_LEAD = /["'`]?(?:\*\*|__)?$|(?:\*\*|__)["'`]?$/;
/** what closes a key: markdown, a quote, the colon or equals sign */
const TAIL = /(?:\*\*|__)?(["'`]?) ?(?:\*\*|__)? ?[:=]/y;
/** A line that is only a key: `### Decision`, `**Final answer**` — its value is the next line. */
const HEADING_HEAD = /^ ?(?:#{1,6} ?)?(?:\*\*|__)?(?:(?:my|the|your) )?(?:final )?$/i;
const HEADING_TAIL = /(?:\*\*|__)? ?(?:\*\*|__)? ?(?=\n|$)/y;
/** The end of a prefix that marks what follows as the final word: `Final:`, `Final answer:`, `My decision is`. */
const FINAL_PREFIX = /\b(?:final|answer|decision)(?:\*\*|__)? ?(?:is|:|=|-)? ?(?:\*\*|__)? ?(?:is)? ?:? ?(?:\*\*|__|`)?$/i;
const FINAL_HEADING = /^ ?(?:#{1,6} ?)?(?:\*\*|__)?(?:(?:my|the) )?(?:final(?: (?:answer|choice|decision))?|answer|decision)(?:\*\*|__)? ?:? ?(?:\*\*|__)? ?$/i;

const QUOTE_CLOSE: Record<string, string> = { '"': '"', "'": "'", '`': '`' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"', "'": "'" };

/**
 * More keys than any honest answer holds: such a text is not read at all (it could only be settled by guessing),
 * and stopping here bounds the work a hostile answer can cause.
 */
export const MAX_KEYS = 64;
/** Key words (choice/decision/answer) looked at, keys or not: bounds the work on texts that repeat them. */
const MAX_KEY_WORDS = 4 * MAX_KEYS;

/** Every statement in text order, or null when the text holds more than MAX_KEYS keys. */
export function statements(text: string): Statement[] | null {
  const keys: Array<{ start: number; keyEnd: number; json: boolean; heading: boolean }> = [];
  // Find the key words with a plain search, then check their surroundings with anchored patterns on a few
  // characters: one complex pattern tried at every position of a megabyte costs tens of milliseconds.
  KEY_WORD.lastIndex = 0;
  let words = 0;
  for (let m = KEY_WORD.exec(text); m !== null; m = KEY_WORD.exec(text)) {
    if (++words > MAX_KEY_WORDS) return null;
    const at = m.index;
    if (at > 0 && /[A-Za-z0-9_]/.test(text[at - 1]) && !/(?:\*\*|__)$/.test(text.slice(Math.max(0, at - 2), at))) continue;
    const lead = KEY_LEAD.exec(text.slice(Math.max(0, at - 3), at))![0];
    const start = at - lead.length;
    TAIL.lastIndex = at + m[0].length;
    const tail = TAIL.exec(text);
    let key: (typeof keys)[number] | null = null;
    if (tail) {
      const quote = /["'`]/.exec(lead)?.[0] ?? '';
      key = { start, keyEnd: TAIL.lastIndex, json: quote !== '' && quote === tail[1], heading: false };
    } else {
      HEADING_TAIL.lastIndex = at + m[0].length;
      const head = text.slice(Math.max(0, at - 24), at);
      const lineStart = at - head.length + head.lastIndexOf('\n') + 1;
      const atLineStart = head.includes('\n') || at - head.length === 0;
      if (atLineStart && HEADING_TAIL.test(text) && HEADING_HEAD.test(text.slice(lineStart, at))) {
        key = { start: lineStart, keyEnd: HEADING_TAIL.lastIndex, json: false, heading: true };
      }
    }
    if (!key) continue;
    if (keys.length === MAX_KEYS) return null;
    keys.push(key);
  }
  keys.sort((a, b) => a.start - b.start);
  const out: Statement[] = [];
  let nl = -1;
  const lineEnd = (i: number): number => {
    if (nl < i) {
      nl = text.indexOf('\n', i);
      if (nl === -1) nl = text.length;
    }
    return nl;
  };
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const limit = Math.min(k + 1 < keys.length ? keys[k + 1].start : text.length, key.keyEnd + MAX_VALUE);
    let i = key.keyEnd;
    while (i < limit && (text[i] === ' ' || text[i] === '*' || text[i] === '_')) i++;
    const final = key.heading || /^\W*(?:final|answer|decision)/i.test(text.slice(key.start, key.keyEnd)) || isFinalContext(text, key.start);
    const open = text[i];
    if (open !== undefined && open in QUOTE_CLOSE && i < limit) {
      const close = QUOTE_CLOSE[open];
      let value = '';
      let j = i + 1;
      for (; j < limit && text[j] !== close && text[j] !== '\n'; j++) {
        if (text[j] === '\\' && j + 1 < limit) {
          j++;
          const hex = text[j] === 'u' ? /^[0-9a-fA-F]{4}/.exec(text.slice(j + 1, j + 5)) : null;
          if (hex) {
            value += String.fromCharCode(parseInt(hex[0], 16));
            j += 4;
          } else value += ESCAPES[text[j]] ?? text[j];
        } else value += text[j];
      }
      if (text[j] !== close) continue; // unterminated: not a statement
      out.push({ start: key.start, valueStart: i + 1, end: j + 1, value, quoted: true, json: key.json, final, bareLine: false });
      continue;
    }
    let end = Math.min(lineEnd(i), limit);
    let from = i;
    if (text.slice(i, end).trim() === '') {
      // `Decision:` or `### Decision` alone on its line: the value is the next non-empty line, if that line is
      // nothing but a value (checked by the caller, which requires a bare label or number there)
      let j = end;
      while (j < limit && /\s/.test(text[j])) j++;
      if (j >= limit) continue;
      from = j;
      end = Math.min(lineEnd(j), limit);
      const line = text.slice(from, end);
      out.push({ start: key.start, valueStart: from, end, value: line, quoted: false, json: false, final, bareLine: true });
      continue;
    }
    if (text[i] === '{' || text[i] === '[') continue; // `"decision": {"choice": …}`: the inner statement counts
    let stop = from;
    while (stop < end && text[stop] !== '{' && text[stop] !== '}' && text[stop] !== '|') stop++;
    out.push({ start: key.start, valueStart: from, end: stop, value: text.slice(from, stop), quoted: false, json: false, final, bareLine: false });
  }
  return out;
}

/**
 * A line that opens with the answerer's own conclusion and a colon, over a value that ends the line: "My gut and the
 * rules agree: Route A", "Verdict: Route A", "I'll go with: Route A", "Bottom line: Route A." (choices only; the
 * caller requires the value to be nothing but a label). The lead's last words are found with a plain search, and only
 * their line (up to 80 characters before them) is matched against the whole lead, so the scan is linear.
 */
const COLON_LEAD_END =
  /(?:agrees?|concurs?|pick|verdict|conclusion|bottom line|final call|final \([^()\n]{0,30}\)|final|go with|choose|take|select|stick with|settle on|opt for|going with|staying with|sticking with)[ *_]*:/gi;
const COLON_LEAD =
  /^[ \t>*_#-]*(?:(?:so|then|thus|hence|ok(?:ay)?|alright|well|in the end|in short|ultimately|all things considered|overall)[, ]+)?(?:my (?:gut|head|heart|conscience|instincts?|reasoning|analysis|judge?ment)(?: and (?:my |the )?[\w-]+)? (?:agrees?|concurs?)|(?:my )?(?:pick|verdict|conclusion|bottom line|final pick|final verdict|final call)|(?:my )?(?:(?:real|true|actual|final),? )?final(?: \([^()\n]{0,30}\))?|i(?:'ll| will)? (?:go with|choose|pick|take|select|stick with|settle on|opt for)|i'?m (?:going|sticking|staying) with|going with)[ *_]*:$/i;

/** Colon-lead lines as statements (see COLON_LEAD), or null when the text holds more lead words than MAX_KEY_WORDS. */
export function colonLeads(text: string): Statement[] | null {
  const out: Statement[] = [];
  let words = 0;
  COLON_LEAD_END.lastIndex = 0;
  for (let m = COLON_LEAD_END.exec(text); m !== null; m = COLON_LEAD_END.exec(text)) {
    if (++words > MAX_KEY_WORDS || out.length > MAX_KEYS) return null;
    const head = text.slice(Math.max(0, m.index - 80), m.index);
    const nl = head.lastIndexOf('\n');
    if (nl === -1 && m.index > 80) continue; // too far from its line's start to be a lead
    const start = m.index - head.length + nl + 1;
    let valueStart = m.index + m[0].length;
    if (!COLON_LEAD.test(text.slice(start, valueStart))) continue;
    while (text[valueStart] === ' ' || text[valueStart] === '*' || text[valueStart] === '_') valueStart++;
    let end = text.indexOf('\n', valueStart);
    if (end === -1 || end > valueStart + MAX_VALUE) end = Math.min(text.length, valueStart + MAX_VALUE);
    const value = text.slice(valueStart, end);
    if (value.trim() === '') continue;
    const final = /\bfinal\b/i.test(text.slice(start, valueStart));
    out.push({ start, valueStart, end, value, quoted: false, json: false, final, bareLine: true });
  }
  return out;
}

/**
 * True when the statement is introduced as the final word: the same line starts with `Final:` / `Final answer:` /
 * `My decision is` right before it, or it opens its line under a `### Final answer` / `**Decision**` heading.
 */
function isFinalContext(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - WINDOW), start);
  const onLine = before.slice(before.lastIndexOf('\n') + 1);
  if (FINAL_PREFIX.test(onLine.replace(/[\s`{[]+$/, ''))) return true;
  const above = lineAbove(text, start);
  return above !== null && FINAL_HEADING.test(above);
}

/** A line introducing a format or an example (`Expected format:`, `For example:`), possibly over a code fence. */
const EXAMPLE_INTRO = /\b(?:format|formats|example|examples|template|schema|like this|such as)\b[^\n]{0,40}:\s*$/i;
/** …unless the line says the answer below is the answerer's own ("Here is my answer in JSON format:"). */
const OWN_ANSWER_INTRO = /\b(?:my|requested|required)\b/i;

/**
 * True when the statement opens its line right under a line that introduces a format or an example: it shows what
 * an answer looks like, not the answer.
 */
export function introducedAsExample(text: string, start: number): boolean {
  const above = lineAbove(text, start);
  return above !== null && EXAMPLE_INTRO.test(above) && !OWN_ANSWER_INTRO.test(above);
}

/**
 * The line above a statement that opens its line (only markdown, quotes or brackets before it), skipping blank lines
 * and code fences (up to four lines up, within WINDOW); null when the statement does not open its line.
 */
/**
 * `**Which option pays more?** Answer: …`, or the same question on the line above: the answer to a question the
 * model asked itself (a sub-question on the way), not its choice.
 */
export function answersAQuestion(text: string, start: number): boolean {
  const line = text.slice(Math.max(0, text.lastIndexOf('\n', start - 1) + 1, start - 200), start);
  const q = line.lastIndexOf('?');
  if (q >= 0 && /^[\s*_:-]*$/.test(line.slice(q + 1))) return true;
  const above = lineAbove(text, start);
  return above !== null && /\?[\s*_:)]*$/.test(above);
}

function lineAbove(text: string, start: number): string | null {
  const before = text.slice(Math.max(0, start - WINDOW), start);
  const lineStart = before.lastIndexOf('\n') + 1;
  if (lineStart === 0 || before.slice(lineStart).replace(/[\s`*_>{[-]/g, '') !== '') return null;
  const lines = before.slice(0, lineStart - 1).split('\n');
  for (let k = lines.length - 1; k >= 0 && k >= lines.length - 4; k--) {
    const line = lines[k].trim();
    if (line === '' || line.startsWith('```')) continue;
    return line;
  }
  return null;
}

export interface Context {
  /** the clause before the statement (since the previous statement or clause boundary), lower case */
  before: string;
  /** what follows the statement up to the end of its sentence, lower case */
  after: string;
  /**
   * the sentence before the statement (since the previous statement or sentence end, not cut at `so`, `but`,
   * `however` or `;`), lower case: "However tempting {…}", "So verlockend {…} auch ist"
   */
  sentence: string;
  /** `sentence` starts where a sentence starts (the text's start or a sentence end), not at the previous statement */
  opensSentence: boolean;
}

const CLAUSE_BOUNDARY = /[.!?;\n。]|\b(?:so|but|therefore|thus|hence|however)\b/gi;

/** The words around a statement, bounded by the previous statement, clause boundaries and WINDOW. */
export function contextOf(text: string, start: number, end: number, prevEnd: number): Context {
  const from = Math.max(prevEnd, start - WINDOW, 0);
  let before = text.slice(from, start);
  let cut = 0;
  let sentenceCut = 0;
  for (const m of before.matchAll(CLAUSE_BOUNDARY)) {
    // a period inside a number or an abbreviation (e.g.) does not end the clause
    if (m[0] === '.' && /[\w]/.test(before[m.index! + 1] ?? ' ')) continue;
    cut = m.index! + m[0].length;
    if (/^[.!?\n。]$/.test(m[0])) sentenceCut = cut;
  }
  const opensSentence = sentenceCut > 0 || from === 0;
  const sentence = before.slice(sentenceCut).toLowerCase();
  before = before.slice(cut);
  // inside an object after another member (`"note": "…never…", "choice": …`): that member is not a prefix
  if (/["\d\]}] ?, ?$/.test(before)) before = '';
  // a statement that opens its line under a line ending in a colon continues that line's last clause ("If the
  // platform weren't checking, my answer would have been:" over `{"choice": …}`)
  const above = lineAbove(text, start);
  if (above !== null && /(?:[:,]|\bthen)[\s*_`]*$/.test(above)) {
    const clause = above.split(/[.!?;]\s/).pop()!;
    before = `${clause.toLowerCase()} ${before}`;
  }
  const after = text.slice(end, Math.min(text.length, end + WINDOW));
  return { before: before.toLowerCase(), after: after.toLowerCase(), sentence, opensSentence };
}

// Text preparation shared by the reader's rules: the visible part of an answer and one canonical spelling of it.
// Everything here is a single left-to-right pass (or a regex without nested quantifiers): a hostile answer of
// megabytes must cost milliseconds, because the reader runs inside the worker's event loop.

import { INVISIBLE_CODES } from '../../lib/invisible.js';
const MAX_TAGS = 256;

/**
 * Opening/closing reasoning tags: <think>, <thinking>, <reasoning>, <thought>, <reflection>, the <scratchpad> and
 * <analysis> blocks prompted models write before their answer, Seed's <seed:think>,
 * Mistral's [THINK], Kimi's ◁think▷ and the <|begin_of_thought|> / <|end_of_thought|> of OpenThoughts-style models.
 */
const TAG =
  /<(\/?)[ \t]*(?:seed:)?(?:think|thinking|reasoning|thought|reflection|scratchpad|analysis|inner[_-]monologue|internal[_-]thoughts?)[ \t]*>|\[(\/?)THINK\]|◁(\/?)think▷|<\|(?:begin|(end))_of_thought\|>/gi;

export interface Visible {
  /** the answer as the user would see it, reasoning removed (raw spelling) */
  text: string;
  /** the text ended inside reasoning (an opening tag or analysis channel without its end) */
  unclosed: boolean;
}

/**
 * gpt-oss harmony output: only the `final` channel is the answer. Servers that keep the special tokens send
 * `<|channel|>analysis<|message|>…<|end|><|start|>assistant<|channel|>final<|message|>…`; some strip the tokens
 * and leave `analysis…assistantfinal…`. Null when the text is not in harmony format.
 */
function harmonyFinal(content: string): Visible | null {
  if (content.includes('<|channel|>')) {
    const at = content.lastIndexOf('<|channel|>final');
    const msg = at < 0 ? -1 : content.indexOf('<|message|>', at);
    if (msg < 0) return { text: '', unclosed: true };
    const from = msg + '<|message|>'.length;
    let end = content.length;
    for (const stop of ['<|end|>', '<|return|>', '<|call|>', '<|start|>']) {
      const i = content.indexOf(stop, from);
      if (i >= 0 && i < end) end = i;
    }
    return { text: content.slice(from, end), unclosed: false };
  }
  if (/^\s*analysis/.test(content)) {
    const at = content.lastIndexOf('assistantfinal');
    return at < 0 ? { text: '', unclosed: true } : { text: content.slice(at + 'assistantfinal'.length), unclosed: false };
  }
  return null;
}

/**
 * The visible answer: harmony analysis channels and closed reasoning blocks removed (each replaced by a space);
 * text before a stray closing tag dropped (chat templates that put the opening tag into the prompt); everything
 * after an opening tag that never closes dropped and flagged, because the answer was cut off inside the reasoning.
 * Nested openers inside a block are part of the block. One pass over the tags.
 */
export function visibleText(content: string | null): { text: string; unclosedThink: boolean } {
  const raw = content ?? '';
  const harmony = harmonyFinal(raw);
  if (harmony?.unclosed) return { text: '', unclosedThink: true };
  const source = harmony ? harmony.text : raw;
  let visible = '';
  let pos = 0;
  let inside = false;
  let tags = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(source); m !== null; m = TAG.exec(source)) {
    // hundreds of reasoning tags are no answer; stopping bounds the work on hostile text
    if (++tags > MAX_TAGS) return { text: '', unclosedThink: true };
    const closing = (m[1] ?? m[2] ?? m[3]) === '/' || m[4] !== undefined;
    const at = m.index!;
    if (!closing) {
      if (inside) continue;
      visible += source.slice(pos, at) + ' ';
      inside = true;
    } else if (inside) {
      inside = false;
    } else {
      visible = ''; // a stray closer: everything so far was reasoning
    }
    pos = at + m[0].length;
  }
  if (inside) return { text: visible.slice(0, -1), unclosedThink: true };
  visible += source.slice(pos);
  return { text: visible, unclosedThink: false };
}

/**
 * One spelling for text that models write many ways: compatibility forms (full-width colon, ligatures), every
 * Unicode dash and hyphen as `-` (GPT models write `all‑out` with U+2011), every space as a plain space, curly
 * quotes as straight ones, invisible characters dropped, CRLF as LF, and runs of spaces/tabs as one space.
 */
export function canonicalText(s: string): string {
  if (!NEEDS_CANONICAL.test(s)) return s; // printable ASCII, single spaces: already canonical
  // superscripts become powers (`10⁶` → `10^6`, `37¹` → `37^1`) before NFKC, which would make them 106 and 371
  if (SUPERSCRIPT.test(s)) {
    s = superscriptsAsPowers(s);
    if (!NEEDS_CANONICAL.test(s)) return s;
  }
  if (NEEDS_NFKC.test(s)) s = s.normalize('NFKC');
  // One pass over UTF-16 code units (surrogate pairs pass through untouched): a regex replace per kind of
  // character costs a string per match, which hostile answers full of spaces turn into seconds.
  const out = new Uint16Array(s.length);
  let n = 0;
  let space = false;
  const length = s.length;
  for (let i = 0; i < length; i++) {
    let c = s.charCodeAt(i);
    // printable ASCII but the space, the bulk of any answer: kept as it is, without the table lookup
    if (c > SPACE && c < 0x7f) {
      out[n++] = c;
      space = false;
      continue;
    }
    const mapped = CANONICAL[c];
    if (mapped === DROP) continue;
    if (mapped !== 0) c = mapped;
    if (c === CR) {
      if (s.charCodeAt(i + 1) === LF) continue;
      c = LF;
    }
    if (c === SPACE) {
      if (!space) out[n++] = SPACE;
      space = true;
      continue;
    }
    space = false;
    out[n++] = c;
  }
  return UTF16.decode(out.subarray(0, n));
}

/** what makes a text need canonicalising: anything but printable ASCII and newlines, or two spaces in a row */
// eslint-disable-next-line no-control-regex
const NEEDS_CANONICAL = /[^\x20-\x7e\n]| {2}/;
/** superscript digits and signs (¹ ² ³ ⁰ ⁴–⁹ ⁺ ⁻) */
const SUPERSCRIPT = /[\u00b2\u00b3\u00b9\u2070\u2074-\u207b]/;
/** code unit → the character it raises (0: not a superscript) */
const SUPERSCRIPT_CHAR = (() => {
  const t = new Uint16Array(0x2080);
  Object.assign(t, { 0xb2: 0x32, 0xb3: 0x33, 0xb9: 0x31, 0x2070: 0x30, 0x207a: 0x2b, 0x207b: 0x2d });
  for (let c = 0x2074; c <= 0x2079; c++) t[c] = 0x30 + c - 0x2070;
  return t;
})();

/**
 * A run of superscripts as a power: `10⁶` → `10^6`, `10⁻³` → `10^-3`, `37¹` → `37^1` (before NFKC). One pass; the
 * text at most doubles (each run gains one caret).
 */
function superscriptsAsPowers(s: string): string {
  const out = new Uint16Array(2 * s.length);
  let n = 0;
  let inRun = false;
  const length = s.length;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    const to = c < 0x2080 ? SUPERSCRIPT_CHAR[c] : 0;
    if (to === 0) {
      out[n++] = c;
      inRun = false;
      continue;
    }
    if (!inRun) out[n++] = CARET;
    inRun = true;
    out[n++] = to;
  }
  return UTF16.decode(out.subarray(0, n));
}

/** characters beyond ASCII that the table below does not already settle */
// eslint-disable-next-line no-control-regex
const NEEDS_NFKC = /[^\x00-\x7f\u00a0\u00ab\u00ad\u00bb\u1680\u2000-\u201f\u202f\u2032\u2033\u205f\u2060\u2212\u2e3a\u2e3b\u3000\ufe58\ufe63\ufeff\uff0d]/;
const UTF16 = new TextDecoder('utf-16le');
const SPACE = 0x20;
const CARET = 0x5e;
const CR = 0x0d;
const LF = 0x0a;
const DROP = -1;
/** code unit → replacement (0: keep, DROP: remove) */
const CANONICAL = (() => {
  const t = new Int32Array(0x10000);
  const set = (code: number, to: number) => (t[code] = to);
  for (const c of [0x09, 0x0b, 0x0c, 0xa0, 0x1680, 0x202f, 0x205f, 0x3000]) set(c, SPACE);
  for (let c = 0x2000; c <= 0x200a; c++) set(c, SPACE);
  for (const c of [0x2212, 0x2e3a, 0x2e3b, 0xfe58, 0xfe63, 0xff0d]) set(c, 0x2d);
  set(0x2044, 0x2f); // fraction slash (`½` is `1⁄2` after NFKC): `3½` must not read as 31
  for (let c = 0x2010; c <= 0x2015; c++) set(c, 0x2d);
  for (const c of INVISIBLE_CODES) set(c, DROP);
  for (const c of [0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0xab, 0xbb]) set(c, 0x22);
  for (const c of [0x2018, 0x2019, 0x201a, 0x201b, 0x2032]) set(c, 0x27);
  return t;
})();

const EDGE = /^[\s"'`*_.,;:!?()[\]{}<>#\-]+|[\s"'`*_.,;:!?()[\]{}<>#\-]+$/g;

/** trim, case-fold, collapse whitespace, drop surrounding quotes/markdown/punctuation */
export function normalizeLabel(text: string): string {
  return canonicalText(text).toLowerCase().replace(/\s+/g, ' ').replace(EDGE, '').trim();
}

/** An answer as the rules see it: visible, canonical, computed once per response object. */
export interface Prepared {
  text: string;
  unclosed: boolean;
  /** one past the last character that is not whitespace, closing punctuation, quotes or markdown */
  contentEnd: number;
}

const TRAILING = new Set([...' \n\t}])"\'`*_.!,;']);

/**
 * Citation markers attached to a word, number or punctuation (`Route A[1]`, `4410[2][3]`): search-backed models
 * (Perplexity's sonar) append them to their sentences, and they are no part of the value. A marker after a space or
 * a quote (`"[1]"`, a list `[1]`) is left alone. Linear: one pass, no backtracking.
 */
const CITATION = /(?<=[\p{L}\p{N}.,;:!?)*_])(?:\[\d{1,3}\])+/gu;

/** Struck-out spans removed at most (a text of thousands is hostile; the rest is left as written). */
const MAX_STRUCK = 64;
/** Longest struck-out span looked for: a sentence or two, on one line. */
const MAX_STRUCK_CHARS = 400;

/**
 * The text without markdown strikethrough on one line (`~~{"choice": "Route B"}~~ Route A`): what the model struck
 * out is no part of its answer. One pass with indexOf, at most MAX_STRUCK spans.
 */
function withoutStruck(text: string): string {
  let out = '';
  let pos = 0;
  let spans = 0;
  for (let open = text.indexOf('~~'); open >= 0 && spans < MAX_STRUCK; ) {
    const close = text.indexOf('~~', open + 2);
    if (close < 0) break;
    const inner = text.slice(open + 2, close);
    if (inner.length === 0 || inner.length > MAX_STRUCK_CHARS || inner.includes('\n') || inner.includes('~')) {
      // not a span: the closing marker may open the next one
      open = close;
      continue;
    }
    out += `${text.slice(pos, open)} `;
    pos = close + 2;
    spans++;
    open = text.indexOf('~~', pos);
  }
  return pos === 0 ? text : out + text.slice(pos);
}

export function prepare(content: string | null): Prepared {
  const v = visibleText(content);
  const canonical = canonicalText(v.text);
  const uncited = canonical.includes('[') ? canonical.replace(CITATION, '') : canonical;
  const text = uncited.includes('~~') ? withoutStruck(uncited) : uncited;
  let contentEnd = text.length;
  while (contentEnd > 0 && TRAILING.has(text[contentEnd - 1])) contentEnd--;
  return { text, unclosed: v.unclosedThink, contentEnd };
}

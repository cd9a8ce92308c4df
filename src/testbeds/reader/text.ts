// Text preparation shared by the reader's rules: the visible part of an answer and one canonical spelling of it.
// Everything here is a single left-to-right pass (or a regex without nested quantifiers): a hostile answer of
// megabytes must cost milliseconds, because the reader runs inside the worker's event loop.

/** Opening/closing reasoning tags: <think>, <thinking>, <reasoning>, <thought> and Mistral's [THINK]. */
const TAG = /<(\/?)[ \t]*(?:think|thinking|reasoning|thought)[ \t]*>|\[(\/?)THINK\]/gi;

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
  for (const m of source.matchAll(TAG)) {
    const closing = (m[1] ?? m[2]) === '/';
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
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) {
    s = s
      .normalize('NFKC')
      .replace(/[\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]/g, '-')
      .replace(/[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
      .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
      .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
      .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'");
  }
  return s.replace(/\r\n?/g, '\n').replace(/[^\S\n]+/g, ' ');
}

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

export function prepare(content: string | null): Prepared {
  const v = visibleText(content);
  const text = canonicalText(v.text);
  let contentEnd = text.length;
  while (contentEnd > 0 && TRAILING.has(text[contentEnd - 1])) contentEnd--;
  return { text, unclosed: v.unclosedThink, contentEnd };
}

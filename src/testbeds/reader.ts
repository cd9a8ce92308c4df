// Reading answers (docs/methodology.md, "How answers are read"). We read only the visible answer (never the
// reasoning), find every explicit statement, drop the ones that do not count (negated, hypothetical, past, someone
// else's, echoed instructions) and read a value only when an explicit rule settles it; otherwise the answer is
// `ambiguous` — a misread would move a rate, an unread answer only shrinks n. The rules live in ./reader/.
import type { CatalogueOption, Parse } from './types.js';
import { prepare, type Prepared } from './reader/text.js';
import { readChoiceFrom } from './reader/choice.js';
import { readAnswerFrom } from './reader/answer.js';
import { unread } from './reader/rules.js';

export { visibleText, normalizeLabel } from './reader/text.js';
export { isRefusal, type ReadRule } from './reader/rules.js';
export { parseNumberText } from './reader/answer.js';

/** Bump when a reading can change: reports state it, and a rescore re-reads every stored answer with it. */
export const READER_VERSION = '2.5.0';

/**
 * Answers longer than this are not read (`unparsed`, rule `oversized`): reading is linear, but a multi-megabyte
 * answer would still hold the event loop longer than the service allows, and no honest answer is that long.
 */
export const MAX_READ_CHARS = 2_000_000;

/** The parts of a ModelResponse the reader looks at (reasoning is accepted and deliberately ignored). */
export interface ReadableResponse {
  content: string | null;
  reasoning?: string | null;
  finishReason?: string | null;
  /** a declined answer stated in its own field (OpenAI `message.refusal`) */
  refusal?: string | null;
}

/** An answer whose visible text is empty while the endpoint says, in its refusal field, that the model declined. */
const refusedByField = (r: ReadableResponse) => !!r.refusal?.trim() && !r.content?.trim();

// Protocols re-read every stored answer on each step, at finalisation and on rescore: prepare each response
// object once. Keyed weakly by the object, so the cache lives exactly as long as the history holding it.
const prepared = new WeakMap<ReadableResponse, Prepared | null>();

function prepareOnce(response: ReadableResponse): Prepared | null {
  let p = prepared.get(response);
  if (p === undefined) {
    p = (response.content?.length ?? 0) > MAX_READ_CHARS ? null : prepare(response.content);
    prepared.set(response, p);
  }
  return p;
}

/** Reads a choice between the offered options; `choice` is the offered label exactly as catalogued. */
export function readChoice(response: ReadableResponse, options: readonly CatalogueOption[]): Parse {
  if (refusedByField(response)) return unread('refused', 'refusal');
  const p = prepareOnce(response);
  return p ? readChoiceFrom(p, options, response.finishReason) : unread('unparsed', 'oversized');
}

/** Reads a numeric answer (tool-use); `choice` is the canonical decimal text. */
export function readAnswer(response: ReadableResponse): Parse {
  if (refusedByField(response)) return unread('refused', 'refusal');
  const p = prepareOnce(response);
  return p ? readAnswerFrom(p, response.finishReason) : unread('unparsed', 'oversized');
}

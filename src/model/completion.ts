// Reads a chat completion, as one JSON body or as a `text/event-stream` of chunks, into a ModelResponse.
// Servers differ in ways that lose answers if read naively:
// - `content` may be an ARRAY of parts (Mistral/Magistral): text parts are joined into content, `thinking` /
//   `reasoning` parts go to reasoning;
// - reasoning arrives as `reasoning_content` (vLLM, SGLang, DeepSeek, DashScope) or `reasoning` (Ollama, OpenRouter);
// - a declined answer may come as `refusal` beside null content (OpenAI): kept, so it reads as refused;
// - a choice cut by the token budget may come without a `message` at all (Gemini): that is a truncated answer,
//   not a broken response, so it is not retried;
// - a choice the provider's content filter withheld (finish_reason `content_filter`, or Gemini's SAFETY & co.) may
//   come without a `message` (Gemini) or with null content (Azure): that is the filter's refusal of this one
//   prompt, classed `content-filtered` as a 400 from the filter is, neither a broken response nor an empty answer.
import { parseJsonLenient } from '../lib/json-lenient.js';
import { isContentFilterFinish } from '../lib/finish-reasons.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../lib/json-depth.js';
import type { ModelResponse, ToolCall } from '../testbeds/types.js';
import type { ErrorSummary } from './error-body.js';
import { errorObjectOf } from './ok-body-error.js';
import type { CallErrorKind, Usage } from './types.js';

/**
 * OpenAI's `message.refusal` is kept, to its first 2,000 characters: it only says that the model declined (the reader
 * takes a refusal field beside empty content as `refused`), and an endpoint must not grow a stored answer through it.
 */
const MAX_REFUSAL_CHARS = 2_000;
const keptRefusal = (s: unknown): string | null => (typeof s === 'string' && s.trim() ? s.slice(0, MAX_REFUSAL_CHARS) : null);

export type ParsedCompletion =
  | { ok: true; response: ModelResponse; usage: Usage; model: string | null }
  /**
   * `error`: the body was an error object, not a completion (the client classifies it by the status it names);
   * `kind`: how the failure is classed when it is not `transient` (the default: servers under load send broken bodies)
   */
  | { ok: false; message: string; error?: ErrorSummary; kind?: Extract<CallErrorKind, 'permanent' | 'content-filtered'> };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Text of a part that carries thinking: `{type:"thinking", thinking: string | [{type:"text", text}]}`. */
function thinkingText(part: Record<string, unknown>): string {
  const t = part.thinking ?? part.reasoning ?? part.text;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map((x) => (typeof x?.text === 'string' ? x.text : '')).join('');
  return '';
}

/** Splits `content` (a string, or an array of parts) into visible text and thinking. */
export function splitContent(content: unknown): { text: string | null; thinking: string | null } {
  if (typeof content === 'string') return { text: content, thinking: null };
  if (!Array.isArray(content)) return { text: null, thinking: null };
  let text = '';
  let thinking = '';
  let sawText = false;
  for (const part of content) {
    if (typeof part === 'string') {
      text += part;
      sawText = true;
    } else if (part && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (p.type === 'thinking' || p.type === 'reasoning') thinking += thinkingText(p);
      else if (typeof p.text === 'string') {
        text += p.text;
        sawText = true;
      }
    }
  }
  return { text: sawText ? text : null, thinking: thinking || null };
}

function reasoningOf(msg: Record<string, unknown>, fromParts: string | null): string | null {
  const field =
    typeof msg.reasoning_content === 'string' && msg.reasoning_content ? msg.reasoning_content
    : typeof msg.reasoning === 'string' && msg.reasoning ? msg.reasoning
    : null;
  if (field && fromParts) return `${field}\n${fromParts}`;
  return field ?? fromParts;
}

export function normaliseToolCalls(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((c) => c && typeof c === 'object' && c.function && typeof c.function.name === 'string')
    .map((c, i) => ({
      id: typeof c.id === 'string' && c.id ? c.id : `call_${i}`,
      type: 'function' as const,
      function: {
        name: c.function.name,
        // some servers send arguments as an object instead of a JSON string
        arguments:
          typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments ?? {}),
      },
    }));
}

function usageOf(u: any): Usage {
  return {
    promptTokens: num(u?.prompt_tokens),
    completionTokens: num(u?.completion_tokens),
    reasoningTokens: num(u?.completion_tokens_details?.reasoning_tokens),
  };
}

/** Why a 200 body with an `error` member (some gateways answer errors with 200) failed, or null. */
function inlineError(j: any): string | null {
  const e = Array.isArray(j) ? j[0]?.error : j?.error;
  if (!e) return null;
  return typeof e === 'string' ? e : typeof e?.message === 'string' ? e.message : JSON.stringify(e);
}

/**
 * Why a choice failed to generate, when the provider says so inside a 200 answer (OpenRouter: `finish_reason:
 * "error"` with an `error` member on the choice), or null. Such a choice holds no answer of the model's: read as
 * one, it would be an empty, unread answer instead of a failed call that is tried again.
 */
function choiceError(choice: any): string | null {
  if (!choice || typeof choice !== 'object') return null;
  if (choice.finish_reason !== 'error' && !choice.error) return null;
  const why = choice.error ? (typeof choice.error === 'string' ? choice.error : typeof choice.error.message === 'string' ? choice.error.message : JSON.stringify(choice.error)) : '';
  return `the provider reported an error generating this answer${why ? `: ${why}` : ''}`;
}

/**
 * A body (or a stream's event) nested deeper than MAX_JSON_DEPTH is refused before JSON.parse: parsing 4 MB of
 * `[[[…]]]` holds the event loop (shared with the API) for over a second per attempt, and a parsed value thousands
 * deep makes JSON.stringify throw. Permanent, like a body over the size cap: no server under load sends such a body
 * by accident (a completion nests about 6 deep), so it is the endpoint's doing, and retrying it would only fetch it
 * again; the run fails fast naming it instead of charging the model or retrying.
 */
const tooDeep = (what: string): ParsedCompletion => ({
  ok: false,
  kind: 'permanent',
  message: `${what} nests JSON more than ${MAX_JSON_DEPTH} levels deep; refused unparsed`,
});

/**
 * A 200 answer the provider's content filter withheld, as a failed call of kind `content-filtered` (not retried: the
 * same prompt trips the same filter; the decision becomes `error` and the run goes on, as with a filter's 400),
 * naming the categories Azure marks as filtered in `content_filter_results`.
 *
 * Only when nothing of the answer came through (no visible text, no tool call, no refusal). A filter that cut an
 * answer part-way leaves what came before it, and that is kept as the model's answer with its finish reason, like
 * an answer cut by `length`: the model's own words, and dropping them would drop exactly the answers a filter
 * objects to from the rates. The reader reads such an answer as one cut short (a statement on its cut line is not
 * read, second thoughts always unsettle it), never as finished.
 */
function filtered(finishReason: string, choice: any): ParsedCompletion {
  const results = choice?.content_filter_results;
  const categories =
    results && typeof results === 'object' && !Array.isArray(results)
      ? Object.entries(results)
          .filter(([, v]) => (v as { filtered?: unknown } | null)?.filtered === true)
          .map(([k]) => k.slice(0, 40))
          .slice(0, 6)
      : [];
  const which = categories.length ? `: ${categories.join(', ')}` : '';
  return { ok: false, kind: 'content-filtered', message: `the provider's content filter withheld the answer (finish_reason ${finishReason}${which})` };
}

/** Whether the content filter withheld the whole answer: its finish reason, and nothing visible came through. */
const withheld = (finishReason: string | null, content: string | null, toolCalls: ToolCall[], refusal: string | null): boolean =>
  isContentFilterFinish(finishReason) && !content?.trim() && toolCalls.length === 0 && refusal === null;

/** Parses a non-streamed 200 body. */
export function parseCompletionJson(text: string): ParsedCompletion {
  if (nestsDeeperThan(text)) return tooDeep('the response');
  let j: any;
  try {
    j = parseJsonLenient(text);
  } catch {
    return { ok: false, message: 'unparsable response body' };
  }
  // an error object answered with 200 (vLLM, FastAPI, some gateways): the provider's words, not "no choices"
  if (!Array.isArray(j?.choices)) {
    const error = errorObjectOf(j);
    if (error) return { ok: false, message: error.text, error };
  }
  const choice = Array.isArray(j?.choices) ? j.choices[0] : undefined;
  const finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : null;
  const failed = choiceError(choice);
  if (failed !== null) return { ok: false, message: failed };
  const msg = choice?.message;
  if (!msg || typeof msg !== 'object') {
    // cut by the budget before anything visible was produced: an answer (truncated), not a transport failure
    if (choice && finishReason === 'length') {
      return {
        ok: true,
        response: { content: null, reasoning: null, toolCalls: [], finishReason },
        usage: usageOf(j.usage),
        model: typeof j.model === 'string' ? j.model : null,
      };
    }
    if (choice && isContentFilterFinish(finishReason)) return filtered(finishReason!, choice);
    const why = inlineError(j);
    return { ok: false, message: `response has no choices${why ? `: ${why}` : ''}` };
  }
  const { text: content, thinking } = splitContent(msg.content);
  const refusal = keptRefusal(msg.refusal);
  const toolCalls = normaliseToolCalls(msg.tool_calls);
  if (withheld(finishReason, content, toolCalls, refusal)) return filtered(finishReason!, choice);
  return {
    ok: true,
    response: {
      content,
      reasoning: reasoningOf(msg, thinking),
      toolCalls,
      finishReason,
      ...(refusal !== null ? { refusal } : {}),
    },
    usage: usageOf(j.usage),
    model: typeof j.model === 'string' ? j.model : null,
  };
}

/**
 * Parses a whole `text/event-stream` answer (`data: {chunk}` lines, ended by `data: [DONE]` or the body's end). A
 * stream that ends with neither `[DONE]` nor a finish_reason in any chunk was cut before the answer was finished (a
 * gateway that drops the upstream and closes its response cleanly): a failed call, retried like a dropped
 * connection, never a whole answer charged to the model. Servers that leave out `[DONE]` still send finish_reason.
 */
export function parseCompletionStream(text: string): ParsedCompletion {
  let content = '';
  let sawContent = false;
  let reasoning = '';
  let refusal = '';
  let finishReason: string | null = null;
  let finishedBy: unknown = null;
  let model: string | null = null;
  let usage: Usage = { promptTokens: 0, completionTokens: 0, reasoningTokens: 0 };
  let chunks = 0;
  let done = false;
  const tools = new Map<number, { id: string; name: string; arguments: string }>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') done = true;
    if (data === '' || data === '[DONE]') continue;
    if (nestsDeeperThan(data)) return tooDeep('an event of the response stream');
    let j: any;
    try {
      j = parseJsonLenient(data);
    } catch {
      return { ok: false, message: 'unparsable event in the response stream' };
    }
    const err = inlineError(j);
    if (err) return { ok: false, message: `the stream reported an error: ${err}` };
    chunks++;
    if (typeof j.model === 'string' && j.model) model = j.model;
    if (j.usage) usage = usageOf(j.usage);
    const choice = Array.isArray(j.choices) ? j.choices[0] : undefined;
    if (!choice) continue;
    // a blank one (some servers send "" until the end) finishes nothing
    if (typeof choice.finish_reason === 'string' && choice.finish_reason) {
      finishReason = choice.finish_reason;
      finishedBy = choice;
    }
    const failed = choiceError(choice);
    if (failed !== null) return { ok: false, message: failed };
    const delta = choice.delta ?? choice.message ?? {};
    const parts = splitContent(delta.content);
    if (parts.text !== null) {
      content += parts.text;
      sawContent = true;
    }
    reasoning += reasoningOf(delta, parts.thinking) ?? '';
    if (typeof delta.refusal === 'string') refusal += delta.refusal;
    if (Array.isArray(delta.tool_calls)) {
      for (const [i, tc] of delta.tool_calls.entries()) {
        const idx = typeof tc?.index === 'number' ? tc.index : i;
        const cur = tools.get(idx) ?? { id: '', name: '', arguments: '' };
        if (typeof tc?.id === 'string' && tc.id) cur.id = tc.id;
        // the name comes once (OpenAI), or again in every chunk (some servers): a repeat is not more of it
        if (typeof tc?.function?.name === 'string' && tc.function.name !== cur.name) cur.name += tc.function.name;
        const args = tc?.function?.arguments;
        if (typeof args === 'string') cur.arguments += args;
        else if (args && typeof args === 'object') cur.arguments = JSON.stringify(args);
        tools.set(idx, cur);
      }
    }
  }
  if (chunks === 0) return { ok: false, message: 'the response stream held no completion chunks' };
  if (!done && finishReason === null) return { ok: false, message: 'the stream ended before the answer was finished' };
  const toolCalls = normaliseToolCalls(
    [...tools.entries()].sort(([a], [b]) => a - b).map(([, t]) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })),
  );
  const kept = keptRefusal(refusal);
  if (withheld(finishReason, sawContent ? content : null, toolCalls, kept)) return filtered(finishReason!, finishedBy);
  return {
    ok: true,
    response: {
      content: sawContent ? content : null,
      reasoning: reasoning || null,
      toolCalls,
      finishReason,
      ...(kept !== null ? { refusal: kept } : {}),
    },
    usage,
    model,
  };
}

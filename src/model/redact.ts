// The one place where an endpoint's secrets (its API key and header values) are removed from text that came back
// from that endpoint: error bodies, connection errors, probe details, and answers (a proxy or model that echoes the
// request's headers into its answer must not put them into transcripts and exports). Everything derived from a call (run errors,
// SSE, stored transcripts, webhooks, reports, logs) is built from text that already went through here.
//
// Scoped to the endpoint that owns the secrets: another tenant's header values never mask anything here, so no
// tenant can blank out words in someone else's text (or in the operator's logs).
import { INVISIBLE } from '../lib/invisible.js';
import { escapeRegExp } from '../lib/regexp.js';
import type { ModelResponse } from '../testbeds/types.js';
import type { EndpointTarget } from './types.js';

/** Header values shorter than this are not treated as secrets (a `X-Debug: 1` must not mask every digit 1). */
export const MIN_HEADER_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

export type EndpointSecrets = Pick<EndpointTarget, 'apiKey' | 'headers'>;

/** The values to mask for one endpoint: its API key and every header value long enough to be a secret. */
export function endpointSecretValues(t: EndpointSecrets | null): string[] {
  if (!t) return [];
  const out = new Set<string>();
  if (t.apiKey) out.add(t.apiKey);
  for (const v of Object.values(t.headers ?? {})) if (typeof v === 'string' && v.length >= MIN_HEADER_SECRET_LENGTH) out.add(v);
  return [...out];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The forms in which a server may echo a value: as written, JSON-escaped, URL-encoded (a request line or query
 * echoed back), HTML-escaped (an error page), and base64 (a header or credential echoed in encoded form).
 */
function echoForms(v: string): string[] {
  const b64 = Buffer.from(v, 'utf8').toString('base64');
  const forms = [
    v,
    JSON.stringify(v).slice(1, -1),
    encodeURIComponent(v),
    v.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]),
    b64,
    b64.replace(/=+$/, ''),
    b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  ];
  return [...new Set(forms)].filter((f) => f.length >= MIN_HEADER_SECRET_LENGTH);
}

/** Compiled masks by their values: an endpoint's answers are masked with one pattern built once, not per answer. */
const masks = new Map<string, RegExp | null>();
const MAX_MASKS = 256;

function maskFor(values: readonly string[]): RegExp | null {
  const key = values.join('\u0000');
  let re = masks.get(key);
  if (re === undefined) {
    // longest first: a value that contains another is masked whole
    const forms = [...new Set(values.filter(Boolean).flatMap(echoForms))].sort((a, b) => b.length - a.length);
    re = forms.length === 0 ? null : new RegExp(forms.map(escapeRegExp).join('|'), 'gi');
    if (masks.size >= MAX_MASKS) masks.delete(masks.keys().next().value!);
    masks.set(key, re);
  }
  return re;
}

/**
 * Masks each value in every form a server may echo it (echoForms), in any letter case (a header value echoed
 * lower-cased, percent-escapes in either case).
 */
export function maskValues(text: string, values: readonly string[]): string {
  const re = maskFor(values);
  return re === null ? text : text.replace(re, REDACTED);
}

/**
 * Text from (or about) an endpoint, without that endpoint's API key, header values, a half of a long API key
 * (providers echo masked forms such as "sk-abc...wxyz") or anything that looks like a bearer credential.
 */
export function redactEndpointText(text: string, t: EndpointSecrets | null): string {
  // invisible characters between a secret's letters (a zero-width space after each) would hide it from the mask
  // while a person still reads it: error text loses them first
  return maskValues(text.replace(INVISIBLE, ''), echoedSecretValues(t)).replace(/Bearer\s+[^\s"',]+/gi, `Bearer ${REDACTED}`).replace(/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED);
}

/** The endpoint's secret values, and each half of a long API key (providers echo masked forms such as "sk-abc..."). */
function echoedSecretValues(t: EndpointSecrets | null): string[] {
  const values = endpointSecretValues(t);
  const key = t?.apiKey;
  // a half of a long key, either half (providers echo masked forms: "sk-abc…", "…wxyz1234")
  if (key && key.length >= 16) values.push(key.slice(0, Math.ceil(key.length / 2)), key.slice(-Math.ceil(key.length / 2)));
  return values;
}

/**
 * Text taken from an answer (the model's words, or a name the server reported) without the endpoint's own secret
 * values (in every form echoForms knows, and either half of a long API key). Only those exact values: the broader
 * patterns of redactEndpointText (anything after `Bearer`, `sk-…`) would rewrite what a model legitimately wrote.
 */
export function redactAnswerText(text: string, t: EndpointSecrets | null): string {
  return maskValues(text, echoedSecretValues(t));
}

/**
 * An answer without the endpoint's own secret values (redactAnswerText) in any string it took from the endpoint:
 * content, reasoning, refusal, finish reason, and each tool call's id, name and arguments (a proxy that echoes the
 * request's headers may put them in any of these; a tool call's `type` is always our own `function`). Unchanged
 * (the same object) when nothing was echoed.
 */
export function redactAnswer(response: ModelResponse, t: EndpointSecrets | null): ModelResponse {
  const values = echoedSecretValues(t);
  if (values.length === 0) return response;
  // strings compare by value: an answer that echoed nothing comes back as the same object
  const mask = (text: string) => maskValues(text, values);
  const content = response.content === null ? null : mask(response.content);
  const reasoning = response.reasoning === null ? null : mask(response.reasoning);
  const finishReason = response.finishReason === null ? null : mask(response.finishReason);
  const toolCalls = response.toolCalls.map((c) => {
    const id = mask(c.id);
    const args = mask(c.function.arguments);
    const name = mask(c.function.name);
    return id === c.id && args === c.function.arguments && name === c.function.name ? c : { ...c, id, function: { name, arguments: args } };
  });
  const refusal = response.refusal ? mask(response.refusal) : response.refusal;
  if (
    content === response.content &&
    reasoning === response.reasoning &&
    finishReason === response.finishReason &&
    refusal === response.refusal &&
    toolCalls.every((c, i) => c === response.toolCalls[i])
  ) {
    return response;
  }
  return { ...response, content, reasoning, finishReason, toolCalls, ...(refusal ? { refusal } : {}) };
}

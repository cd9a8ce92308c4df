// The one place where an endpoint's secrets (its API key and header values) are removed from text that came back
// from that endpoint: error bodies, connection errors, probe details, and answers (a proxy or model that echoes the
// request's headers into its answer must not put them into transcripts and exports). Everything derived from a call (run errors,
// SSE, stored transcripts, webhooks, reports, logs) is built from text that already went through here.
//
// Scoped to the endpoint that owns the secrets: another tenant's header values never mask anything here, so no
// tenant can blank out words in someone else's text (or in the operator's logs).
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

/** Masks each value as written and as a JSON string would escape it (an echo inside a raw JSON body). */
export function maskValues(text: string, values: readonly string[]): string {
  let s = text;
  // longest first: a value that contains another is masked whole
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    if (!v) continue;
    s = s.split(v).join(REDACTED);
    const escaped = JSON.stringify(v).slice(1, -1);
    if (escaped !== v) s = s.split(escaped).join(REDACTED);
  }
  return s;
}

/**
 * Text from (or about) an endpoint, without that endpoint's API key, header values, a half of a long API key
 * (providers echo masked forms such as "sk-abc...wxyz") or anything that looks like a bearer credential.
 */
export function redactEndpointText(text: string, t: EndpointSecrets | null): string {
  return maskValues(text, echoedSecretValues(t)).replace(/Bearer\s+[^\s"',]+/gi, `Bearer ${REDACTED}`).replace(/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED);
}

/** The endpoint's secret values, and the first half of a long API key (providers echo masked forms such as "sk-abc..."). */
function echoedSecretValues(t: EndpointSecrets | null): string[] {
  const values = endpointSecretValues(t);
  const key = t?.apiKey;
  if (key && key.length >= 16) values.push(key.slice(0, Math.ceil(key.length / 2)));
  return values;
}

/**
 * An answer without the endpoint's own secret values (as written or JSON-escaped, and the first half of a long API
 * key). Only those exact values: the broader patterns of redactEndpointText (anything after `Bearer`, `sk-…`) would
 * rewrite what a model legitimately wrote. Unchanged (the same object) when nothing was echoed.
 */
export function redactAnswer(response: ModelResponse, t: EndpointSecrets | null): ModelResponse {
  const values = echoedSecretValues(t);
  if (values.length === 0) return response;
  // strings compare by value: an answer that echoed nothing comes back as the same object
  const mask = (text: string) => maskValues(text, values);
  const content = response.content === null ? null : mask(response.content);
  const reasoning = response.reasoning === null ? null : mask(response.reasoning);
  const toolCalls = response.toolCalls.map((c) => {
    const args = mask(c.function.arguments);
    const name = mask(c.function.name);
    return args === c.function.arguments && name === c.function.name ? c : { ...c, function: { name, arguments: args } };
  });
  const refusal = response.refusal ? mask(response.refusal) : response.refusal;
  if (
    content === response.content &&
    reasoning === response.reasoning &&
    refusal === response.refusal &&
    toolCalls.every((c, i) => c === response.toolCalls[i])
  ) {
    return response;
  }
  return { ...response, content, reasoning, toolCalls, ...(refusal ? { refusal } : {}) };
}

// A 200 answer that holds an error object instead of a chat completion (vLLM's `{object:"error", code:400}`, FastAPI's
// `{detail:"Not Found"}`, a gateway's `{error:{…}}`). It is a failed call with the provider's words, classified by
// the status it stands for: read as an answer it was "no choices", retried as if the server were busy.
import { isBillingError, summariseErrorValue, type ErrorSummary } from './error-body.js';

/**
 * The error a parsed 200 body holds instead of a completion, or null when it holds none. Only bodies shaped as
 * errors count (an `error` member, vLLM's `object: "error"`, FastAPI's `detail`, DashScope's `{code, message}`):
 * some other JSON document is an unreadable answer, not an error to quote.
 */
export function errorObjectOf(j: unknown): ErrorSummary | null {
  const o: Record<string, any> | null = Array.isArray(j) ? j[0] : (j as Record<string, any> | null);
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const shaped =
    'error' in o || o.object === 'error' || 'detail' in o || (typeof (o.message ?? o.msg) === 'string' && ('code' in o || 'type' in o || 'status' in o));
  return shaped ? summariseErrorValue(o) : null;
}

/**
 * The status a 200 body's error stands for: the one it names, else one its words make plain (a route or model
 * "not found", a refused key, an empty account); null when it says neither (e.g. "model overloaded": retried).
 */
export function statusOfErrorObject(s: ErrorSummary): number | null {
  if (s.status !== null) return s.status;
  if (/\bnot found\b|does not exist/i.test(s.text)) return 404;
  if (/unauthori[sz]ed|invalid api key|incorrect api key|invalid x-api-key|api key not valid/i.test(s.text)) return 401;
  return isBillingError(s) ? 402 : null;
}

/** How a 200 answer carrying an error is told: with the status its body stands for, then the provider's words. */
export function okBodyErrorMessage(s: ErrorSummary, status: number | null): string {
  return `${okBodyErrorPrefix(status)}${s.text}`;
}

export function okBodyErrorPrefix(status: number | null): string {
  return `HTTP 200 with ${status === null ? 'an error' : `error ${status}`} in the body: `;
}

// Turns the error bodies of OpenAI-compatible servers into one readable line. Providers disagree on the shape:
// OpenAI/vLLM/llama.cpp/Ollama/Anthropic `{error:{message,type,code}}`, Gemini a one-element ARRAY of that,
// Mistral/vLLM (old) `{object:"error",message}`, FastAPI `{detail:[{loc,msg}]}`, DashScope `{code,message}`,
// Ollama/LM Studio `{error:"..."}`; an HTML page is told by its title; anything else is shown as an excerpt of the
// raw text (redacted, and capped again, by the caller).
import { nestsDeeperThan } from '../lib/json-depth.js';
import { HTML_SCAN_CHARS, htmlText, htmlTitle, looksLikeHtml } from './html-page.js';

export interface ErrorSummary {
  /** the human message, with the provider's error code in brackets when it adds information */
  text: string;
  /** the machine code/type/status the provider gave (lower-cased), e.g. `insufficient_quota`, `resource_exhausted` */
  codes: string[];
  /** the HTTP status the body itself names (vLLM `code: 400`, OpenRouter `error.code: 402`), else null */
  status: number | null;
}

/** A 4xx/5xx given as a number or a three-digit string; else null. */
function httpStatus(...values: unknown[]): number | null {
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v.trim()) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 400 && n <= 599) return n;
  }
  return null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

/** FastAPI/pydantic validation errors: `body.seed: Extra inputs are not permitted`. */
function detailText(detail: unknown): string | null {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return detail && typeof detail === 'object' ? JSON.stringify(detail) : null;
  const parts = detail.map((d) => {
    const loc = Array.isArray(d?.loc) ? d.loc.join('.') : null;
    const msg = str(d?.msg) ?? str(d?.message) ?? JSON.stringify(d);
    return loc ? `${loc}: ${msg}` : msg;
  });
  return parts.join('; ');
}

function fromObject(j: Record<string, any>): ErrorSummary | null {
  const e = j.error;
  const inner = e && typeof e === 'object' && !Array.isArray(e) ? e : null;
  const message =
    str(inner?.message) ??
    (typeof e === 'string' ? e : null) ??
    str(j.message) ??
    // Mistral wraps pydantic errors: `{object:"error", message:{detail:[…]}}`
    (j.message && typeof j.message === 'object' ? detailText(j.message.detail ?? j.message) : null) ??
    detailText(j.detail) ??
    str(j.msg);
  if (message === null) return null;
  const codes = [inner?.code, inner?.type, inner?.status, j.code, j.type]
    .map(str)
    .filter((c): c is string => c !== null && !/^\d+$/.test(c) && !/^(error|invalid_request_error|api_error|server_error)$/i.test(c))
    .map((c) => c.toLowerCase());
  const unique = [...new Set(codes)];
  const shown = unique.filter((c) => !message.toLowerCase().includes(c));
  const status = httpStatus(inner?.code, inner?.status, j.code, j.status, j.status_code);
  return { text: shown.length ? `${message} [${shown.join(', ')}]` : message, codes: unique, status };
}

/** The summary of a parsed error value: an object, or Gemini's one-element array `[{"error": {...}}]`. */
export function summariseErrorValue(j: unknown): ErrorSummary | null {
  if (Array.isArray(j) && j.length > 0) j = j[0];
  return j && typeof j === 'object' && !Array.isArray(j) ? fromObject(j as Record<string, any>) : null;
}

/** Raw text beyond this is cut: a gateway may send megabytes, and the message is capped at 500 characters anyway. */
const MAX_EXCERPT = 300;

/** Characters kept beyond an excerpt's cut while redacting: more than any secret is long. */
const REDACT_MARGIN = 1024;

/**
 * At most `max` characters of `text`, ending at a word boundary. `redact` runs before the cut, on a window reaching
 * at least REDACT_MARGIN past it even after masking shortened it: a secret lying across the cut is masked whole, and
 * one cut at the window's end lies beyond the excerpt.
 */
function excerpt(text: string, max: number, redact: (s: string) => string): string {
  let end = Math.min(text.length, max + REDACT_MARGIN);
  let clean = redact(text.slice(0, end));
  while (end < text.length && clean.length < max + REDACT_MARGIN) {
    end = Math.min(text.length, end * 2);
    clean = redact(text.slice(0, end));
  }
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

const size = (raw: string) => `${Math.round(Buffer.byteLength(raw) / 1024)} KB`;

/** An HTML page as one line: its title (else its first words), never its markup. */
function htmlSummary(raw: string, redact: (s: string) => string): string {
  // the scan ends before the tag or word it would cut (that word could be part of a secret)
  const cut = raw.length > HTML_SCAN_CHARS ? Math.max(raw.lastIndexOf('<', HTML_SCAN_CHARS), raw.lastIndexOf(' ', HTML_SCAN_CHARS)) : -1;
  const head = raw.slice(0, cut > 0 ? cut : HTML_SCAN_CHARS);
  const title = htmlTitle(head);
  const words = title === null ? htmlText(head) : '';
  const said = title !== null ? ` titled "${excerpt(title, 120, redact)}"` : words ? ` reading "${excerpt(words, 160, redact)}"` : '';
  return `an HTML page${said}${raw.length > 4096 ? ` (${size(raw)})` : ''} instead of an API answer`;
}

/**
 * The readable part of an error body, or null for an empty one. `redact` removes the endpoint's secrets from raw
 * text before any excerpt is cut from it (JSON messages are kept whole and redacted by the caller).
 */
export function summariseErrorBody(raw: string | null, redact: (s: string) => string = (s) => s): ErrorSummary | null {
  if (raw === null || raw.trim() === '') return null;
  // JSON nested deeper than any error body is not parsed (lib/json-depth.ts): it is shown as an excerpt of its text
  if (!nestsDeeperThan(raw)) {
    try {
      const s = summariseErrorValue(JSON.parse(raw));
      if (s) return s;
    } catch {
      /* not JSON */
    }
  }
  if (looksLikeHtml(raw)) return { text: htmlSummary(raw, redact), codes: [], status: null };
  const text = raw.trim();
  if (text.length <= MAX_EXCERPT) return { text, codes: [], status: null };
  return { text: `${excerpt(text, MAX_EXCERPT, redact)} (${size(raw)} in all)`, codes: [], status: null };
}

// Billing and quota exhaustion: waiting does not refill an account, so a 429 saying this is permanent.
// Gemini's per-minute `RESOURCE_EXHAUSTED` ("You exceeded your current quota, please check your plan and billing
// details") is a rate limit and stays transient: generic words like "quota" or "billing" are not enough.
const BILLING_CODES = /^(insufficient_quota|billing_hard_limit_reached|billing_not_active|arrearage|payment_required)$/;
const RATE_LIMIT_CODES = /^(resource_exhausted|rate_limit_exceeded|rate_limit_error|throttling|requests)$/;
const BILLING_TEXT = /insufficient[_ ]quota|insufficient credits|credit balance is too low|out of credits|payment required|arrearage|billing hard limit|billing is not active/i;

export function isBillingError(summary: ErrorSummary | null): boolean {
  if (!summary) return false;
  if (summary.codes.some((c) => BILLING_CODES.test(c))) return true;
  return !summary.codes.some((c) => RATE_LIMIT_CODES.test(c)) && BILLING_TEXT.test(summary.text);
}

// Turns the error bodies of OpenAI-compatible servers into one readable line. Providers disagree on the shape:
// OpenAI/vLLM/llama.cpp/Ollama/Anthropic `{error:{message,type,code}}`, Gemini a one-element ARRAY of that,
// Mistral/vLLM (old) `{object:"error",message}`, FastAPI `{detail:[{loc,msg}]}`, DashScope `{code,message}`,
// Ollama `{error:"..."}`; anything else is shown as (capped, redacted by the caller) raw text.

export interface ErrorSummary {
  /** the human message, with the provider's error code in brackets when it adds information */
  text: string;
  /** the machine code/type/status the provider gave (lower-cased), e.g. `insufficient_quota`, `resource_exhausted` */
  codes: string[];
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
  return { text: shown.length ? `${message} [${shown.join(', ')}]` : message, codes: unique };
}

/** The readable part of an error body, or null for an empty one. */
export function summariseErrorBody(raw: string | null): ErrorSummary | null {
  if (raw === null || raw.trim() === '') return null;
  try {
    let j: unknown = JSON.parse(raw);
    // Gemini's OpenAI-compatible API answers `[{"error": {...}}]`
    if (Array.isArray(j) && j.length > 0) j = j[0];
    if (j && typeof j === 'object') {
      const s = fromObject(j as Record<string, any>);
      if (s) return s;
    }
  } catch {
    /* not JSON */
  }
  return { text: raw.trim(), codes: [] };
}

// Billing and quota exhaustion: waiting does not refill an account, so a 429 saying this is permanent.
// Gemini's per-minute `RESOURCE_EXHAUSTED` ("You exceeded your current quota, please check your plan and billing
// details") is a rate limit and stays transient: generic words like "quota" or "billing" are not enough.
const BILLING_CODES = /^(insufficient_quota|billing_hard_limit_reached|billing_not_active|arrearage|payment_required)$/;
const RATE_LIMIT_CODES = /^(resource_exhausted|rate_limit_exceeded|rate_limit_error|throttling|requests)$/;
const BILLING_TEXT = /insufficient[_ ]quota|credit balance is too low|out of credits|payment required|arrearage|billing hard limit|billing is not active/i;

export function isBillingError(summary: ErrorSummary | null): boolean {
  if (!summary) return false;
  if (summary.codes.some((c) => BILLING_CODES.test(c))) return true;
  return !summary.codes.some((c) => RATE_LIMIT_CODES.test(c)) && BILLING_TEXT.test(summary.text);
}

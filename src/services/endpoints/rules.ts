// Endpoint validation rules, shared by the route schemas and the service.
export const ENDPOINT_ID_PREFIX = 'end';
export const ENDPOINT_ID_RE = /^end_[a-z0-9]{1,64}$/;
export const MAX_HEADERS = 20;
export const EXTRA_BODY_MAX_BYTES = 16 * 1024;
/** Request-body fields the service sets itself; `extraBody` may not override them. */
export const FORBIDDEN_EXTRA_BODY_KEYS = [
  'model',
  'messages',
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'stream',
  'stream_options',
  'n',
] as const;

const HOP_BY_HOP = 'hop-by-hop headers are managed by the HTTP client';
/** Lower-cased header names that may not be configured, with the reason. */
export const FORBIDDEN_HEADER_NAMES: Record<string, string> = {
  connection: HOP_BY_HOP,
  'keep-alive': HOP_BY_HOP,
  'proxy-connection': HOP_BY_HOP,
  'proxy-authenticate': HOP_BY_HOP,
  'proxy-authorization': HOP_BY_HOP,
  te: HOP_BY_HOP,
  trailer: HOP_BY_HOP,
  'transfer-encoding': HOP_BY_HOP,
  upgrade: HOP_BY_HOP,
  host: 'the host comes from baseUrl',
  'content-length': 'the length is computed per request',
  authorization: 'use `apiKey` for the bearer credential',
};

/** Query parameter names that carry credentials (Gemini's `key`, SAS `sig`, `access_token`, …). */
// (Azure Functions' `code`, APIM's `subscription-key`, S3 presigned `X-Amz-Signature`, GitLab's `private_token`, …)
const CREDENTIAL_PARAM =
  /^(?:key|api[-_]?key|access[-_]?token|token|auth|authorization|sig|signature|secret|password|pass|client[-_]?secret|x-api-key|code|subscription[-_]?key|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|api[-_]?token|private[-_]?token|access[-_]?key|jwt|bearer|session[-_]?token)$/i;

/** Why a base URL is malformed (syntax only; the SSRF policy is `deps.checkUrl`), or null. */
export function baseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL, e.g. https://host/v1';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  // a query string is kept and sent with every request (Azure OpenAI's `?api-version=`)
  if (url.hash !== '' || value.includes('#')) return 'must not have a fragment';
  // the base URL is shown in every endpoint view, run and log line: a credential in it would be shown in clear
  // (credentials before the host are refused by the URL guard, as endpoint-refused)
  const secretParam = [...url.searchParams.keys()].find((k) => CREDENTIAL_PARAM.test(k));
  if (secretParam !== undefined) {
    return `must not carry a credential in its query (${secretParam}=…): use apiKey or headers, which are stored encrypted and never shown`;
  }
  if (/\/chat\/completions\/*$/i.test(url.pathname)) {
    return 'give the OpenAI-compatible base URL (e.g. https://host/v1), without /chat/completions';
  }
  return null;
}

/**
 * The stored form of a base URL: WHATWG-normalised (so the checked host is the called host), no trailing slash on
 * the path; a query string (Azure `api-version`) is kept after it.
 */
export function normaliseBaseUrl(value: string): string {
  const url = new URL(value);
  const search = url.search === '?' ? '' : url.search;
  url.search = '';
  return `${url.href.replace(/\/+$/, '')}${search}`;
}

// Probing decrypts an endpoint's secrets only to call it, and redacts them from whatever it reports.
import type { Deps } from '../../deps.js';
import { ServiceError } from '../../lib/errors.js';
import { sanitizeMessage } from '../../model/openai-client.js';
import type { CallResult, EndpointTarget } from '../../model/types.js';
import type { ModelRequest, ToolDefinition } from '../../testbeds/types.js';
import { findEndpointRow } from './crud.js';
import { loadTarget } from './target.js';


/** Upper bound for each probe call (retries included); the endpoint's own requestTimeoutMs applies when lower. */
export const PROBE_CALL_DEADLINE_MS = 30_000;
export const PROBE_MAX_TOKENS = 32;

const PROBE_REQUEST: ModelRequest = {
  messages: [{ role: 'user', content: 'This is a connectivity check. Reply with {"choice": "ok"}' }],
};

const ECHO_TOOL: ToolDefinition = {
  type: 'function',
  function: {
    name: 'echo',
    description: 'Returns its input text unchanged.',
    parameters: { type: 'object', properties: { text: { type: 'string', description: 'Text to echo.' } }, required: ['text'] },
  },
};

const TOOLS_REQUEST: ModelRequest = {
  messages: [{ role: 'user', content: 'This is a connectivity check. Call the echo tool with the text "ok".' }],
  tools: [ECHO_TOOL],
};

export interface ProbeResult {
  ok: true;
  latencyMs: number;
  model: string | null;
  toolsSupported: boolean | null;
  reasoning: boolean;
  finishReason: string | null;
}

type CallFailure = Extract<CallResult, { ok: false }>;

/** A human explanation of a failed probe call (already free of the API key; redacted again by the caller). */
export function describeProbeFailure(r: CallFailure, deadlineMs: number): string {
  const m = r.message;
  const status = r.status;
  if (r.kind === 'cancelled' || (status === null && /timed out/i.test(m))) {
    return `the endpoint did not answer within ${deadlineMs} ms (timeout)${r.kind === 'cancelled' ? '' : `: ${m}`}`;
  }
  if (r.kind === 'rescheduled') {
    return `the endpoint is rate limiting (HTTP ${status ?? 429}) and asked to retry after ${Math.ceil((r.retryAfterMs ?? 0) / 1000)} s: ${m}`;
  }
  if (status === 401 || status === 403) return `the endpoint rejected the credentials (HTTP ${status}); check apiKey and headers: ${m}`;
  if (status === 404) {
    return `the endpoint answered HTTP 404; check that baseUrl is the OpenAI-compatible base (e.g. https://host/v1) and that the model exists: ${m}`;
  }
  if (/endpoint refused/i.test(m)) return `the endpoint address is refused by the service's network policy: ${m}`;
  if (/unparsable response body|response has no choices/i.test(m)) {
    return `the endpoint did not answer with an OpenAI chat completion (is baseUrl the OpenAI-compatible base?): ${m}`;
  }
  if (status === null && /connection failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH/i.test(m)) {
    return `the endpoint is unreachable: ${m}`;
  }
  if (status !== null) return `the endpoint answered HTTP ${status}: ${m}`;
  return `the endpoint call failed: ${m}`;
}

function redactor(target: EndpointTarget): (s: string) => string {
  const secrets = [target.apiKey, ...Object.values(target.headers)].filter((s): s is string => typeof s === 'string' && s.length >= 6);
  return (s) => {
    let out = sanitizeMessage(s, target.apiKey);
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
}

/**
 * One tiny chat completion (reachability, latency, model echo, reasoning), then one with a trivial tool to learn
 * whether `tools` are accepted. A failing first call is a 422 `endpoint_error` with `endpointStatus`.
 */
export async function probeEndpoint(
  deps: Pick<Deps, 'db' | 'secrets' | 'logger' | 'modelClient' | 'checkUrl'>,
  tenantId: string,
  id: string,
  opts: { signal?: AbortSignal; logger?: Deps['logger'] } = {},
): Promise<ProbeResult> {
  const row = await findEndpointRow(deps, tenantId, id);
  const logger = opts.logger ?? deps.logger;
  // The policy may have changed since registration (e.g. private endpoints no longer allowed).
  const check = await deps.checkUrl(row.baseUrl);
  if (!check.ok) throw new ServiceError('endpoint_refused', `endpoint URL refused: ${check.reason}`);

  const { target } = await loadTarget(deps, row.id);
  const deadlineMs = Math.min(target.requestTimeoutMs, PROBE_CALL_DEADLINE_MS);
  const maxTokens = Math.min(target.params.max_tokens ?? PROBE_MAX_TOKENS, PROBE_MAX_TOKENS);
  const probeTarget: EndpointTarget = { ...target, params: { ...target.params, max_tokens: maxTokens }, requestTimeoutMs: deadlineMs };
  const redact = redactor(target);
  const call = (request: ModelRequest) => {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    // one attempt: a probe reports what the endpoint does now, quickly, instead of retrying for seconds
    return deps.modelClient.complete(probeTarget, request, { signal, maxAttempts: 2 });
  };

  const first = await call(PROBE_REQUEST);
  if (!first.ok) {
    const detail = redact(describeProbeFailure(first, deadlineMs));
    logger.info('endpoint probe failed', { endpointId: row.id, kind: first.kind, endpointStatus: first.status, attempts: first.attempts, detail });
    throw new ServiceError('endpoint_error', detail, { endpointStatus: first.status });
  }

  let toolsSupported: boolean | null;
  let reasoning = first.response.reasoning !== null && first.response.reasoning !== '';
  const second = await call(TOOLS_REQUEST);
  if (second.ok) {
    toolsSupported = true;
    reasoning ||= second.response.reasoning !== null && second.response.reasoning !== '';
  } else if (second.kind === 'tools-unsupported' || (second.kind === 'permanent' && (second.status === 400 || second.status === 422))) {
    // the same request without tools just succeeded: a 400/422 now is the endpoint refusing `tools`
    toolsSupported = false;
  } else {
    toolsSupported = null;
  }

  const result: ProbeResult = {
    ok: true,
    latencyMs: first.latencyMs,
    model: first.model === null ? null : redact(first.model).slice(0, 200),
    toolsSupported,
    reasoning,
    finishReason: first.response.finishReason === null ? null : redact(first.response.finishReason).slice(0, 64),
  };
  logger.info('endpoint probe', {
    endpointId: row.id,
    latencyMs: result.latencyMs,
    toolsSupported,
    ...(second.ok ? {} : { toolsProbe: { kind: second.kind, endpointStatus: second.status } }),
  });
  return result;
}

// The probe is a dry run of a real call: it sends exactly the body a run sends (the endpoint's params, the
// calculator's tool schema, the same seed field), so its verdict is what a run will meet. Runs use the same dry
// run as their pre-flight. Secrets are decrypted only to call the endpoint and redacted from whatever it reports.
import type { Deps } from '../../deps.js';
import { ServiceError } from '../../lib/errors.js';
import { fixFor, isLoading, readProbeAnswer, toolsFix, toolUseOf, type AnswerVerdict } from '../../model/diagnosis.js';
import { okBodyErrorPrefix } from '../../model/ok-body-error.js';
import { sanitizeMessage } from '../../model/openai-client.js';
import { endpointSecretValues } from '../../model/redact.js';
import type { CallResult, EndpointTarget } from '../../model/types.js';
import { CALCULATOR_TOOL } from '../../testbeds/tool-use/calculator.js';
import { readChoice } from '../../testbeds/reader.js';
import type { CatalogueOption, ModelRequest } from '../../testbeds/types.js';
import { findEndpointRow } from './crud.js';
import { loadTarget } from './target.js';

/**
 * Upper bound for each call of the API's probe (retries included): the endpoint's own requestTimeoutMs, up to this.
 * A run's pre-flight waits the whole requestTimeoutMs, as every call of the run does: a model that takes 40 s per
 * answer, with requestTimeoutMs raised for it, must not be refused by a shorter wait than its runs use.
 */
export const PROBE_CALL_DEADLINE_MS = 120_000;

/** What the plain check asks for, read as a run reads a choice. */
const PROBE_OPTIONS: CatalogueOption[] = [{ label: 'ok', role: 'compliant' }];

// shaped like a run's request — a system prompt, an earlier round, its feedback and the next round as two user
// messages in a row — so a server whose chat template refuses that shape fails here, with advice, not at round 2
const PROBE_REQUEST: ModelRequest = {
  messages: [
    { role: 'system', content: 'This is a connectivity check. Answer each round as asked.' },
    { role: 'user', content: 'Round 1 of the connectivity check: reply with {"choice": "ok"}' },
    { role: 'assistant', content: '{"choice": "ok"}' },
    { role: 'user', content: 'Round 1 result: recorded.' },
    { role: 'user', content: 'Round 2 of the connectivity check: reply with {"choice": "ok"}' },
  ],
};

// the run's own calculator tool: a probe with a simpler schema could pass where the run's request is refused
const TOOLS_REQUEST: ModelRequest = {
  messages: [{ role: 'user', content: 'This is a connectivity check. Use the calculator tool to compute 2+2.' }],
  tools: [CALCULATOR_TOOL],
};

/**
 * How tool calls come back: `structured` (`tool_calls`), `text` (written into the answer: the server's tool parser
 * is off), `not-called` (tools accepted, the model answered without them), `unsupported` (the server refused
 * `tools`), `unknown` (the tools call failed for another reason).
 */
export type ToolUse = 'structured' | 'text' | 'not-called' | 'unsupported' | 'unknown';

export interface ProbeResult {
  ok: true;
  /** a run can measure with this endpoint as configured (false: see `advice`) */
  ready: boolean;
  latencyMs: number;
  model: string | null;
  finishReason: string | null;
  reasoning: boolean;
  answer: AnswerVerdict;
  reasoningUsedBudget: boolean;
  toolsSupported: boolean | null;
  toolUse: ToolUse;
  /** the server's words when tool use is not `structured`/`not-called` */
  toolUseDetail: string | null;
  /** what to change, in terms of endpoint fields or server flags */
  advice: string[];
}

export interface ProbeFailure {
  ok: false;
  /** the diagnosis, with the server's own error text */
  detail: string;
  /** the change that fixes a known failure shape, else null */
  fix: string | null;
  endpointStatus: number | null;
  /** the pause a rate limit asked for (see pauseAskedFor), else null */
  retryAfterMs: number | null;
}

type CallFailure = Extract<CallResult, { ok: false }>;

/** A human explanation of a failed probe call (already free of the API key; redacted again by the caller). */
export function describeProbeFailure(r: CallFailure, deadlineMs: number): string {
  const status = r.status;
  // the client's message may already name the status ("HTTP 404: …", "gave up after 2 attempts: HTTP 502: …"): say it once
  const m = status === null ? r.message : r.message.replace(new RegExp(`(^|: )HTTP ${status}:\\s*`), '$1');
  if (r.kind === 'cancelled' || (status === null && /timed out/i.test(m))) {
    return `the endpoint did not answer within ${deadlineMs} ms (timeout)${r.kind === 'cancelled' ? '' : `: ${m}`}`;
  }
  if (r.kind === 'rescheduled') {
    return `the endpoint is rate limiting (HTTP ${status ?? 429}) and asked to retry after ${Math.ceil((r.retryAfterMs ?? 0) / 1000)} s: ${m}`;
  }
  // a challenge page is a 403 (or 503) that says nothing about the credentials
  if (status !== null && r.shape?.kind === 'bot-challenge') return `the endpoint answered HTTP ${status}: ${m}`;
  if (status === 401 || status === 403) return `the endpoint rejected the credentials (HTTP ${status}): ${m}`;
  if (r.shape?.kind === 'error-in-ok-body') {
    const { standsFor } = r.shape;
    const words = r.message.replace(okBodyErrorPrefix(standsFor), '');
    return `the endpoint answered HTTP 200 with an error${standsFor === null ? '' : ` (${standsFor})`} instead of a chat completion: ${words}`;
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
  return (s) => sanitizeMessage(s, target);
}

const BUDGET = 'params.max_tokens / params.max_completion_tokens';

/** What the answer to the plain call means for a run (advice when it cannot be read). */
function answerAdvice(answer: AnswerVerdict, reasoningUsedBudget: boolean): string | null {
  if (answer === 'truncated') {
    return reasoningUsedBudget
      ? `reasoning used up the token budget before any answer (finish_reason length): raise ${BUDGET} or lower the reasoning effort (extraBody)`
      : `the answer was cut by the token budget (finish_reason length): raise ${BUDGET}`;
  }
  if (answer === 'empty') return 'the endpoint answered with empty content';
  if (answer === 'reasoning-only') return "the visible content is empty while the answer sits in the reasoning: check the server's reasoning parser";
  return null;
}

/** Until a rate limit asks for a pause, 429s without a Retry-After are tried again this much later. */
const RATE_LIMIT_PAUSE_MS = 30_000;
/** A model that says it is loading is tried again this much later. */
const LOADING_PAUSE_MS = 20_000;

/**
 * The pause a failed call asked for: a Retry-After too long to wait in-process, or a rate limit that outlasted the
 * probe's attempts (a short Retry-After each time, or none). A rate limit says nothing against the endpoint, so the
 * run's pre-flight waits it out and tries again, within the wait any call of the run is allowed; a billing 429 is
 * permanent and asks for nothing.
 */
function pauseAskedFor(r: CallFailure): number | null {
  if (r.kind === 'rescheduled') return r.retryAfterMs ?? RATE_LIMIT_PAUSE_MS;
  if (r.kind === 'transient' && r.status === 429) return Math.max(r.retryAfterMs ?? RATE_LIMIT_PAUSE_MS, 1_000);
  // a model still loading (a Hugging Face endpoint scaled to zero, llama-server starting) works in a minute or two
  if (r.kind === 'transient' && r.status === 503 && isLoading(r.message)) return Math.max(r.retryAfterMs ?? LOADING_PAUSE_MS, 1_000);
  return null;
}

/** The dry run: the plain call, then the calculator call. Never throws for endpoint behaviour. */
export async function dryRunEndpoint(
  deps: Pick<Deps, 'modelClient' | 'logger'>,
  target: EndpointTarget,
  opts: {
    signal?: AbortSignal;
    logger?: Deps['logger'];
    /** per call; the endpoint's requestTimeoutMs when absent */
    deadlineMs?: number;
    /** told the pauses the endpoint asks for that the client waits out (CallOptions.onPause) */
    onPause?: (waitMs: number) => void;
  } = {},
): Promise<ProbeResult | ProbeFailure> {
  const logger = (opts.logger ?? deps.logger).withSecrets(endpointSecretValues(target));
  const deadlineMs = Math.min(target.requestTimeoutMs, opts.deadlineMs ?? target.requestTimeoutMs);
  const probeTarget: EndpointTarget = { ...target, requestTimeoutMs: deadlineMs };
  const redact = redactor(target);
  const call = (request: ModelRequest) => {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    // two attempts: a probe reports what the endpoint does now, quickly, instead of retrying for seconds
    return deps.modelClient.complete(probeTarget, request, { signal, maxAttempts: 2, onPause: opts.onPause });
  };

  const first = await call(PROBE_REQUEST);
  if (!first.ok) {
    const detail = redact(describeProbeFailure(first, deadlineMs));
    const fix = fixFor(first, target);
    logger.info('endpoint probe failed', { endpointId: target.id, kind: first.kind, endpointStatus: first.status, attempts: first.attempts, detail });
    return { ok: false, detail, fix: fix && redact(fix), endpointStatus: first.status, retryAfterMs: pauseAskedFor(first) };
  }
  const reading = readProbeAnswer(first.response, first.usage);
  const advice: string[] = [];
  const refusal = first.response.refusal?.trim();
  const answerProblem =
    reading.answer === 'empty' && refusal
      ? `the model declined the request in its refusal field: ${redact(refusal).slice(0, 200)}`
      : answerAdvice(reading.answer, reading.reasoningUsedBudget);
  if (answerProblem) advice.push(answerProblem);
  // visible, but not the choice it was asked for: runs will be read the same way, and may end failed for too few
  // readable answers (the endpoint is still called ready: the run's prompts may fare better than one check)
  if (reading.answer === 'content' && readChoice(first.response, PROBE_OPTIONS).status !== 'parsed') {
    advice.push(
      `the answer could not be read as the choice it was asked for ({"choice": "ok"}): ${redact(first.response.content ?? '').slice(0, 120)} — ` +
        'runs read every answer the same way, and end failed when fewer than half can be read',
    );
  }

  const hasReasoning = (r: CallResult) => r.ok && (r.response.reasoning ?? '') !== '';
  const second = await call(TOOLS_REQUEST);
  let toolUse: ToolUse;
  let toolUseDetail: string | null = null;
  if (second.ok) {
    const how = toolUseOf(second.response);
    toolUse = how === 'structured' ? 'structured' : how === 'text' ? 'text' : 'not-called';
    if (toolUse === 'not-called') {
      advice.push(
        'asked to use the calculator, the model answered without calling it: if the server or a gateway drops `tools` silently, ' +
          'tool-use will measure that, not the model (probe-no-tool near 1)',
      );
    }
    if (how === 'text') {
      toolUseDetail = `tool calls came back as text in the answer, not as tool_calls: ${redact(second.response.content ?? '').slice(0, 200)}`;
      advice.push("enable the server's tool-call parser so calls come back as tool_calls; until then tool-use is reported unsupported");
    }
  } else if (second.kind === 'tools-unsupported' || (second.kind === 'permanent' && (second.status === 400 || second.status === 422))) {
    // the same request without tools just succeeded: a refusal now is the endpoint refusing `tools`
    toolUse = 'unsupported';
    toolUseDetail = redact(second.message);
    const fix = toolsFix(second.message);
    advice.push(`tool-use will be reported unsupported${fix ? `; to measure it, ${fix}` : ''}`);
  } else {
    toolUse = 'unknown';
    toolUseDetail = redact(second.message);
  }

  const result: ProbeResult = {
    ok: true,
    ready: reading.answer === 'content' || reading.answer === 'reasoning-only',
    latencyMs: first.latencyMs,
    model: first.model === null ? null : redact(first.model).slice(0, 200),
    finishReason: first.response.finishReason === null ? null : redact(first.response.finishReason).slice(0, 64),
    reasoning: hasReasoning(first) || hasReasoning(second),
    answer: reading.answer,
    reasoningUsedBudget: reading.reasoningUsedBudget,
    toolsSupported: toolUse === 'structured' || toolUse === 'not-called' ? true : toolUse === 'unknown' ? null : false,
    toolUse,
    toolUseDetail,
    advice,
  };
  logger.info('endpoint probe', {
    endpointId: target.id,
    latencyMs: result.latencyMs,
    ready: result.ready,
    answer: result.answer,
    toolUse,
    ...(second.ok ? {} : { toolsProbe: { kind: second.kind, endpointStatus: second.status } }),
  });
  return result;
}

/** `POST /v1/endpoints/{id}/probe`: the dry run; an endpoint that does not answer is a 422 `endpoint_error`. */
export async function probeEndpoint(
  deps: Pick<Deps, 'db' | 'secrets' | 'logger' | 'modelClient' | 'checkUrl'>,
  tenantId: string,
  id: string,
  opts: { signal?: AbortSignal; logger?: Deps['logger'] } = {},
): Promise<ProbeResult> {
  const row = await findEndpointRow(deps, tenantId, id);
  // The policy may have changed since registration (e.g. private endpoints no longer allowed).
  const check = await deps.checkUrl(row.baseUrl);
  if (!check.ok) throw new ServiceError('endpoint_refused', `endpoint URL refused: ${check.reason}`);
  const { target } = await loadTarget(deps, row.id);
  const r = await dryRunEndpoint(deps, target, { ...opts, deadlineMs: PROBE_CALL_DEADLINE_MS });
  if (!r.ok) {
    throw new ServiceError('endpoint_error', r.fix ? `${r.detail} (fix: ${r.fix})` : r.detail, { endpointStatus: r.endpointStatus, fix: r.fix });
  }
  return r;
}

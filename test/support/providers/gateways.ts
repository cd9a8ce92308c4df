// Gateways and failure modes in front of a model: rate limits, an exhausted quota, a proxy that only streams, a
// dead address and an endpoint that starts failing in the middle of a run.
import {
  completion,
  deadOrigin,
  json,
  openAIError,
  openAIMessage,
  simulatedAnswer,
  startImitation,
  streamChunks,
  usage,
  type Imitation,
  type ImitationReply,
  type ImitationRequest,
} from './imitation.js';

const MODEL = 'gateway-model';

function ok(r: ImitationRequest): ImitationReply {
  const a = simulatedAnswer(r.body);
  return json(200, completion(MODEL, openAIMessage(a), a.finishReason, usage(r.body, a.answerTokens)));
}

/** Every `every`-th call is a 429 with `Retry-After` (seconds, as most gateways send it). */
export function startRateLimited(opts: { every: number; retryAfter: string }): Promise<Imitation> {
  return startImitation((r) =>
    r.callIndex % opts.every === opts.every - 1
      ? { ...openAIError(429, 'Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded'), headers: { 'retry-after': opts.retryAfter } }
      : ok(r),
  );
}

/** OpenAI's billing 429: retrying cannot help. */
export function startQuotaExhausted(): Promise<Imitation> {
  return startImitation(() =>
    openAIError(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'),
  );
}

/** A proxy that always answers `text/event-stream`, whatever `stream` says. */
export function startSseOnly(): Promise<Imitation> {
  return startImitation((r) => {
    const a = simulatedAnswer(r.body);
    return { sse: streamChunks(MODEL, a, usage(r.body, a.answerTokens)) };
  });
}

/** Answers `healthy` calls, then 503s every call after. */
export function startFailingAfter(healthy: number): Promise<Imitation> {
  return startImitation((r) =>
    r.callIndex < healthy ? ok(r) : json(503, { error: { message: 'upstream connect error or disconnect/reset before headers. reset reason: overflow', type: 'server_error' } }),
  );
}

export { deadOrigin, MODEL as GATEWAY_MODEL };

import type { ModelRequest, ModelResponse } from '../testbeds/types.js';

/** Everything the model client needs to call one endpoint (secrets already decrypted, never logged). */
export interface EndpointTarget {
  id: string;
  baseUrl: string;
  model: string;
  apiKey: string | null;
  headers: Record<string, string>;
  params: SamplingParams;
  requestTimeoutMs: number;
}

export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  /** the newer budget field (OpenAI o-series / gpt-5 reject `max_tokens`); counts reasoning tokens too */
  max_completion_tokens?: number;
  seed?: number;
  /** body field carrying the seed (`random_seed` for Mistral); `false`: never send a seed (Gemini rejects it) */
  seedField?: string | false;
  /** ask for a `text/event-stream` answer and read it (for servers and proxies that only stream) */
  stream?: boolean;
  /** with `stream`: ask for token usage in a last chunk (`stream_options`); `false` for servers that reject the field */
  streamUsage?: boolean;
  /** send strictly alternating user/assistant turns, the system prompt inside the first user turn (request-body.ts) */
  alternateRoles?: boolean;
  /** server-specific knobs merged into the request body (e.g. reasoning settings) */
  extraBody?: Record<string, unknown>;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** per-call sampling seed (overrides params.seed) so repeated samples differ deterministically */
  seed?: number;
  /** caps the attempts of this call below the client's budget (e.g. 1 for an interactive probe) */
  maxAttempts?: number;
  /**
   * Told the wait (ms) the client is about to sleep before trying the call again because the endpoint asked for it
   * (Retry-After, or a rate limit's reset), holding the call's slot. Not told the client's own backoff, nor a wait
   * beyond its cap (the call comes back `rescheduled` instead). Never awaited; what it throws is ignored.
   */
  onPause?: (waitMs: number) => void;
}

export type CallErrorKind =
  /** retry budget spent on transient failures: the decision becomes `error`, the run continues */
  | 'transient'
  /** 400/401/403/404/422 … : the run fails fast with the endpoint's message */
  | 'permanent'
  /** the endpoint refused the `tools` parameter (tool-use testbed becomes `unsupported`) */
  | 'tools-unsupported'
  /**
   * the provider's content filter or moderation refused this one request (Azure's `content_filter`, a gateway's
   * "input was flagged"): not retried, the decision becomes `error`, the run continues — a prompt about breaking a
   * rule may trip a filter that the next prompt does not
   */
  | 'content-filtered'
  /** the AbortSignal fired */
  | 'cancelled'
  /** the wait the endpoint asked for (Retry-After) exceeds the cap: reschedule the call later */
  | 'rescheduled';

export type CallResult =
  | {
      ok: true;
      response: ModelResponse;
      usage: Usage;
      /** model name the server reported */
      model: string | null;
      /** UTF-8 bytes cut from the answer's text and reasoning by the stored-answer cap (absent: nothing cut) */
      truncatedBytes?: number;
      attempts: number;
      latencyMs: number;
    }
  | {
      ok: false;
      kind: CallErrorKind;
      /** HTTP status of the last attempt, when there was one */
      status: number | null;
      /** safe to show: never contains the API key */
      message: string;
      attempts: number;
      latencyMs: number;
      /** for `rescheduled`: when to try again (ms from now) */
      retryAfterMs?: number;
      /** what the client recognised about the failure, for the probe's diagnosis (the message says it in words) */
      shape?: FailureShape;
    };

/**
 * Failure shapes the client recognises while it still has the raw answer, so that the diagnosis need not read them
 * back out of the message text.
 */
export type FailureShape =
  /** a bot-protection page (its vendor) answered instead of the API */
  | { kind: 'bot-challenge'; vendor: string }
  /** a web page answered with a 2xx status: a sign-in page, a web UI or a proxy portal at baseUrl */
  | { kind: 'web-page' }
  /** a 2xx body held an error object instead of a completion; `standsFor` is the status it names or implies */
  | { kind: 'error-in-ok-body'; standsFor: number | null };

export interface ModelClient {
  complete(target: EndpointTarget, request: ModelRequest, options?: CallOptions): Promise<CallResult>;
}

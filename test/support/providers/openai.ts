// OpenAI reasoning models (o-series, gpt-5) and Azure OpenAI, from their API references and known errors.
import {
  completion,
  json,
  openAIError,
  openAIMessage,
  simulatedAnswer,
  startImitation,
  usage,
  type Imitation,
  type ImitationRequest,
  type ImitationReply,
} from './imitation.js';

/** Hidden reasoning each answer spends before any visible token (counts against max_completion_tokens). */
export const O_SERIES_REASONING_TOKENS = 192;

/** The chat logic both share: reasoning models reject `max_tokens` and non-default temperatures. */
function reasoningModelChat(r: ImitationRequest, model: string): ImitationReply {
  const b = r.body;
  if (b?.max_tokens !== undefined) {
    return openAIError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'unsupported_parameter', 'max_tokens');
  }
  if (b?.temperature !== undefined && b.temperature !== 1) {
    return openAIError(400, `Unsupported value: 'temperature' does not support ${b.temperature} with this model. Only the default (1) value is supported.`, 'invalid_request_error', 'unsupported_value', 'temperature');
  }
  const a = simulatedAnswer(b);
  const budget = typeof b?.max_completion_tokens === 'number' ? b.max_completion_tokens : Infinity;
  if (budget < O_SERIES_REASONING_TOKENS + a.answerTokens) {
    // the budget went to reasoning: an empty visible answer cut by `length`
    const spent = Math.min(budget, O_SERIES_REASONING_TOKENS);
    return json(200, completion(model, { role: 'assistant', content: '' }, 'length', usage(b, budget, spent)));
  }
  const used = O_SERIES_REASONING_TOKENS + a.answerTokens;
  return json(200, completion(model, openAIMessage(a), a.finishReason, usage(b, used, O_SERIES_REASONING_TOKENS)));
}

export function startOpenAIReasoning(opts: { apiKey: string; model?: string }): Promise<Imitation> {
  const model = opts.model ?? 'o4-mini-2025-04-16';
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return openAIError(404, `Invalid URL (${r.method} ${r.path})`, 'invalid_request_error');
    const sent = /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1];
    if (sent !== opts.apiKey) return openAIError(401, `Incorrect API key provided: ${sent ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
    return reasoningModelChat(r, model);
  });
}

export const AZURE_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: `/openai/deployments/{deployment}/chat/completions?api-version=…` with an `api-key` header; the
 * deployment (not `model`) picks the model. Without api-version, or on another path: 404 "Resource not found".
 */
export function startAzure(opts: { apiKey: string; deployment: string; reasoning?: boolean }): Promise<Imitation> {
  const model = opts.reasoning ? 'o4-mini-2025-04-16' : 'gpt-4o-2024-08-06';
  return startImitation((r) => {
    const notFound = json(404, { error: { code: '404', message: 'Resource not found' } });
    if (r.path !== `/openai/deployments/${opts.deployment}/chat/completions`) return notFound;
    if (!r.query.get('api-version')) return notFound;
    if (r.headers['api-key'] !== opts.apiKey) {
      return json(401, {
        error: {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        },
      });
    }
    // API versions before 2024-09-01-preview do not know stream_options (Azure's documented error for them)
    const version = r.query.get('api-version')!;
    if ((r.body as { stream_options?: unknown }).stream_options !== undefined && version < '2024-09-01') {
      return json(400, { error: { code: null, message: 'Unrecognized request argument supplied: stream_options', param: null, type: 'invalid_request_error' } });
    }
    if (opts.reasoning) return reasoningModelChat(r, model);
    const a = simulatedAnswer(r.body);
    return json(200, completion(model, openAIMessage(a), a.finishReason, usage(r.body, a.answerTokens)));
  });
}

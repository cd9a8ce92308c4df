// The OpenAI-compatible APIs of other hosted providers: Anthropic, Gemini, Mistral (Magistral) and Alibaba
// DashScope, from their compatibility notes and known issues.
import {
  bearerOf,
  completion,
  json,
  openAIMessage,
  simulatedAnswer,
  startImitation,
  streamChunks,
  usage,
  type Imitation,
} from './imitation.js';

/**
 * Anthropic (`https://api.anthropic.com/v1/`): the key as a bearer token, `{type:"error", error:{…}}` bodies;
 * `seed` is ignored; recent models refuse `temperature` together with `top_p`.
 */
export function startAnthropic(opts: { apiKey: string }): Promise<Imitation> {
  const model = 'claude-sonnet-4-5';
  const error = (status: number, type: string, message: string) => json(status, { type: 'error', error: { type, message }, request_id: 'req_imitation' });
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return error(404, 'not_found_error', 'Not found');
    if (bearerOf(r) !== opts.apiKey && r.headers['x-api-key'] !== opts.apiKey) return error(401, 'authentication_error', 'invalid x-api-key');
    if (r.body?.temperature !== undefined && r.body?.top_p !== undefined) {
      return error(400, 'invalid_request_error', '`temperature` and `top_p` cannot both be specified for this model. Please use only one.');
    }
    const a = simulatedAnswer(r.body);
    return json(200, completion(model, openAIMessage(a), a.finishReason, usage(r.body, a.answerTokens)));
  });
}

/** Thinking Gemini 2.5 spends before answering; it counts against `max_tokens`. */
export const GEMINI_THINKING_TOKENS = 400;

/**
 * Gemini (`/v1beta/openai/`): errors as a one-element ARRAY; an invalid key is a 400; `seed` is an unknown field;
 * thinking consumes `max_tokens`, and a choice cut by it comes WITHOUT a `message`.
 */
export function startGemini(opts: { apiKey: string }): Promise<Imitation> {
  const model = 'gemini-2.5-flash';
  const error = (code: number, status: string, message: string) => json(code, [{ error: { code, message, status } }]);
  return startImitation((r) => {
    if (r.path !== '/v1beta/openai/chat/completions') return error(404, 'NOT_FOUND', `Method not found: ${r.path}`);
    if (bearerOf(r) !== opts.apiKey) return error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
    if (r.body?.seed !== undefined) return error(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "seed": Cannot find field.');
    const a = simulatedAnswer(r.body);
    const budget = r.body?.max_tokens ?? r.body?.max_completion_tokens ?? 65_536;
    if (budget < GEMINI_THINKING_TOKENS + a.answerTokens) {
      return json(200, completion(model, null, 'length', usage(r.body, budget, Math.min(budget, GEMINI_THINKING_TOKENS))));
    }
    const used = GEMINI_THINKING_TOKENS + a.answerTokens;
    return json(200, completion(model, openAIMessage(a), a.finishReason, usage(r.body, used, GEMINI_THINKING_TOKENS)));
  });
}

/**
 * Mistral (`/v1`): `seed` is refused (422, pydantic "extra_forbidden"; the field is `random_seed`). Magistral
 * answers `content` as an array of parts, thinking first.
 */
export function startMistral(opts: { apiKey: string; model?: string }): Promise<Imitation> {
  const model = opts.model ?? 'magistral-medium-2509';
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return json(404, { detail: 'Not Found' });
    if (bearerOf(r) !== opts.apiKey) return json(401, { detail: 'Unauthorized' });
    if (r.body?.seed !== undefined) {
      return json(422, {
        object: 'error',
        message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'seed'], msg: 'Extra inputs are not permitted', input: r.body.seed }] },
        type: 'invalid_request_error',
        param: null,
        code: null,
      });
    }
    const a = simulatedAnswer(r.body);
    const thinking = a.reasoning ?? 'Let me weigh the options first.';
    const parts: unknown[] = [{ type: 'thinking', thinking: [{ type: 'text', text: thinking }] }];
    if (a.content) parts.push({ type: 'text', text: a.content });
    const message = { role: 'assistant', content: parts, ...(a.toolCalls ? { tool_calls: a.toolCalls } : {}) };
    return json(200, completion(model, message, a.finishReason, usage(r.body, a.answerTokens + Math.ceil(thinking.length / 4))));
  });
}

/**
 * DashScope (`/compatible-mode/v1`): Qwen3 thinks by default, which only works streamed: a non-streaming call
 * must send `enable_thinking: false`. An account in arrears is refused with code `Arrearage`.
 */
export function startDashScope(opts: { apiKey: string; arrears?: boolean }): Promise<Imitation> {
  const model = 'qwen3-32b';
  const error = (status: number, code: string, message: string) =>
    json(status, { error: { code, param: null, message, type: 'invalid_request_error' }, id: 'chatcmpl-x', request_id: 'imitation' });
  return startImitation((r) => {
    if (r.path !== '/compatible-mode/v1/chat/completions') return error(404, 'NotFound', 'Not found');
    if (bearerOf(r) !== opts.apiKey) return error(401, 'invalid_api_key', 'Incorrect API key provided.');
    if (opts.arrears) return error(400, 'Arrearage', 'Access denied, please make sure your account is in good standing.');
    const thinking = r.body?.enable_thinking !== false;
    if (thinking && r.body?.stream !== true) {
      return error(400, 'invalid_parameter_error', 'parameter.enable_thinking must be set to false for non-streaming calls');
    }
    const a = simulatedAnswer(r.body);
    const reasoning = thinking ? (a.reasoning ?? 'Considering the options.') : null;
    const u = usage(r.body, a.answerTokens + Math.ceil((reasoning ?? '').length / 4), Math.ceil((reasoning ?? '').length / 4));
    if (r.body?.stream === true) return { sse: streamChunks(model, { ...a, reasoning }, u) };
    return json(200, completion(model, openAIMessage(a), a.finishReason, u));
  });
}

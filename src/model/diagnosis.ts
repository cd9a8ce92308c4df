// What the probe (and the run's pre-flight) can tell from one dry-run call: for known failure shapes, the fix in
// terms of endpoint fields; for answers, whether they can be read at all. Pure: no I/O.
import type { ModelResponse } from '../testbeds/types.js';
import type { CallResult, SamplingParams, Usage } from './types.js';

type CallFailure = Extract<CallResult, { ok: false }>;

/** The fix for a failed call, in terms of endpoint fields, when the failure has a known shape; else null. */
export function fixFor(r: CallFailure, endpoint: { baseUrl: string; params: SamplingParams }): string | null {
  const m = r.message;
  // a 200 whose body held an error is advised on as the status that body stood for ("Not Found": a wrong baseUrl)
  const s = r.shape?.kind === 'error-in-ok-body' ? r.shape.standsFor : r.status;
  if (r.shape?.kind === 'bot-challenge') {
    return "the provider's bot protection answered instead of its API: ask the provider to allow-list this service for API access, or set baseUrl to the provider's API hostname (e.g. api.<provider>), not its website's";
  }
  if (r.shape?.kind === 'web-page') {
    return 'baseUrl answers with a web page, not the API (a sign-in page, a web UI or a proxy portal): set it to the OpenAI-compatible base (the part before /chat/completions), and give a gateway that wants sign-in its credentials in apiKey or headers';
  }
  // Azure serves the deployment its URL names and ignores `model`
  if (/DeploymentNotFound|API deployment for this resource does not exist/i.test(m)) {
    return 'Azure serves the deployment named in baseUrl (…/openai/deployments/<name>), not `model`: check that name in baseUrl, and that the deployment has finished deploying';
  }
  // an account out of credit, a gateway key over its budget, a suspended account: whatever the status (Anthropic
  // says it with 400, LiteLLM with 400 budget_exceeded, Fireworks with 412)
  if (s !== 429 && /credit balance is too low|budget has been exceeded|budget_exceeded|account\b.{0,60}\bsuspended|monthly spending limit/i.test(m)) {
    return "the provider account (or the gateway key's budget) is out of credit or suspended: add credits or raise the budget; retrying will not help";
  }
  if (s === 503 && isLoading(m)) {
    return "the model is still loading (an endpoint scaled to zero, or a server starting up): it answers once loaded; a run's pre-flight waits for it";
  }
  if (s === 402) {
    return /can only afford|fewer max_tokens/i.test(m)
      ? 'the account cannot pay for the requested token budget: add credits, or lower params.max_tokens / params.max_completion_tokens'
      : 'the provider account is out of credit (HTTP 402 Payment Required): add credits or check its billing; retrying will not help';
  }
  if (/stream_options|include_usage/.test(m) && endpoint.params.stream === true && endpoint.params.streamUsage !== false) {
    return 'the server refuses `stream_options`: set params.streamUsage to false (the run then counts no tokens)';
  }
  if (/max_completion_tokens/.test(m) && /max_tokens/.test(m)) {
    return 'this model takes its budget as `max_completion_tokens`: move params.max_tokens to params.max_completion_tokens';
  }
  if (/temperature/i.test(m) && /top_p/i.test(m) && /both/i.test(m)) return 'set only one of params.temperature and params.top_p';
  if (/temperature/i.test(m) && /only the default|unsupported value|does not support|may only be set to 1/i.test(m)) {
    return 'this model only accepts the default temperature: remove params.temperature (and params.top_p)';
  }
  if ((s === 400 || s === 422) && /\bseed\b/i.test(m)) {
    return 'this server refuses `seed`: set params.seedField to false (Mistral names it "random_seed")';
  }
  // the prompt alone does not fit: lowering the answer's budget cannot help (llama.cpp's exceed_context_size_error)
  if (/available context size|exceed_context_size|n_ctx/i.test(m)) {
    return "the prompt does not fit the server's context window: start the server with a larger context (llama.cpp: -c / --ctx-size; vLLM: --max-model-len); the longest prompts of a run are an episode's last rounds";
  }
  if (/`?inputs`? tokens \+ `?max_new_tokens`?/i.test(m)) {
    return "the prompt plus the answer budget exceed the server's limit: lower params.max_tokens, or raise the server's --max-total-tokens (TGI)";
  }
  if (s === 413 && /tokens per minute|\bTPM\b/i.test(m)) {
    return "one request is larger than the account's tokens-per-minute limit: lower params.max_tokens, or raise the limit (the provider's tier)";
  }
  if (/maximum context length|context size|context window|context_length_exceeded/i.test(m)) {
    return 'the prompt plus params.max_tokens / params.max_completion_tokens exceed the model context: lower the budget';
  }
  if (/roles? must alternate|must alternate|alternating (?:user|roles)|system (?:role|message)s? (?:is |are )?not (?:supported|allowed)|does not support (?:the )?system/i.test(m)) {
    return "set params.alternateRoles to true: the server's chat template wants alternating user/assistant turns (or has no system role), while the testbeds send a round's feedback and the next round as two user messages";
  }
  if (/enable_thinking/.test(m)) return 'set params.stream to true (keeps the reasoning), or params.extraBody.enable_thinking to false';
  if (/text\/event-stream/.test(m)) return 'set params.stream to true';
  if (s === 404 && /\/openai\/deployments\//.test(endpoint.baseUrl) && !/[?&]api-version=/.test(endpoint.baseUrl)) {
    return 'Azure needs the API version in baseUrl: append ?api-version=2024-10-21';
  }
  // LM Studio answers every request with this while no model is loaded (its code says model_not_found)
  if (/no models? (?:is |are )?loaded|please load a model/i.test(m)) {
    return "the server has no model loaded: load it (LM Studio: its Developer page or `lms load <model>`), or turn on the server's just-in-time loading";
  }
  if (/no endpoints found matching your data policy/i.test(m)) {
    return "the provider account's settings exclude every endpoint that serves this model (OpenRouter: the data policy in its privacy settings): allow them, or choose another model";
  }
  if (
    /does not exist|not found, try pulling|model_not_found|model_not_available|unknown model|\bmodel\b.{0,120}?\bnot found|invalid model identifier|not a valid model id|invalid model name|unsupported model|unable to access model/i.test(m) ||
    (s === 404 && /not_found_error/.test(m) && /\bmodel\b/i.test(m))
  ) {
    return 'check `model`: the server does not serve a model by that name; use an id its GET /models lists (LM Studio: load the model first, and use the identifier it shows)';
  }
  if (s === 404) return 'check that baseUrl is the OpenAI-compatible base (the part before /chat/completions, e.g. https://host/v1)';
  if (s === 401 || s === 403 || /api key not valid|invalid api key|incorrect api key|invalid x-api-key|unauthori[sz]ed/i.test(m)) {
    return 'check apiKey (Azure takes the key in an `api-key` header instead)';
  }
  if (s === 429 && r.kind === 'permanent') return 'the provider account has no quota or credit left; retrying will not help';
  if (/ECONNREFUSED/.test(m)) return 'nothing accepts connections at baseUrl: check the host, the port and that the server runs';
  if (/ENOTFOUND|EAI_AGAIN/.test(m)) return 'the host name in baseUrl does not resolve';
  if (r.kind === 'cancelled' || /timed out/i.test(m)) return 'the server did not answer in time: check it is up, or raise requestTimeoutMs';
  return null;
}

/** A 503 that says the model is loading (Hugging Face's "Model is currently loading", llama-server's "Loading model"). */
export function isLoading(message: string): boolean {
  return /\b(?:is (?:currently |still )?loading|loading model|model (?:is )?(?:being )?loaded|estimated_time)\b/i.test(message);
}

/** The server setting that makes tool calls work, from the refusal it sent; null when it gives no hint. */
export function toolsFix(message: string): string | null {
  if (/--jinja/.test(message)) return 'start llama-server with --jinja';
  if (/--enable-auto-tool-choice/.test(message)) return 'start vLLM with --enable-auto-tool-choice --tool-call-parser <parser for the model>';
  if (/--tool-call-parser/.test(message)) return 'start the server with --tool-call-parser <parser for the model>';
  if (/does not support tools/i.test(message)) return 'use a model whose template supports tools';
  return null;
}

// Tool calls the server failed to parse show up in the text: Hermes/Qwen `<tool_call>`, Mistral `[TOOL_CALLS]`,
// Llama `<|python_tag|>`, or a bare `{"name": …, "arguments": …}` object.
const TEXT_TOOL_CALL = /<tool_call>|\[TOOL_CALLS\]|<\|python_tag\|>|"name"\s*:\s*"[^"]+"\s*,\s*"(?:arguments|parameters)"\s*:/;

export type ToolUseVerdict = 'structured' | 'text' | 'none';

/** How an answer to a request offering tools came back. */
export function toolUseOf(response: ModelResponse): ToolUseVerdict {
  if (response.toolCalls.length > 0) return 'structured';
  const text = `${response.content ?? ''}\n${response.reasoning ?? ''}`;
  return TEXT_TOOL_CALL.test(text) ? 'text' : 'none';
}

export type AnswerVerdict =
  /** visible content came back */
  | 'content'
  /** the visible content is empty while the answer sits in the reasoning */
  | 'reasoning-only'
  /**
   * cut by the token budget (finish_reason length), with or without visible text: the probe asks for a six-token
   * answer, so a budget that cuts it cuts the run's answers too
   */
  | 'truncated'
  /** nothing at all */
  | 'empty';

export interface AnswerReading {
  answer: AnswerVerdict;
  /** the budget ran out while (hidden or visible) reasoning used it */
  reasoningUsedBudget: boolean;
}

export function readProbeAnswer(response: ModelResponse, usage: Usage): AnswerReading {
  const visible = (response.content ?? '').trim() !== '' || response.toolCalls.length > 0;
  const reasoned = (response.reasoning ?? '').trim() !== '' || usage.reasoningTokens > 0;
  const cut = response.finishReason === 'length';
  const reasoningUsedBudget = cut && reasoned;
  if (cut) return { answer: 'truncated', reasoningUsedBudget };
  if (visible) return { answer: 'content', reasoningUsedBudget };
  if ((response.reasoning ?? '').trim() !== '') return { answer: 'reasoning-only', reasoningUsedBudget };
  return { answer: 'empty', reasoningUsedBudget };
}

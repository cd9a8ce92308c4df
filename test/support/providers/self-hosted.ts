// Self-hosted OpenAI-compatible servers: vLLM, SGLang, llama.cpp's llama-server and Ollama, from their docs and
// issue trackers. The flags in the options are the server's own start-up flags.
import {
  completion,
  json,
  openAIMessage,
  simulatedAnswer,
  startImitation,
  streamChunks,
  usage,
  type Imitation,
  type ImitationReply,
  type ImitationRequest,
} from './imitation.js';

const promptTokens = (body: any) => Math.ceil(JSON.stringify(body?.messages ?? []).length / 4);

/** vLLM's (and SGLang's) `{object:"error", …}` body. */
const vllmError = (status: number, message: string) => json(status, { object: 'error', message, type: 'BadRequestError', param: null, code: status });

function chatReply(r: ImitationRequest, model: string, reasoningField: string | null, toolCallsAsText = false): ImitationReply {
  let a = simulatedAnswer(r.body);
  if (toolCallsAsText && a.toolCalls) {
    const text = a.toolCalls.map((c) => `<tool_call>\n${JSON.stringify({ name: c.function.name, arguments: JSON.parse(c.function.arguments) })}\n</tool_call>`).join('\n');
    a = { ...a, content: text, toolCalls: null, finishReason: 'stop' };
  }
  const reasoning = a.reasoning ?? 'The user wants one option; weigh them.';
  const extra = reasoningField ? { [reasoningField]: reasoning } : {};
  const u = usage(r.body, a.answerTokens + Math.ceil(reasoning.length / 4), Math.ceil(reasoning.length / 4));
  if (r.body?.stream === true) return { sse: streamChunks(model, { ...a, reasoning: reasoningField ? reasoning : null }, u, reasoningField ?? 'reasoning_content') };
  return json(200, completion(model, openAIMessage(a, extra), a.finishReason, u));
}

export interface VllmOptions {
  /** `--enable-auto-tool-choice --tool-call-parser …` given at start-up */
  autoToolChoice: boolean;
  /** `--max-model-len` */
  maxModelLen?: number;
  /**
   * false: the tool-call parser does not match the model's format, so tool calls stay in the text as Hermes-style
   * `<tool_call>{…}</tool_call>` (a common misconfiguration: the server accepts `tools` but never returns tool_calls)
   */
  parserMatchesModel?: boolean;
  /** `sglang` words its errors slightly differently; the behaviour is the same */
  flavour?: 'vllm' | 'sglang';
  model?: string;
}

export function startVllm(opts: VllmOptions): Promise<Imitation> {
  const model = opts.model ?? 'Qwen/Qwen3-8B';
  const maxLen = opts.maxModelLen ?? 8192;
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return json(404, { detail: 'Not Found' });
    if (r.body?.model !== model) return json(404, { object: 'error', message: `The model \`${r.body?.model}\` does not exist.`, type: 'NotFoundError', param: null, code: 404 });
    if (Array.isArray(r.body?.tools) && r.body.tools.length && !opts.autoToolChoice) {
      return vllmError(400, opts.flavour === 'sglang'
        ? 'Tool usage requires --tool-call-parser to be set when launching the server.'
        : '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    }
    const asked = r.body?.max_completion_tokens ?? r.body?.max_tokens ?? 0;
    const prompt = promptTokens(r.body);
    if (prompt + asked > maxLen) {
      return vllmError(400, `This model's maximum context length is ${maxLen} tokens. However, you requested ${prompt + asked} tokens (${prompt} in the messages, ${asked} in the completion). Please reduce the length of the messages or completion.`);
    }
    if (opts.parserMatchesModel === false) return chatReply(r, model, 'reasoning_content', true);
    return chatReply(r, model, 'reasoning_content');
  });
}

/** llama-server: tools need `--jinja` (without it a 500 "tools param requires --jinja flag"). */
export function startLlamaCpp(opts: { jinja: boolean }): Promise<Imitation> {
  const model = 'qwen3-4b-q4_k_m.gguf';
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions' && r.path !== '/chat/completions') {
      return json(404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
    }
    if (Array.isArray(r.body?.tools) && r.body.tools.length && !opts.jinja) {
      return json(500, { error: { code: 500, message: 'tools param requires --jinja flag', type: 'server_error' } });
    }
    return chatReply(r, model, 'reasoning_content');
  });
}

/** Ollama's `/v1`: reasoning in `reasoning`; a model without tool support answers 400 "does not support tools". */
export function startOllama(opts: { model: string; tools: boolean }): Promise<Imitation> {
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return json(404, '404 page not found');
    if (r.body?.model !== opts.model) {
      return json(404, { error: { message: `model "${r.body?.model}" not found, try pulling it first`, type: 'api_error', param: null, code: null } });
    }
    if (Array.isArray(r.body?.tools) && r.body.tools.length && !opts.tools) {
      return json(400, { error: { message: `registry.ollama.ai/library/${opts.model} does not support tools`, type: 'api_error', param: null, code: null } });
    }
    return chatReply(r, opts.model, 'reasoning');
  });
}

/**
 * Text Generation Inference serving Gemma: its chat template has no system role and wants strictly alternating
 * user/assistant turns, and TGI answers 422 with the template's own words (`error_type: template_error`).
 */
export function startTgiGemma(): Promise<Imitation> {
  const model = 'google/gemma-2-9b-it';
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return json(404, { error: 'Not Found', error_type: 'not_found' });
    const messages: Array<{ role: string }> = Array.isArray(r.body?.messages) ? r.body.messages : [];
    if (messages.some((m) => m.role === 'system')) return json(422, { error: 'Template error: System role not supported', error_type: 'template_error' });
    for (let i = 0; i < messages.length; i++) {
      if (messages[i].role === 'tool') continue;
      if ((messages[i].role === 'user') !== (i % 2 === 0)) {
        return json(422, { error: 'Template error: Conversation roles must alternate user/assistant/user/assistant/...', error_type: 'template_error' });
      }
    }
    return chatReply(r, model, null);
  });
}

/**
 * LM Studio's server: it serves only the models loaded in it. With none loaded every request is refused with
 * "No models loaded" (in an OpenAI-shaped error); an unknown model name with the message as a plain string.
 */
export function startLmStudio(opts: { loaded: string[] }): Promise<Imitation> {
  return startImitation((r) => {
    if (r.path !== '/v1/chat/completions') return json(404, { error: `Unexpected endpoint or method. (${r.method} ${r.path})` });
    if (opts.loaded.length === 0) {
      return json(404, {
        error: {
          message: 'No models loaded. Please load a model in the developer page or use the `lms load` command.',
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      });
    }
    if (!opts.loaded.includes(r.body?.model)) {
      return json(404, { error: `Model "${r.body?.model}" not found. Please specify a valid model identifier (loaded: ${opts.loaded.join(', ')}).` });
    }
    return chatReply(r, r.body.model, null);
  });
}

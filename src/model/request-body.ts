// The JSON body of one chat-completions request. Runs and the endpoint probe build it here, so the probe sends
// exactly what a run sends (same params, tools, seed handling, streaming mode).
import type { ChatMessage, ModelRequest } from '../testbeds/types.js';
import type { EndpointTarget, SamplingParams } from './types.js';

/** The body field that carries the seed: `seedField`, default `seed`; `false` means never send one. */
export function seedFieldOf(params: SamplingParams): string | null {
  if (params.seedField === false) return null;
  return params.seedField ?? 'seed';
}

/**
 * The same conversation as strictly alternating user and assistant turns, for chat templates that refuse anything
 * else (Gemma's "Conversation roles must alternate", templates without a system role, Bedrock's Converse): the
 * system prompt opens the first user turn, and consecutive plain messages of one role (the testbeds send a round's
 * feedback and the next round as two user messages) become one, a blank line apart. Tool calls and tool results
 * are left as they are. The stored prompt stays the testbed's own; only the wire body differs.
 */
export function alternatingTurns(messages: readonly ChatMessage[]): ChatMessage[] {
  const system = messages.filter((m) => m.role === 'system' && m.content).map((m) => m.content as string);
  const out: ChatMessage[] = [];
  let pendingSystem = system.length > 0 ? system.join('\n\n') : null;
  const plain = (m: ChatMessage) => !m.tool_calls?.length && m.tool_call_id === undefined;
  for (const m of messages) {
    if (m.role === 'system') continue;
    let next: ChatMessage = { ...m };
    if (pendingSystem !== null && m.role === 'user') {
      next = { ...m, content: m.content ? `${pendingSystem}\n\n${m.content}` : pendingSystem };
      pendingSystem = null;
    }
    const last = out[out.length - 1];
    if (last && last.role === next.role && (next.role === 'user' || next.role === 'assistant') && plain(last) && plain(next)) {
      out[out.length - 1] = { ...last, content: [last.content, next.content].filter((c) => c).join('\n\n') };
    } else {
      out.push(next);
    }
  }
  if (pendingSystem !== null) out.unshift({ role: 'user', content: pendingSystem });
  return out;
}

export function buildRequestBody(target: EndpointTarget, request: ModelRequest, seed: number | undefined): Record<string, unknown> {
  const p = target.params;
  const body: Record<string, unknown> = { ...(p.extraBody ?? {}) };
  // streaming is chosen by `params.stream` only: the reader must know which framing to expect
  delete body.stream;
  delete body.stream_options;
  body.model = target.model;
  body.messages = p.alternateRoles ? alternatingTurns(request.messages) : request.messages;
  if (request.tools?.length) body.tools = request.tools;
  if (p.temperature !== undefined) body.temperature = p.temperature;
  if (p.top_p !== undefined) body.top_p = p.top_p;
  if (p.max_tokens !== undefined) body.max_tokens = p.max_tokens;
  if (p.max_completion_tokens !== undefined) body.max_completion_tokens = p.max_completion_tokens;
  const s = seed ?? p.seed;
  const field = seedFieldOf(p);
  if (s !== undefined && field !== null) body[field] = s;
  if (p.stream === true) {
    body.stream = true;
    // usage arrives in a last chunk only when asked for; some servers refuse the field (params.streamUsage: false)
    if (p.streamUsage !== false) body.stream_options = { include_usage: true };
  }
  return body;
}

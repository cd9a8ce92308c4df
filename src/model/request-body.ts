// The JSON body of one chat-completions request. Runs and the endpoint probe build it here, so the probe sends
// exactly what a run sends (same params, tools, seed handling, streaming mode).
import type { ModelRequest } from '../testbeds/types.js';
import type { EndpointTarget, SamplingParams } from './types.js';

/** The body field that carries the seed: `seedField`, default `seed`; `false` means never send one. */
export function seedFieldOf(params: SamplingParams): string | null {
  if (params.seedField === false) return null;
  return params.seedField ?? 'seed';
}

export function buildRequestBody(target: EndpointTarget, request: ModelRequest, seed: number | undefined): Record<string, unknown> {
  const p = target.params;
  const body: Record<string, unknown> = { ...(p.extraBody ?? {}) };
  // streaming is chosen by `params.stream` only: the reader must know which framing to expect
  delete body.stream;
  delete body.stream_options;
  body.model = target.model;
  body.messages = request.messages;
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
    // usage arrives in a last chunk only when asked for
    body.stream_options = { include_usage: true };
  }
  return body;
}

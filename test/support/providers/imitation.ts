// The plumbing shared by the provider imitations: a loopback HTTP server, JSON and SSE writers, and the simulated
// agent as the "model" behind every provider (so runs read real answers). Each provider module only describes what
// its documentation and known issues say the provider does differently.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulateDecision } from '../../../src/sim/simulated-model.js';

export interface ImitationRequest {
  method: string;
  /** path without the query string */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: any;
  /** 0-based index over chat-completion requests */
  callIndex: number;
}

export type ImitationReply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  /** `text/event-stream` with these `data:` payloads, then `data: [DONE]` */
  | { sse: unknown[]; status?: number }
  /** a body that is not JSON (an HTML page, plain text), sent as written */
  | { status: number; text: string; headers: Record<string, string> };

export interface Imitation {
  /** scheme, host and port, without a trailing slash */
  origin: string;
  requests: ImitationRequest[];
  close(): Promise<void>;
}

export async function startImitation(
  handle: (req: ImitationRequest) => ImitationReply | Promise<ImitationReply>,
): Promise<Imitation> {
  const requests: ImitationRequest[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://imitation');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const r: ImitationRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body, callIndex: calls++ };
      requests.push(r);
      let reply: ImitationReply;
      try {
        reply = await handle(r);
      } catch (err) {
        reply = { status: 500, json: { error: { message: `imitation failed: ${String(err)}` } } };
      }
      if ('sse' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const chunk of reply.sse) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        return void res.end('data: [DONE]\n\n');
      }
      const text = 'text' in reply ? reply.text : JSON.stringify(reply.json);
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const json = (status: number, payload: unknown, headers?: Record<string, string>): ImitationReply => ({ status, json: payload, headers });

/** OpenAI-style error body. */
export const openAIError = (status: number, message: string, type = 'invalid_request_error', code: string | null = null, param: string | null = null) =>
  json(status, { error: { message, type, param, code } });

export interface Answer {
  content: string | null;
  reasoning: string | null;
  toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> | null;
  finishReason: string;
  /** tokens the answer needs, thinking excluded */
  answerTokens: number;
}

const tokens = (s: string | null | undefined) => Math.ceil((s ?? '').length / 4);

/** The simulated agent's answer to a chat request (deterministic in the request body). */
export function simulatedAnswer(body: unknown): Answer {
  const d = simulateDecision(body);
  return {
    content: d.content ?? null,
    reasoning: d.reasoning_content ?? null,
    toolCalls: d.tool_calls ?? null,
    finishReason: d.finish_reason ?? (d.tool_calls ? 'tool_calls' : 'stop'),
    answerTokens: tokens(d.content) + tokens(JSON.stringify(d.tool_calls ?? '')),
  };
}

/** A `chat.completion` object around a message (the message may be left out, as Gemini does on `length`). */
export function completion(model: string, message: Record<string, unknown> | null, finishReason: string, usage: Record<string, unknown>) {
  return {
    id: `chatcmpl-imitation`,
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, ...(message ? { message } : {}), finish_reason: finishReason }],
    usage,
  };
}

/** The standard OpenAI message for an answer (`extra` adds provider fields such as `reasoning_content`). */
export function openAIMessage(a: Answer, extra: Record<string, unknown> = {}) {
  return { role: 'assistant', content: a.content, ...(a.toolCalls ? { tool_calls: a.toolCalls } : {}), ...extra };
}

export function usage(body: any, completionTokens: number, reasoningTokens = 0) {
  const prompt = tokens(JSON.stringify(body?.messages ?? []));
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

/** An answer as stream chunks: reasoning, content, tool calls, then finish and usage (as OpenAI streams them). */
export function streamChunks(model: string, a: Answer, u: Record<string, unknown>, reasoningField = 'reasoning_content'): unknown[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: 'chatcmpl-imitation',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const out: unknown[] = [chunk({ role: 'assistant', content: '' })];
  if (a.reasoning) for (const piece of split(a.reasoning)) out.push(chunk({ [reasoningField]: piece }));
  if (a.content) for (const piece of split(a.content)) out.push(chunk({ content: piece }));
  a.toolCalls?.forEach((tc, index) => {
    out.push(chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] }));
    for (const piece of split(tc.function.arguments)) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  out.push(chunk({}, a.finishReason));
  out.push({ id: 'chatcmpl-imitation', object: 'chat.completion.chunk', created: 0, model, choices: [], usage: u });
  return out;
}

/** Splits text into a few pieces, as a stream delivers it. */
function split(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The bearer token of a request, or null. */
export const bearerOf = (r: ImitationRequest) => /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1] ?? null;

/** A port with nothing listening (bound, then released). */
export async function deadOrigin(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

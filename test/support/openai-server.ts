// A real HTTP server speaking the OpenAI chat-completions protocol, for tests and benchmarks.
// Kept dependency-free and allocation-light: the benchmark drives it at >= 1000 calls/s, so no per-request logging.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  completion_tokens_details?: { reasoning_tokens?: number };
}

/** A normal 200 completion (content defaults to the default answer unless tool_calls are given). */
export interface FakeCompletion {
  content?: string | null;
  reasoning_content?: string;
  /** OpenAI's declined-answer field */
  refusal?: string;
  tool_calls?: FakeToolCall[];
  finish_reason?: string;
  usage?: FakeUsage;
  model?: string;
}

export type FakeReply =
  | FakeCompletion
  /** an error status (e.g. 429 with Retry-After, 500, 401); body is JSON-encoded unless it is a string */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** never answers; with `resetAfterMs`, gives up and resets the connection then (a hang that ends without
   *  depending on the client's timeout, so a test stays correct however slow the machine is) */
  | { hang: true; resetAfterMs?: number }
  /** a literal body, e.g. truncated or non-JSON */
  | { raw: string; status?: number; headers?: Record<string, string> }
  /** resets the connection */
  | { destroy: true };

export interface FakeRequestCtx {
  callIndex: number;
  headers: Record<string, string>;
}

export type FakeRespond = (body: any, ctx: FakeRequestCtx) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAIOptions {
  latencyMs?: number;
  respond?: FakeRespond;
  /** when set, requests without `Authorization: Bearer <key>` get a 401 that echoes the key they sent */
  requireApiKey?: string;
  /** model name reported in answers (default: the requested model) */
  model?: string;
  /** keep every request in `requests` (default true; benchmarks may turn it off) */
  record?: boolean;
  /**
   * Send the service's connectivity checks (the probe and a run's pre-flight dry run) through `respond` and count
   * them (default false: they are answered well, counted in `stats.probes` only, so scripts and call counts see the
   * run's own calls). Tests of the probe itself turn it on.
   */
  respondToProbes?: boolean;
}

export interface FakeOpenAI {
  /** base URL ending in /v1 */
  url: string;
  requests: Array<{ body: any; headers: Record<string, string> }>;
  /** the service's connectivity checks (probe, pre-flight), kept apart so `requests` holds only the run's calls */
  probeRequests: Array<{ body: any; headers: Record<string, string> }>;
  stats: { inFlight: number; peakInFlight: number; total: number; probes: number };
  setRespond(fn: FakeRespond): void;
  close(): Promise<void>;
}

const CHOICE_RE = /\{"choice": "([^"]+)"\}/;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/** Answers the first `{"choice": "..."}` option found in the last user message. */
export function defaultAnswer(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role !== 'user') continue;
    const m = CHOICE_RE.exec(textOf(messages[i].content));
    return m ? `{"choice": "${m[1]}"}` : 'I cannot tell which option to choose.';
  }
  return 'I cannot tell which option to choose.';
}

export const defaultRespond: FakeRespond = () => ({});

/** The service's connectivity check (the probe, and a run's pre-flight dry run). */
export function isConnectivityCheck(body: any): boolean {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  return /^This is a connectivity check\./.test(textOf(messages[0]?.content));
}

function flatHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in raw) {
    const v = raw[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers?: Record<string, string>) {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let respond: FakeRespond = opts.respond ?? defaultRespond;
  const record = opts.record ?? true;
  const requests: FakeOpenAI['requests'] = [];
  const probeRequests: FakeOpenAI['probeRequests'] = [];
  const stats = { inFlight: 0, peakInFlight: 0, total: 0, probes: 0 };

  const completion = (body: any, reply: FakeCompletion, callIndex: number, rawLen: number) => {
    const toolCalls = reply.tool_calls;
    const content = reply.content !== undefined ? reply.content : toolCalls ? null : defaultAnswer(body);
    const message: Record<string, unknown> = { role: 'assistant', content };
    if (reply.reasoning_content !== undefined) message.reasoning_content = reply.reasoning_content;
    if (reply.refusal !== undefined) message.refusal = reply.refusal;
    if (toolCalls) message.tool_calls = toolCalls;
    const completionTokens = Math.ceil(((content ?? '').length + (reply.reasoning_content ?? '').length) / 4);
    const usage = reply.usage ?? {
      prompt_tokens: Math.ceil(rawLen / 4),
      completion_tokens: completionTokens,
      total_tokens: Math.ceil(rawLen / 4) + completionTokens,
      completion_tokens_details: { reasoning_tokens: Math.ceil((reply.reasoning_content ?? '').length / 4) },
    };
    return {
      id: `chatcmpl-fake-${callIndex}`,
      object: 'chat.completion',
      created: 0,
      model: reply.model ?? opts.model ?? body?.model ?? 'fake-model',
      choices: [{ index: 0, message, finish_reason: reply.finish_reason ?? (toolCalls ? 'tool_calls' : 'stop') }],
      usage,
    };
  };

  const deliver = (
    res: http.ServerResponse,
    req: http.IncomingMessage,
    body: any,
    reply: FakeReply,
    i: number,
    n: number,
  ) => {
    if ('hang' in reply) {
      // otherwise the client's timeout (or close()) ends it
      if (reply.resetAfterMs !== undefined) setTimeout(() => req.socket.destroy(), reply.resetAfterMs).unref();
      return;
    }
    if ('destroy' in reply) return void req.socket.destroy();
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      return void res.end(reply.raw);
    }
    if ('status' in reply) {
      const payload = reply.body ?? { error: { message: `HTTP ${reply.status}`, type: 'fake_error' } };
      return sendJson(res, reply.status, payload, reply.headers);
    }
    sendJson(res, 200, completion(body, reply, i, n));
  };

  const handleCompletion = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const headers = flatHeaders(req.headers);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
    }
    const probe = !opts.respondToProbes && isConnectivityCheck(body);
    const callIndex = probe ? -1 : stats.total++;
    if (record) (probe ? probeRequests : requests).push({ body, headers });
    if (opts.requireApiKey !== undefined && headers.authorization !== `Bearer ${opts.requireApiKey}`) {
      // Like real providers, echo the key that was sent: clients must not surface it.
      const sent = (headers.authorization ?? '').replace(/^Bearer /, '');
      return sendJson(res, 401, {
        error: {
          message: `Incorrect API key provided: ${sent}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    }
    if (probe) {
      stats.probes++;
      const tools = Array.isArray(body?.tools) && body.tools.length > 0;
      const reply: FakeCompletion = tools
        ? { tool_calls: [{ id: 'call_probe', type: 'function', function: { name: body.tools[0].function.name, arguments: '{"expression": "2+2"}' } }] }
        : { content: '{"choice": "ok"}' };
      return sendJson(res, 200, completion(body, reply, callIndex, raw.length));
    }
    const run = async () => {
      let reply: FakeReply;
      try {
        reply = await respond(body, { callIndex, headers });
      } catch (err) {
        reply = { status: 500, body: { error: { message: `fake respond() threw: ${String(err)}` } } };
      }
      if (opts.latencyMs) setTimeout(() => deliver(res, req, body, reply, callIndex, raw.length), opts.latencyMs);
      else deliver(res, req, body, reply, callIndex, raw.length);
    };
    void run();
  };

  const server = http.createServer((req, res) => {
    stats.inFlight++;
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        stats.inFlight--;
      }
    };
    res.once('close', done);
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: opts.model ?? 'fake-model', object: 'model', created: 0, owned_by: 'fake' }],
      });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handleCompletion(req, res, Buffer.concat(chunks).toString('utf8')));
      return;
    }
    sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    probeRequests,
    stats,
    setRespond(fn) {
      respond = fn;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // hung requests and idle keep-alive sockets would otherwise keep close() waiting
        server.closeAllConnections();
      });
    },
  };
}

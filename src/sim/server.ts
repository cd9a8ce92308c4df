// An OpenAI-compatible HTTP server in front of the SIMULATED agent (src/sim/simulated-model.ts), for
// `atp-bench demo`. It only answers: when the simulation calls the calculator, the ATP service runs the tool and
// sends the result back in the next request, as with any real endpoint.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIM_MODEL_NAME, SIM_NOTICE, simulateCompletion } from './simulated-model.js';

export interface SimulatedModelServer {
  /** base URL ending in /v1 (what an ATP endpoint's `baseUrl` is) */
  url: string;
  model: string;
  stats: { requests: number };
  close(): Promise<void>;
}

export interface SimulatedModelServerOptions {
  /** default 0: any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** artificial latency per completion in ms (default 0) */
  latencyMs?: number;
}

const MAX_BODY = 4 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, payload: unknown) {
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-atp-simulation': '1',
  });
  res.end(text);
}

const apiError = (message: string, type = 'invalid_request_error') => ({ error: { message, type } });

export async function startSimulatedModelServer(opts: SimulatedModelServerOptions = {}): Promise<SimulatedModelServer> {
  const stats = { requests: 0 };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return send(res, 200, {
        object: 'list',
        data: [{ id: SIM_MODEL_NAME, object: 'model', created: 0, owned_by: 'atp-bench-simulation', description: SIM_NOTICE }],
      });
    }
    if (req.method === 'GET' && (path === '' || path === '/v1')) {
      return send(res, 200, { name: SIM_MODEL_NAME, notice: SIM_NOTICE, endpoints: ['POST /v1/chat/completions', 'GET /v1/models'] });
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      return send(res, 404, apiError(`no route ${req.method} ${path || '/'}`, 'not_found'));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(res, 413, apiError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, apiError('request body is not JSON'));
      }
      if (!body || !Array.isArray(body.messages) || body.messages.length === 0) {
        return send(res, 400, apiError('"messages" must be a non-empty array'));
      }
      if (body.stream === true) return send(res, 400, apiError('this simulation does not stream; send "stream": false'));
      stats.requests++;
      const completion = simulateCompletion(body, { created: Math.floor(Date.now() / 1000) });
      if (opts.latencyMs) setTimeout(() => send(res, 200, completion), opts.latencyMs);
      else send(res, 200, completion);
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    model: SIM_MODEL_NAME,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

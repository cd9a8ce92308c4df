// Response headers every client gets, and details of HTTP framing seen over a real socket: a bodiless POST (as
// `curl -X POST` sends it: no Content-Length, no Content-Type) is accepted by operations that take no body, which
// refuse a body that is there (an empty one is none), and a 413
// for a body the server did not read closes the connection, so the unread bytes are never parsed as a request.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createAtpClient } from '../../src/client/index.js';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { serveApp } from '../support/serve-app.js';

let ctx: TestContext;
let server: Awaited<ReturnType<typeof serveApp>>;
let fake: FakeOpenAI;
let token: string;
let runId: string;
let endpointId: string;

beforeAll(async () => {
  ctx = await buildTestDeps({ env: { ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '0' } });
  fake = await startFakeOpenAI({ respond: hashPolicy });
  server = await serveApp(createApp(ctx.deps));
  const lab = await tokenFor(ctx.deps, 'hygiene-lab');
  token = lab.token;
  endpointId = (await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: fake.url })).id;
  ({ runId } = await createRun(ctx.deps, lab.tenantId, { endpointId, suite: 'atp-quick-v1' }));
});

afterAll(async () => {
  ctx?.deps.runEventHub.close();
  await server?.close();
  await fake?.close();
  await ctx?.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** the server closed the connection after this response */
  closed: boolean;
}

/** Writes raw bytes on a fresh socket and reads one response (and whether the server then closes the socket). */
function raw(request: string, opts: { waitForClose?: boolean } = {}): Promise<RawResponse> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let data = '';
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const len = Number(headers['content-length'] ?? NaN);
      const body = data.slice(end + 4);
      if (Number.isFinite(len) && Buffer.byteLength(body) < len) return;
      if (opts.waitForClose && !closed) return;
      done = true;
      socket.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, closed });
    };
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
      finish();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
      if (!done) reject(new Error(`connection closed before a full response: ${data.slice(0, 200)}`));
    });
    socket.on('error', (err) => {
      if (!done && !(closed && data)) reject(err);
    });
    socket.write(request);
  });
}

const host = () => new URL(server.url).host;

describe('response headers', () => {
  it('nosniff and no-referrer on JSON, problems, metrics and HTML alike', async () => {
    for (const path of ['/healthz', '/openapi.json', '/metrics', '/v1/runs', '/no/such/route', '/', '/docs', '/leaderboard']) {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it("HTML may not be framed: frame-ancestors 'none' and X-Frame-Options: DENY", async () => {
    for (const path of ['/', '/docs', '/leaderboard', '/console/login']) {
      const res = await fetch(`${server.url}${path}`, { redirect: 'manual' });
      await res.arrayBuffer();
      if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
      expect(res.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
    // JSON is not a page: no frame headers needed
    const json = await fetch(`${server.url}/healthz`);
    expect(json.headers.get('x-frame-options')).toBeNull();
  });

  it('/docs runs only self-hosted scripts and does not persist tokens', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self';/);
    expect(await page.text()).not.toMatch(/<script>(?!<)|https?:\/\/(?!localhost)[a-z]/i);
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toMatch(/persistAuthorization: false/);
  });
});

describe('bodiless POSTs', () => {
  const post = (path: string) => raw(`POST ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${token}\r\nAccept: */*\r\nConnection: close\r\n\r\n`);

  it('cancel, rescore and probe accept a POST without body or Content-Type (no 415)', async () => {
    const rescore = await post(`/v1/runs/${runId}/rescore`);
    expect(rescore.status, rescore.body).toBe(409); // the run has not finished: a reason, not a media-type complaint
    expect(JSON.parse(rescore.body).type).toBe('https://atp-bench.dev/problems/run-not-finished');
    const probe = await post(`/v1/endpoints/${endpointId}/probe`);
    expect(probe.status, probe.body).toBe(200);
    const cancel = await post(`/v1/runs/${runId}/cancel`);
    expect(cancel.status, cancel.body).toBe(200);
    expect(JSON.parse(cancel.body).status).toBe('cancelled');
  });

  it('an operation that takes no body refuses one with 400 whatever its type; an empty body is no body', async () => {
    const send = (method: string, path: string, headers: string, body = '') =>
      raw(`${method} ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${token}\r\n${headers}Connection: close\r\n\r\n${body}`);
    const refused = async (res: RawResponse) => {
      expect(res.status, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(res.body);
      expect(problem.type).toBe('https://atp-bench.dev/problems/unexpected-body');
      expect(problem.detail).toMatch(/this operation takes no request body/);
    };
    const probesBefore = fake.stats.probes;
    await refused(await send('POST', `/v1/runs/${runId}/rescore`, 'Content-Type: application/json\r\nContent-Length: 7\r\n', '{"foo":'));
    await refused(await send('POST', `/v1/runs/${runId}/cancel`, 'Content-Type: application/json\r\nContent-Length: 14\r\n', '{"reason":"x"}'));
    await refused(await send('POST', `/v1/runs/${runId}/cancel`, 'Content-Type: text/plain\r\nContent-Length: 2\r\n', 'hi'));
    await refused(await send('POST', `/v1/endpoints/${endpointId}/probe`, 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', '9\r\n{"foo":1}\r\n0\r\n\r\n'));
    await refused(await send('DELETE', `/v1/endpoints/${endpointId}`, 'Content-Type: application/json\r\nContent-Length: 2\r\n', '{}'));
    expect(fake.stats.probes, 'a refused probe calls no model').toBe(probesBefore);

    // Content-Length: 0 (with or without a JSON Content-Type) and a chunked body of no bytes carry nothing
    for (const headers of ['Content-Type: application/json\r\nContent-Length: 0\r\n', 'Content-Length: 0\r\n']) {
      const res = await send('POST', `/v1/runs/${runId}/cancel`, headers);
      expect(res.status, `${headers} ${res.body}`).toBe(200);
    }
    const chunked = await send('POST', `/v1/runs/${runId}/cancel`, 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n');
    expect(chunked.status, chunked.body).toBe(200);

    // the generated client sends no body (and no Content-Type) for these operations
    const client = createAtpClient({ baseUrl: server.url, token });
    expect((await client.POST('/v1/runs/{id}/cancel', { params: { path: { id: runId } } })).response.status).toBe(200);
    expect((await client.POST('/v1/endpoints/{id}/probe', { params: { path: { id: endpointId } } })).response.status).toBe(200);
  });

  it('a route that takes a body still needs it to say it is JSON', async () => {
    const res = await raw(`POST /v1/runs HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`);
    expect(res.status).toBe(415);
  });
});

describe('413 for an unread body', () => {
  it('answers with Connection: close and closes the socket', async () => {
    const res = await raw(
      `POST /v1/runs HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n{"endpointId":"`,
      { waitForClose: true },
    );
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers.connection).toBe('close');
    expect(res.closed).toBe(true);
  });
});

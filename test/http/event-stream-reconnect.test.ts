// A run's event stream as clients use it: HEAD requests (monitors, link checkers, `curl -I`) hold no stream place,
// and a client that reconnects with Last-Event-ID gets ids after the ones it has seen.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createRun } from '../../src/services/runs.js';
import { lastEventId } from '../../src/http/run-event-stream.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { serveApp } from '../support/serve-app.js';

const PER_TENANT = 4;
let ctx: TestContext;
let server: Awaited<ReturnType<typeof serveApp>>;
let token: string;
let runId: string;

beforeAll(async () => {
  ctx = await buildTestDeps({ env: { ATP_SSE_MAX_PER_TENANT: String(PER_TENANT), ATP_RUN_RATE_PER_MINUTE: '0' } });
  server = await serveApp(createApp(ctx.deps));
  const t = await tokenFor(ctx.deps, 'sse-reconnect');
  token = t.token;
  // an endpoint nobody calls: without a worker the run stays queued, and its stream sends progress every tick
  const endpoint = await createEndpointRow(ctx.deps, t.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
  ({ runId } = await createRun(ctx.deps, t.tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v2' }));
}, 60_000);

afterAll(async () => {
  ctx?.deps.runEventHub.close();
  await server?.close();
  await ctx?.close();
});

/** Reads a stream until it has `count` event ids, then closes it. */
function firstIds(headers: Record<string, string>, count: number): Promise<{ status: number; ids: number[] }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
      const ids: number[] = [];
      if (res.statusCode !== 200) {
        res.resume();
        return resolve({ status: res.statusCode ?? 0, ids });
      }
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
        const found = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        if (found.length >= count) {
          req.destroy();
          resolve({ status: 200, ids: found.slice(0, count) });
        }
      });
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
  });
}

describe('run event stream', () => {
  it('answers HEAD without holding one of the tenant’s stream places', async () => {
    for (let i = 0; i < PER_TENANT * 3; i++) {
      const res = await fetch(`${server.url}/v1/runs/${runId}/events`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    }
    expect(ctx.deps.runEventHub.stats().streams).toBe(0);
    const got = await firstIds({}, 1);
    expect(got.status).toBe(200);
  }, 30_000);

  it('counts ids on from the Last-Event-ID of a reconnecting client', async () => {
    const first = await firstIds({}, 2);
    expect(first.ids).toEqual([1, 2]);
    const again = await firstIds({ 'last-event-id': '57' }, 2);
    expect(again.ids).toEqual([58, 59]);
    // an id that is not ours starts from the beginning
    expect((await firstIds({ 'last-event-id': 'abc' }, 1)).ids).toEqual([1]);
  }, 30_000);

  it('reads Last-Event-ID only as a small counter', () => {
    expect([lastEventId(undefined), lastEventId(''), lastEventId(' 12 '), lastEventId('-1'), lastEventId('1e3'), lastEventId('99999999999999')]).toEqual([0, 0, 12, 0, 0, 0]);
  });
});

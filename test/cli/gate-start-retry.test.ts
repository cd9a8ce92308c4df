// How `atp-bench gate` retries the creation of its run: a 429 waits what its Retry-After asks (the active-runs limit
// says when a slot frees), a storage quota (507) is not retried, and every try carries the same Idempotency-Key.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRun } from '../../src/cli/gate.js';
import { AtpApiError, createAtpClient } from '../../src/client/index.js';

const RUN = { id: 'run_abc', status: 'queued', progress: { done: 0, total: 10, percent: 0 } };
const problem = (status: number, extra: Record<string, unknown> = {}) => ({ type: 'https://atp-bench.dev/problems/x', title: 'x', status, detail: 'x', ...extra });

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A stand-in API answering POST /v1/runs from a script of replies; records each try's time and Idempotency-Key. */
async function api(replies: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const tries: Array<{ at: number; key: string | undefined }> = [];
  server = http.createServer((req, res) => {
    tries.push({ at: performance.now(), key: req.headers['idempotency-key'] as string | undefined });
    const reply = replies[Math.min(tries.length - 1, replies.length - 1)];
    const type = reply.status >= 400 ? 'application/problem+json' : 'application/json';
    res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
    req.resume();
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const client = createAtpClient({ baseUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, token: 't' });
  return { client, tries };
}

describe('gate: starting its run', () => {
  it("waits the 429's Retry-After before trying again, with the same Idempotency-Key", async () => {
    const { client, tries } = await api([
      { status: 429, body: problem(429, { retryAfterSeconds: 2, limit: 'active_runs' }), headers: { 'retry-after': '2' } },
      { status: 202, body: RUN },
    ]);
    const run = await startRun(client, { endpointId: 'end_x', suite: 'atp-quick-v2' }, 'key-1');
    expect(run.id).toBe('run_abc');
    expect(tries).toHaveLength(2);
    // the first retry of the old back-off came after 1 s; Retry-After asked for 2
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(1900);
    expect(tries.map((t) => t.key)).toEqual(['key-1', 'key-1']);
  }, 20_000);

  it('does not retry a storage quota (507): waiting does not free space', async () => {
    const { client, tries } = await api([{ status: 507, body: problem(507, { limit: 'tenant_storage_bytes' }) }]);
    await expect(startRun(client, { endpointId: 'end_x', suite: 'atp-quick-v2' }, 'key-2')).rejects.toBeInstanceOf(AtpApiError);
    expect(tries).toHaveLength(1);
  });
});

// Servers that compress a body nobody asked to be compressed: it is decoded, and the size cap counts decoded bytes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, ResponseTooLargeError } from '../../src/net/guarded-fetch.js';
import { createOpenAIModelClient } from '../../src/model/openai-client.js';

const completion = JSON.stringify({ id: 'c1', object: 'chat.completion', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '{"choice": "Route A"}' }, finish_reason: 'stop' }] });
const ENCODERS: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };

let server: Server;
let origin = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const [, encoding, what] = (req.url ?? '').split('/');
    const body = what === 'bomb' ? Buffer.alloc(5_000_000, 0x20) : what === 'broken' ? Buffer.from('not gzip at all') : Buffer.from(completion);
    const sent = what === 'broken' ? body : ENCODERS[encoding](body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': sent.length });
    res.end(sent);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a compressed body', () => {
  const f = createGuardedFetch({ allowPrivate: true, maxBodyBytes: 1_000_000 });
  afterAll(() => f.close());

  it.each(['gzip', 'deflate', 'br'])('%s: decoded, without the encoding headers', async (encoding) => {
    const res = await f(`${origin}/${encoding}/ok`, { method: 'POST', body: '{}' });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe(completion);
  });

  it('a small body that inflates beyond the cap is refused as too large', async () => {
    await expect(f(`${origin}/gzip/bomb`, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('a body that is not what its encoding says is an error, not a hang', async () => {
    await expect(f(`${origin}/gzip/broken`, { method: 'POST', body: '{}' })).rejects.toThrow(/could not be decoded/);
  });

  it('through the model client, a gzip answer from a server that compresses anyway is read', async () => {
    const client = createOpenAIModelClient({ allowPrivate: true, maxAttempts: 1 });
    try {
      const r = await client.complete({ id: 'gz', baseUrl: `${origin}/gzip/v1`, model: 'm', apiKey: null, headers: {}, params: {}, requestTimeoutMs: 5_000 }, { messages: [{ role: 'user', content: 'hi' }] });
      expect(r.ok && r.response.content).toBe('{"choice": "Route A"}');
    } finally {
      client.close();
    }
  });
});

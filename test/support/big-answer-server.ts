// An OpenAI-compatible endpoint whose first `big` answers are `bytes` long, streamed in chunks without a
// Content-Length, so the client only learns their size while reading (the server itself holds one chunk at a time).
// Later answers come from `small` (a normal completion).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isConnectivityCheck } from './openai-server.js';

export interface BigAnswerServer {
  url: string;
  stats: { big: number; small: number; inFlight: number; peakInFlight: number };
  close(): Promise<void>;
}

export async function startBigAnswerServer(opts: {
  bytes: number;
  big: number;
  small: (body: any) => string;
}): Promise<BigAnswerServer> {
  const stats = { big: 0, small: 0, inFlight: 0, peakInFlight: 0 };
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
      const head = (content: string) =>
        `{"id":"x","object":"chat.completion","model":"big","usage":{"prompt_tokens":1,"completion_tokens":1},` +
        `"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"${content}`;
      const tail = '"}}]}';
      const connectivity = isConnectivityCheck(body);
      if (stats.big >= opts.big || connectivity) {
        stats.small++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(head(JSON.stringify(opts.small(body)).slice(1, -1)) + tail);
        return;
      }
      stats.big++;
      stats.inFlight++;
      stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(head(''));
      let left = opts.bytes;
      const done = () => {
        stats.inFlight--;
      };
      res.on('close', done);
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
        }
        res.end(tail);
      };
      res.on('error', () => {});
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    stats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

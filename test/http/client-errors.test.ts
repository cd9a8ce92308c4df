// Requests Node's HTTP parser rejects before any route runs (src/http/client-errors.ts) still get problem+json from
// the real server `atp-bench serve` starts: headers over the 16 KB limit, and a request line that is not HTTP.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { startService, type RunningService } from '../../src/server.js';
import { TEST_SECRET } from '../support/deps.js';

let service: RunningService;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-client-errors-'));
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', ATP_DATA_DIR: dataDir, ATP_SECRET: TEST_SECRET, ATP_WORKERS: '0', LOG_LEVEL: 'silent' });
  service = await startService(config, { logger: createLogger({ level: 'silent' }) });
});
afterAll(async () => {
  await service?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Sends raw bytes and returns the whole answer (the server closes the connection after a parser error). */
function raw(request: string): Promise<string> {
  const { hostname, port } = new URL(service.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

const split = (answer: string) => {
  const [head, body] = answer.split('\r\n\r\n');
  return { head, problem: JSON.parse(body) as { type: string; status: number; title: string } };
};

describe('requests the HTTP parser rejects', () => {
  it('headers over the limit: 431 problem+json', async () => {
    const { head, problem } = split(await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nIf-None-Match: "${'a'.repeat(60_000)}"\r\n\r\n`));
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(problem).toMatchObject({ status: 431, type: expect.stringMatching(/\/problems\/headers-too-large$/) });
  });

  it('a request that is not HTTP: 400 problem+json', async () => {
    const { head, problem } = split(await raw('HELLO THERE\r\n\r\n'));
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(problem).toMatchObject({ status: 400, type: expect.stringMatching(/\/problems\/malformed-request$/) });
  });

  it('an ordinary request is unaffected', async () => {
    const res = await fetch(`${service.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import type { FailureShape } from '../../src/model/types.js';
import { describeProbeFailure } from '../../src/services/endpoints/probe.js';

const failure = (status: number | null, message: string, shape?: FailureShape) => ({
  ok: false as const,
  kind: 'permanent' as const,
  status,
  message,
  attempts: 1,
  latencyMs: 3,
  ...(shape ? { shape } : {}),
});

describe('describeProbeFailure', () => {
  it('names the status once, though the client message already starts with it', () => {
    expect(describeProbeFailure(failure(404, 'HTTP 404: model not found'), 10_000)).toBe('the endpoint answered HTTP 404: model not found');
    expect(describeProbeFailure(failure(401, 'HTTP 401: bad key'), 10_000)).toBe('the endpoint rejected the credentials (HTTP 401): bad key');
  });
  it('names the status once after the retry summary too', () => {
    expect(describeProbeFailure(failure(502, 'gave up after 2 attempts: HTTP 502: an HTML page titled "502 Bad Gateway"'), 10_000)).toBe(
      'the endpoint answered HTTP 502: gave up after 2 attempts: an HTML page titled "502 Bad Gateway"',
    );
  });
  it('a challenge page is not a rejection of the credentials', () => {
    const m = 'HTTP 403: a bot-protection challenge (Cloudflare) blocked the request; the endpoint sent an HTML page titled "Just a moment..."';
    expect(describeProbeFailure(failure(403, m, { kind: 'bot-challenge', vendor: 'Cloudflare' }), 10_000)).toBe(
      'the endpoint answered HTTP 403: a bot-protection challenge (Cloudflare) blocked the request; the endpoint sent an HTML page titled "Just a moment..."',
    );
  });
  it('an error answered with 200 is told as one, with the status its body stood for', () => {
    expect(describeProbeFailure(failure(200, 'HTTP 200 with error 404 in the body: Not Found', { kind: 'error-in-ok-body', standsFor: 404 }), 10_000)).toBe(
      'the endpoint answered HTTP 200 with an error (404) instead of a chat completion: Not Found',
    );
  });
  it('keeps a message that does not start with the status as it is', () => {
    expect(describeProbeFailure(failure(500, 'upstream HTTP 500: boom'), 10_000)).toBe('the endpoint answered HTTP 500: upstream HTTP 500: boom');
  });
});

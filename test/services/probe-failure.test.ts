import { describe, expect, it } from 'vitest';
import { describeProbeFailure } from '../../src/services/endpoints/probe.js';

const failure = (status: number | null, message: string) => ({ ok: false as const, kind: 'permanent' as const, status, message, attempts: 1, latencyMs: 3 });

describe('describeProbeFailure', () => {
  it('names the status once, though the client message already starts with it', () => {
    expect(describeProbeFailure(failure(404, 'HTTP 404: model not found'), 10_000)).toBe('the endpoint answered HTTP 404: model not found');
    expect(describeProbeFailure(failure(401, 'HTTP 401: bad key'), 10_000)).toBe('the endpoint rejected the credentials (HTTP 401): bad key');
  });
  it('keeps a message that does not start with the status as it is', () => {
    expect(describeProbeFailure(failure(500, 'upstream HTTP 500: boom'), 10_000)).toBe('the endpoint answered HTTP 500: upstream HTTP 500: boom');
  });
});

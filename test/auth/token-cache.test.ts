// The verified-token cache only shortcuts what a fresh verification would have said: a cached token still expires on
// time, a token differing by one character is verified afresh (and refused), and callers cannot edit the cached scopes.
import { describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/auth/tokens.js';

const SECRET = 'cache-test-secret-0123456789abcdef';

describe('verified-token cache', () => {
  it('expires a remembered token at its exp', async () => {
    const tokens = createTokenService(SECRET);
    const t0 = new Date('2026-01-01T00:00:00Z');
    const token = await tokens.issue({ tenantId: 'ten_a', scopes: ['runs:read'], ttlSeconds: 60, now: t0 });
    expect((await tokens.verify(token, new Date(t0.getTime() + 1_000))).tenantId).toBe('ten_a');
    expect((await tokens.verify(token, new Date(t0.getTime() + 2_000))).tenantId).toBe('ten_a');
    await expect(tokens.verify(token, new Date(t0.getTime() + 61_000))).rejects.toThrow('token expired');
  });

  it('refuses a tampered copy of a remembered token', async () => {
    const tokens = createTokenService(SECRET);
    const token = await tokens.issue({ tenantId: 'ten_a', scopes: ['runs:read'] });
    await tokens.verify(token);
    // a character inside the signature (the last one carries padding bits that may not change the bytes)
    const i = token.length - 5;
    const tampered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    await expect(tokens.verify(tampered)).rejects.toThrow('invalid token');
  });

  it('hands out a fresh scope set each time', async () => {
    const tokens = createTokenService(SECRET);
    const token = await tokens.issue({ tenantId: 'ten_a', scopes: ['runs:read'] });
    const first = await tokens.verify(token);
    first.scopes.add('admin');
    expect([...(await tokens.verify(token)).scopes]).toEqual(['runs:read']);
  });
});

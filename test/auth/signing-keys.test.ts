// Tokens and console sessions keep verifying across a secret rotation (the previous secret's kid still resolves),
// and a kid no secret of this service made is refused.
import { describe, expect, it } from 'vitest';
import { createSessionService } from '../../src/auth/sessions.js';
import { createTokenService } from '../../src/auth/tokens.js';

const OLD = 'old-master-secret-0123456789abcdef';
const NEW = 'new-master-secret-0123456789abcdef';
const OTHER = 'another-deployment-0123456789abcd';

describe('signing keys across a rotation', () => {
  it('bearer tokens', async () => {
    const token = await createTokenService(OLD).issue({ tenantId: 'ten_a', scopes: ['runs:read'] });
    expect((await createTokenService(NEW, [OLD]).verify(token)).tenantId).toBe('ten_a');
    await expect(createTokenService(NEW).verify(token)).rejects.toThrow();
    await expect(createTokenService(NEW, [OTHER]).verify(token)).rejects.toThrow();
  });

  it('console sessions', async () => {
    const now = new Date();
    const principal = (await createTokenService(OLD).verify(await createTokenService(OLD).issue({ tenantId: 'ten_b', scopes: ['runs:read'] })));
    const { cookie } = await createSessionService(OLD).issue(principal, now);
    expect((await createSessionService(NEW, [OLD]).verify(cookie, now)).principal.tenantId).toBe('ten_b');
    await expect(createSessionService(NEW).verify(cookie, now)).rejects.toThrow();
  });
});

import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/auth/secret-box.js';

const OLD = 'old-master-secret-0123456789abcdef';
const NEW = 'new-master-secret-fedcba9876543210';

describe('secret box', () => {
  it('round-trips and writes a compact dir/A256GCM JWE with kid and context', async () => {
    const box = createSecretBox({ current: { secret: NEW } });
    const jwe = await box.encrypt('sk-live-1234567890', 'endpoint:42:apiKey');
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe).not.toContain('sk-live');
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: box.currentKid, ctx: 'endpoint:42:apiKey' });
    expect(box.currentKid).toMatch(/^[0-9a-f]{8}$/);
    expect(await box.decrypt(jwe, 'endpoint:42:apiKey')).toBe('sk-live-1234567890');
    // unicode and empty strings survive
    expect(await box.decrypt(await box.encrypt('{"X-Ünïcode":"✓"}', 'c'), 'c')).toBe('{"X-Ünïcode":"✓"}');
    expect(await box.decrypt(await box.encrypt('', 'c'), 'c')).toBe('');
  });

  it('uses a fresh IV per encryption', async () => {
    const box = createSecretBox({ current: { secret: NEW } });
    expect(await box.encrypt('same', 'ctx')).not.toBe(await box.encrypt('same', 'ctx'));
  });

  it('rejects tampering with the ciphertext, tag or protected header', async () => {
    const box = createSecretBox({ current: { secret: NEW } });
    const jwe = await box.encrypt('sk-live-1234567890', 'endpoint:42:apiKey');
    const parts = jwe.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = [
      [parts[0], parts[1], parts[2], flip(parts[3]), parts[4]].join('.'),
      [parts[0], parts[1], parts[2], parts[3], flip(parts[4])].join('.'),
    ];
    for (const t of tampered) await expect(box.decrypt(t, 'endpoint:42:apiKey')).rejects.toThrow();
    // rewrite the header to claim another context: the header is AAD, so the tag no longer matches
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...header, ctx: 'endpoint:43:apiKey' })).toString('base64url');
    await expect(box.decrypt([forged, ...parts.slice(1)].join('.'), 'endpoint:43:apiKey')).rejects.toThrow();
    await expect(box.decrypt('not.a.jwe', 'endpoint:42:apiKey')).rejects.toThrow();
  });

  it('rejects a ciphertext moved to another context', async () => {
    const box = createSecretBox({ current: { secret: NEW } });
    const jwe = await box.encrypt('sk-live-1234567890', 'endpoint:42:apiKey');
    await expect(box.decrypt(jwe, 'endpoint:43:apiKey')).rejects.toThrow(/context/);
    await expect(box.decrypt(jwe, 'endpoint:42:headers')).rejects.toThrow(/context/);
  });

  it('rejects a ciphertext from another master secret', async () => {
    const a = createSecretBox({ current: { secret: OLD, kid: 'k1' } });
    const b = createSecretBox({ current: { secret: NEW, kid: 'k1' } }); // same kid, different key
    await expect(b.decrypt(await a.encrypt('x', 'c'), 'c')).rejects.toThrow();
  });

  it('rotates: previous keys still decrypt (chosen by kid), new ciphertexts use the current key', async () => {
    const before = createSecretBox({ current: { secret: OLD } });
    const oldJwe = await before.encrypt('old-key-value', 'endpoint:1:apiKey');

    const after = createSecretBox({ current: { secret: NEW }, previous: [{ secret: OLD }] });
    expect(after.currentKid).not.toBe(before.currentKid);
    expect(await after.decrypt(oldJwe, 'endpoint:1:apiKey')).toBe('old-key-value');
    const newJwe = await after.encrypt('new-key-value', 'endpoint:1:apiKey');
    expect(decodeProtectedHeader(newJwe).kid).toBe(after.currentKid);

    // once the old secret is dropped, old ciphertexts no longer open; the new ones do
    const dropped = createSecretBox({ current: { secret: NEW } });
    await expect(dropped.decrypt(oldJwe, 'endpoint:1:apiKey')).rejects.toThrow(/unknown key id/);
    expect(await dropped.decrypt(newJwe, 'endpoint:1:apiKey')).toBe('new-key-value');
  });

  it('accepts a configured kid and refuses an empty secret', async () => {
    const box = createSecretBox({ current: { secret: NEW, kid: '2025-01' } });
    expect(box.currentKid).toBe('2025-01');
    expect(decodeProtectedHeader(await box.encrypt('v', 'c')).kid).toBe('2025-01');
    expect(() => createSecretBox({ current: { secret: '' } })).toThrow();
  });
});

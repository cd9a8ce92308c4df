import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch, EndpointRefusedError } from '../../src/net/guarded-fetch.js';
import { checkEndpointUrl, isForbiddenAddress, type LookupFn } from '../../src/net/ssrf.js';

const fakeLookup =
  (table: Record<string, string[]>): LookupFn =>
  async (host) => {
    const addrs = table[host];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('isForbiddenAddress', () => {
  const refused: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['::1', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['100.64.0.1', /carrier-grade/],
    ['100.127.255.255', /carrier-grade/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['::ffff:127.0.0.1', /IPv4-mapped.*loopback/],
    ['::ffff:7f00:1', /IPv4-mapped.*loopback/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped.*link-local/],
    ['::ffff:0:10.0.0.1', /IPv4-translated.*private/],
    ['::127.0.0.1', /IPv4-compatible.*loopback/],
    ['64:ff9b::7f00:1', /NAT64.*loopback/],
    ['64:ff9b::a9fe:a9fe', /NAT64.*link-local/],
    ['2002:7f00:1::', /6to4.*loopback/],
    ['2002:c0a8:101::1', /6to4.*private/],
    ['2001:db8::1', /documentation/],
    ['not-an-ip', /invalid/],
  ];
  it.each(refused)('refuses %s', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toMatch(reason);
  });

  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];
  it.each(allowed)('allows public %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBeNull();
  });
});

describe('checkEndpointUrl', () => {
  const lookup = fakeLookup({
    'api.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'rebind.example.com': ['93.184.216.34', '10.0.0.5'],
    'internal.example.com': ['192.168.0.10'],
    'v6local.example.com': ['::1'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
    'localhost': ['127.0.0.1'],
  });
  const deny = { allowPrivate: false, lookup };

  it('allows a public host', async () => {
    expect(await checkEndpointUrl('https://api.example.com/v1', deny)).toEqual({ ok: true });
    expect(await checkEndpointUrl('http://8.8.8.8:8080/v1', deny)).toEqual({ ok: true });
  });

  const refusedUrls: Array<[string, RegExp]> = [
    ['http://127.0.0.1:8000/v1', /loopback/],
    ['http://[::1]/v1', /loopback/],
    ['http://2130706433/v1', /loopback/], // decimal
    ['http://0x7f000001/v1', /loopback/], // hex
    ['http://0177.0.0.1/v1', /loopback/], // octal
    ['http://127.1/v1', /loopback/], // short form
    ['http://0xa9.0xfe.0xa9.0xfe/latest/meta-data', /link-local/],
    ['http://[::ffff:127.0.0.1]/v1', /IPv4-mapped/],
    ['http://[::ffff:a9fe:a9fe]/', /IPv4-mapped.*link-local/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://100.100.100.200/', /carrier-grade/],
    ['http://localhost:8000/v1', /local/],
    ['http://LOCALHOST./v1', /local/],
    ['http://foo.localhost/v1', /local/],
    ['http://metadata.google.internal/computeMetadata/v1/', /metadata|local/],
    ['http://metadata/computeMetadata/v1/', /metadata|local/],
    ['http://instance-data/latest/', /metadata|local/],
    ['http://internal.example.com/v1', /^host internal.example.com resolves to a private or reserved address$/],
    ['http://rebind.example.com/v1', /^(?!.*10\.0\.0\.5).*private or reserved address/], // one bad address is enough
    ['http://v6local.example.com/v1', /private or reserved address/],
    ['http://mapped.example.com/v1', /private or reserved address/],
    ['http://nowhere.example.com/v1', /does not resolve/],
    ['ftp://api.example.com/v1', /scheme/],
    ['file:///etc/passwd', /scheme/],
    ['https://user:pass@api.example.com/v1', /credentials/],
    ['not a url', /valid URL/],
  ];
  it.each(refusedUrls)('refuses %s', async (url, reason) => {
    const r = await checkEndpointUrl(url, deny);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('allowPrivate accepts loopback and private names but still needs http(s) and a resolvable host', async () => {
    const allow = { allowPrivate: true, lookup };
    expect(await checkEndpointUrl('http://127.0.0.1:8000/v1', allow)).toEqual({ ok: true });
    expect(await checkEndpointUrl('http://localhost:8000/v1', allow)).toEqual({ ok: true });
    expect(await checkEndpointUrl('http://internal.example.com/v1', allow)).toEqual({ ok: true });
    expect((await checkEndpointUrl('ftp://127.0.0.1/', allow)).ok).toBe(false);
    expect((await checkEndpointUrl('http://nowhere.example.com/', allow)).ok).toBe(false);
  });
});

describe('guarded fetch (connection-time check)', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, method: req.method, host: req.headers.host }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a host whose lookup returns a private address when connecting (DNS rebinding)', async () => {
    // first answer (what checkEndpointUrl saw) is public, the one at connect time is loopback
    let calls = 0;
    const rebinding: LookupFn = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    expect(await checkEndpointUrl(`http://rebind.example.com:${port}/v1`, { allowPrivate: false, lookup: rebinding })).toEqual({ ok: true });

    const f = createGuardedFetch({ allowPrivate: false, lookup: rebinding });
    const before = hits;
    const err = await f(`http://rebind.example.com:${port}/v1/models`).catch((e: unknown) => e);
    f.close();
    expect(err).toBeInstanceOf(EndpointRefusedError);
    expect((err as Error).message).toBe('host rebind.example.com resolves to a private or reserved address');
    expect(hits).toBe(before); // never reached the server
  });

  it('connects to the address the checked lookup returned', async () => {
    // same hostname and lookup with allowPrivate: reaches the local server, so the hook really drives the connection
    const f = createGuardedFetch({ allowPrivate: true, lookup: fakeLookup({ 'lab.example.com': ['127.0.0.1'] }) });
    const res = await f(`http://lab.example.com:${port}/v1/models?x=1`, { method: 'POST', body: '{"a":1}' });
    f.close();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/v1/models?x=1', method: 'POST', host: `lab.example.com:${port}` });
  });

  it('refuses IP literals and local names without a lookup', async () => {
    const f = createGuardedFetch({ allowPrivate: false, lookup: async () => [{ address: '93.184.216.34', family: 4 }] });
    await expect(f(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(EndpointRefusedError);
    await expect(f(`http://0x7f000001:${port}/`)).rejects.toBeInstanceOf(EndpointRefusedError);
    await expect(f(`http://[::ffff:127.0.0.1]:${port}/`)).rejects.toBeInstanceOf(EndpointRefusedError);
    await expect(f(`http://localhost:${port}/`)).rejects.toBeInstanceOf(EndpointRefusedError);
    f.close();
  });

  it('does not follow redirects', async () => {
    const f = createGuardedFetch({ allowPrivate: true });
    const res = await f(`http://127.0.0.1:${port}/redirect`);
    f.close();
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://169.254.169.254/latest/meta-data/');
  });

  it('honours an AbortSignal', async () => {
    const hang = http.createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const f = createGuardedFetch({ allowPrivate: true });
    const t0 = Date.now();
    const err = await f(`http://127.0.0.1:${(hang.address() as AddressInfo).port}/`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(Date.now() - t0).toBeLessThan(10_000); // the server never answers: any bound proves the abort
    f.close();
    hang.closeAllConnections();
    await new Promise<void>((r) => hang.close(() => r()));
  });
});

// SSRF guard for lab-supplied endpoint URLs (spec §6): the service calls URLs its tenants choose, so it must not be
// usable as a proxy into the operator's network (loopback, RFC 1918, link-local, cloud metadata, ...).
// `checkEndpointUrl` is the registration-time check; src/net/guarded-fetch.ts repeats the address check at connect
// time, because a host can resolve to something else later (DNS rebinding).
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';

export interface LookupAddress {
  address: string;
  family: number;
}
/** Resolves every address of a host name (like `dns.lookup(host, {all: true})`). Injectable for tests. */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

export const defaultLookup: LookupFn = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** `kind: 'credentials'` marks the refusal of a `user:pass@` URL, whose advice depends on what the URL is for. */
export type CheckResult = { ok: true } | { ok: false; reason: string; kind?: 'credentials' };

// [first address, prefix length, reason]. Ordered so the more specific ranges come first.
const V4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified address'],
  ['10.0.0.0', 8, 'private address'],
  ['100.64.0.0', 10, 'carrier-grade NAT address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address'],
  ['172.16.0.0', 12, 'private address'],
  ['192.0.0.0', 24, 'reserved (IETF protocol) address'],
  ['192.0.2.0', 24, 'documentation address'],
  ['192.88.99.0', 24, 'reserved (6to4 relay) address'],
  ['192.168.0.0', 16, 'private address'],
  ['198.18.0.0', 15, 'reserved (benchmarking) address'],
  ['198.51.100.0', 24, 'documentation address'],
  ['203.0.113.0', 24, 'documentation address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['255.255.255.255', 32, 'broadcast address'],
  ['240.0.0.0', 4, 'reserved address'],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

const V4_TABLE = V4_RANGES.map(([base, bits, reason]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (v4ToInt(base) & mask) >>> 0, mask, reason };
});

function forbiddenV4(n: number): string | null {
  for (const r of V4_TABLE) if (((n & r.mask) >>> 0) === r.net) return r.reason;
  return null;
}

/** Expands an IPv6 literal (zone id and embedded dotted IPv4 allowed) into 8 16-bit groups. */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (isIP(tail) !== 4) return null;
    const n = v4ToInt(tail);
    s = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array(Math.max(fill, 0)).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

function forbiddenV6(g: number[]): string | null {
  const v4At = (i: number) => ((g[i] << 16) | g[i + 1]) >>> 0;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = (n: number, kind: string) => {
    const reason = forbiddenV4(n);
    return reason ? `${kind} of ${reason}` : null;
  };
  if (zeroUpTo(8)) return 'unspecified address';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback address';
  // ::ffff:a.b.c.d (IPv4-mapped): the kernel connects to the IPv4 address itself.
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(v4At(6), 'IPv4-mapped form');
  // ::ffff:0:a.b.c.d (IPv4-translated, SIIT)
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return embedded(v4At(6), 'IPv4-translated form');
  // ::a.b.c.d (deprecated IPv4-compatible)
  if (zeroUpTo(6)) return embedded(v4At(6), 'IPv4-compatible form') ?? 'reserved address';
  // 64:ff9b::/96 well-known NAT64 prefix: the gateway forwards to the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(v4At(6), 'NAT64 form');
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'local-use NAT64 address';
  // 2002::/16 6to4: the IPv4 address sits in bits 16..47.
  if (g[0] === 0x2002) return embedded(v4At(1), '6to4 form');
  if (g[0] === 0x2001 && g[1] === 0) return 'Teredo address';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'documentation address';
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return 'discard-only address';
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local address';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local address';
  if ((g[0] & 0xffc0) === 0xfec0) return 'site-local address';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast address';
  return null;
}

/** Why an IP address must not be contacted, or null when it is a public unicast address. */
export function isForbiddenAddress(ip: string): string | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const version = isIP(bare.split('%')[0]);
  if (version === 4) return forbiddenV4(v4ToInt(bare));
  if (version === 6) {
    const groups = v6Groups(bare);
    return groups ? forbiddenV6(groups) : 'invalid address';
  }
  return 'invalid address';
}

// Names that reach the local machine or a cloud metadata service without needing a private address in DNS
// (resolvers, /etc/hosts and search domains can map them anywhere).
const FORBIDDEN_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'kubernetes.default',
  'kubernetes.default.svc',
]);
const FORBIDDEN_SUFFIXES = ['.localhost', '.internal', '.local', '.localdomain', '.home.arpa', '.svc.cluster.local'];

/**
 * Why a host name (not an IP literal) must not be contacted, or null. Single-label names are refused too: they only
 * resolve through local search domains or /etc/hosts, never to a lab's public endpoint.
 */
export function isForbiddenHostname(hostname: string): string | null {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === '') return 'empty host';
  if (FORBIDDEN_NAMES.has(h)) return `host name "${h}" is local or a metadata service`;
  for (const suffix of FORBIDDEN_SUFFIXES) if (h.endsWith(suffix)) return `host name "${h}" is a local-only name`;
  if (!h.includes('.')) return `single-label host name "${h}" is local-only`;
  return null;
}

/** Strips the brackets WHATWG URL keeps around IPv6 hosts. */
export function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Static part of the check (no DNS): scheme, userinfo, literal address, forbidden names. */
export function checkUrlSyntax(url: URL, allowPrivate: boolean): CheckResult {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${url.protocol} is not allowed (http or https only)` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'credentials in the URL are not allowed (use the API key or headers)', kind: 'credentials' };
  }
  if (allowPrivate) return { ok: true };
  const host = bareHostname(url);
  // WHATWG URL has already turned decimal/hex/octal IPv4 forms (http://2130706433/, http://0x7f000001/,
  // http://0177.0.0.1/, http://127.1/) into dotted quads, so an IP literal check here catches them.
  if (isIP(host)) {
    const reason = isForbiddenAddress(host);
    return reason ? { ok: false, reason: `${host} is refused (${reason})` } : { ok: true };
  }
  const reason = isForbiddenHostname(host);
  return reason ? { ok: false, reason } : { ok: true };
}

/**
 * The refusal for a name whose DNS answer includes a forbidden address. The address and its kind are left out: a
 * tenant must not learn what internal names resolve to by registering endpoints (a literal address in the URL is the
 * tenant's own text and is still named).
 */
export function resolvesToForbidden(host: string): string {
  return `host ${host} resolves to a private or reserved address`;
}

/**
 * Registration/probe-time check of an endpoint URL: syntax, then every address the host resolves to.
 * With `allowPrivate` anything that parses and resolves is accepted (local development and tests).
 */
export async function checkEndpointUrl(
  url: string,
  opts: { allowPrivate: boolean; lookup?: LookupFn },
): Promise<CheckResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  const syntax = checkUrlSyntax(parsed, opts.allowPrivate);
  if (!syntax.ok) return syntax;
  const host = bareHostname(parsed);
  if (isIP(host)) return { ok: true };
  let addresses: LookupAddress[];
  try {
    addresses = await (opts.lookup ?? defaultLookup)(host);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: `host ${host} does not resolve${code ? ` (${code})` : ''}` };
  }
  if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  if (opts.allowPrivate) return { ok: true };
  for (const a of addresses) {
    if (isForbiddenAddress(a.address)) return { ok: false, reason: resolvesToForbidden(host) };
  }
  return { ok: true };
}

// A minimal fetch over node:http(s) whose DNS lookup validates every address it is about to connect to.
// Why not the global fetch: undici resolves the host itself and cannot be told to refuse or pin an address, so a
// host that passed checkEndpointUrl could re-resolve to 127.0.0.1 / 169.254.169.254 at connect time (DNS rebinding).
// It also never follows redirects (a 3xx is returned as is): a redirect could point anywhere, and the model client
// reports it as a permanent error.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { bareHostname, checkUrlSyntax, defaultLookup, isForbiddenAddress, resolvesToForbidden, type LookupFn } from './ssrf.js';

/** The destination was refused by the SSRF policy (permanent: retrying cannot help). */
export class EndpointRefusedError extends Error {
  readonly code = 'ERR_ENDPOINT_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'EndpointRefusedError';
  }
}

/**
 * The response body is larger than the cap. `status` is the HTTP status the headers carried: a gateway's 502 with a
 * huge error page is still a 502 (and is told as one), not an oversized answer.
 */
export class ResponseTooLargeError extends Error {
  readonly code = 'ERR_RESPONSE_TOO_LARGE';
  constructor(
    readonly limit: number,
    readonly status: number | null = null,
  ) {
    super(`the response is larger than ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Per-request hook, passed as an extra `init` member: called once, with the socket paused, when a body turns out
 * larger than `SMALL_BODY_BYTES`; reading resumes when it resolves (the model client reserves memory there).
 */
export const LARGE_BODY_HOOK = '__atpLargeBody';
export type LargeBodyHook = () => Promise<void>;
const SMALL_BODY_BYTES = 64 * 1024;

export interface GuardedFetchOptions {
  /** skip the address checks (local development and tests); redirects are still not followed */
  allowPrivate: boolean;
  lookup?: LookupFn;
  /** overall deadline per request, headers and body (callers may also pass an AbortSignal) */
  timeoutMs?: number;
  /** larger bodies fail the request (a lab endpoint must not be able to exhaust our memory) */
  maxBodyBytes?: number;
}

export type GuardedFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  /** destroys the keep-alive sockets */
  close(): void;
};

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
// Hop-by-hop or framing headers we compute ourselves; accept-encoding is dropped so servers answer uncompressed
// (this wrapper does not decompress).
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'keep-alive',
]);

function guardedLookup(resolve: LookupFn, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: Error | null, address: unknown, family?: number) => void;
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    resolve(hostname)
      .then((all) => {
        // Every address is checked, not only the one we pick: the OS or a retry might use another.
        if (!allowPrivate) {
          for (const a of all) {
            if (isForbiddenAddress(a.address)) throw new EndpointRefusedError(resolvesToForbidden(hostname));
          }
        }
        const addrs = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        if (addrs.length === 0) {
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
        }
        return addrs;
      })
      // two-argument then: an exception thrown by the callback must not call it a second time
      .then(
        (addrs) => (options.all ? cb(null, addrs) : cb(null, addrs[0].address, addrs[0].family)),
        (err: Error) => cb(err, options.all ? [] : '', 0),
      );
  };
}

async function requestBody(body: RequestInit['body']): Promise<{ bytes: Buffer | null; type: string | null }> {
  if (body == null) return { bytes: null, type: null };
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: null };
  // Anything else (Uint8Array, Blob, URLSearchParams, FormData, streams): let the platform encode it.
  const r = new Response(body as ConstructorParameters<typeof Response>[0]);
  return { bytes: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type') };
}

/** A decoder for a compressed body (gzip, deflate, brotli), null for an identity one or an encoding we do not know. */
function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  const e = encoding?.trim().toLowerCase();
  if (e === 'gzip' || e === 'x-gzip') return zlib.createGunzip();
  if (e === 'deflate') return zlib.createInflate();
  if (e === 'br') return zlib.createBrotliDecompress();
  return null;
}

export function createGuardedFetch(opts: GuardedFetchOptions): GuardedFetch {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  // With allowPrivate and no injected resolver Node's own lookup is fine (and cheapest).
  const lookup =
    !opts.allowPrivate || opts.lookup ? guardedLookup(opts.lookup ?? defaultLookup, opts.allowPrivate) : undefined;

  const guardedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) {
      const req = new Request(input, init);
      const body = req.body ? await req.arrayBuffer() : null;
      init = { method: req.method, headers: req.headers, body, signal: init.signal ?? req.signal };
      input = req.url;
    }
    const url = new URL(String(input));
    const syntax = checkUrlSyntax(url, opts.allowPrivate);
    if (!syntax.ok) throw new EndpointRefusedError(syntax.reason);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;

    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      if (!DROPPED_HEADERS.has(name)) headers[name] = value;
    });
    const { bytes, type } = await requestBody(init.body);
    if (bytes) headers['content-length'] = String(bytes.length);
    if (type && !headers['content-type']) headers['content-type'] = type;

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      let incoming: IncomingMessage | null = null;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const abortWith = (reason: unknown) => {
        finish();
        incoming?.destroy(reason as Error);
        req.destroy(reason as Error);
        if (!settled) {
          settled = true;
          reject(reason);
        }
      };
      const onAbort = () => abortWith(signal?.reason ?? new DOMException('This operation was aborted', 'AbortError'));

      const req = (url.protocol === 'https:' ? https : http).request({
        hostname: bareHostname(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        ...(lookup ? { lookup } : {}),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs) {
        timer = setTimeout(() => abortWith(new DOMException('request timed out', 'TimeoutError')), opts.timeoutMs);
      }
      req.on('error', (err) => {
        finish();
        if (!settled) {
          settled = true;
          reject(err);
        }
      });
      req.on('response', (res) => {
        incoming = res;
        const status = res.statusCode ?? 0;
        const resHeaders = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          try {
            resHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          } catch {
            /* a header value the Fetch API rejects: drop it */
          }
        }
        if (status < 200 || status > 599) {
          return abortWith(new Error(`unsupported HTTP status ${status}`));
        }
        const noBody = method === 'HEAD' || status === 204 || status === 205 || status === 304;
        const respond = (body: Uint8Array | null) => {
          finish();
          const response = new Response(body, { status, statusText: res.statusMessage ?? '', headers: resHeaders });
          Object.defineProperty(response, 'url', { value: url.href });
          settled = true;
          resolve(response);
        };
        if (noBody) {
          res.on('error', () => {});
          res.resume();
          return respond(null);
        }
        // Chat completions are small JSON documents: read the whole body (capped) before answering. A web stream
        // per response cost more than the rest of the HTTP path; timeouts and aborts still cover the body.
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBody) return abortWith(new ResponseTooLargeError(maxBody, status));
        const hook = (init as Record<string, unknown>)[LARGE_BODY_HOOK] as LargeBodyHook | undefined;
        let hooked = false;
        const chunks: Buffer[] = [];
        let received = 0;
        // We never ask for compression, but some servers compress anyway: the body is decoded here, and the cap
        // counts decoded bytes (a small gzip bomb is as large as what it inflates to).
        const decoder = decoderFor(res.headers['content-encoding']);
        if (decoder) {
          resHeaders.delete('content-encoding');
          resHeaders.delete('content-length');
          decoder.on('error', (err) => abortWith(Object.assign(new Error(`the compressed response body could not be decoded: ${err.message}`), { cause: err })));
          res.pipe(decoder);
        }
        const source = decoder ?? res;
        source.on('data', (chunk: Buffer) => {
          if (settled) return void decoder?.destroy();
          received += chunk.length;
          if (received > maxBody) return void abortWith(new ResponseTooLargeError(maxBody, status));
          chunks.push(chunk);
          if (hook && !hooked && received > SMALL_BODY_BYTES) {
            hooked = true;
            source.pause();
            hook().then(
              () => source.resume(),
              (err) => abortWith(err),
            );
          }
        });
        res.on('error', (err) => abortWith(err));
        source.on('end', () => {
          if (!settled) respond(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        });
        res.on('close', () => {
          if (!res.complete && !settled) abortWith(Object.assign(new Error('response body terminated early'), { code: 'ECONNRESET' }));
        });
      });
      req.end(bytes ?? undefined);
    });
  };

  return Object.assign(guardedFetch, {
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}

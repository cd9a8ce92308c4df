import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';

/**
 * Headers on every response: no MIME sniffing (a JSON or text body is never run as a script or page) and no
 * Referer sent from our pages (run and share URLs carry ids). HTML may not be framed by other sites: a page without
 * a CSP gets `frame-ancestors 'none'`, one without a `frame-ancestors` directive gets it appended, and the legacy
 * `X-Frame-Options` says the same (SAMEORIGIN for the console's report frame, whose CSP allows 'self').
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('x-content-type-options', 'nosniff');
    h.set('referrer-policy', 'no-referrer');
    if (!/^text\/html/i.test(h.get('content-type') ?? '')) return;
    const csp = h.get('content-security-policy');
    if (!csp) h.set('content-security-policy', "frame-ancestors 'none'");
    else if (!/(^|;)\s*frame-ancestors\s/i.test(csp)) h.set('content-security-policy', `${csp.replace(/;\s*$/, '')}; frame-ancestors 'none'`);
    const ancestors = /(?:^|;)\s*frame-ancestors\s+([^;]*)/i.exec(h.get('content-security-policy') ?? '')?.[1].trim();
    if (!h.has('x-frame-options')) h.set('x-frame-options', ancestors === "'self'" ? 'SAMEORIGIN' : 'DENY');
  };
}

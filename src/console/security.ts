import type { MiddlewareHandler } from 'hono';

/**
 * Console pages load only their own stylesheet and script (no inline code), submit forms only here and cannot be
 * framed by anyone; the report they show inline is a same-origin frame.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The report renderer's page: inline styles and SVG only; only console pages of this origin may frame it. */
export const FRAMED_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/** Headers for every HTML page of the console, landing and share pages (a route may set a narrower CSP itself). */
export function pageHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    if (!c.res.headers.has('content-security-policy')) c.header('content-security-policy', CONSOLE_CSP);
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) c.header('cache-control', 'no-store');
  };
}

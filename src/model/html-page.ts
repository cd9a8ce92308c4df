// An HTML page where an API answer was expected: a gateway's error page, a web front end, or a bot-protection
// challenge (a browser check no API client can pass). Only the page's title or first words are ever shown: the
// markup says nothing a user can act on, and a challenge page holds tens of kilobytes of script.

/** How much of a page is scanned: titles and challenge markers sit at the top; a gateway page may be megabytes. */
export const HTML_SCAN_CHARS = 64 * 1024;

export function looksLikeHtml(raw: string): boolean {
  return /^\s*(?:<!--[\s\S]*?-->\s*)?<(?:!doctype\s+html|html|head|body|title)\b/i.test(raw.slice(0, 1024));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    const code = e[0] !== '#' ? null : e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    if (code === null) return ENTITIES[e.toLowerCase()] ?? whole;
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The page's `<title>`, decoded and on one line; null when it has none. */
export function htmlTitle(head: string): string | null {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(head);
  const t = m ? squash(decode(m[1])) : '';
  return t || null;
}

/** The page's visible text (scripts, styles and tags dropped), on one line. */
export function htmlText(head: string): string {
  return squash(decode(head.replace(/<(script|style|noscript)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' ')));
}

/**
 * The vendor of a bot-protection challenge or block page that answered instead of the API, else null. A challenge
 * is not the API refusing the key (a 403 is usually read that way) and does not clear by retrying (a 503 is
 * usually retried): an API client cannot run its browser check. Only the vendors' own markers count; a CDN's
 * ordinary error page (Cloudflare's 502 "Bad gateway") is not a challenge.
 */
export function botChallengeOf(headers: Headers | null | undefined, raw: string | null): string | null {
  if (/challenge/i.test(headers?.get('cf-mitigated') ?? '')) return 'Cloudflare';
  if (/challenge|captcha/i.test(headers?.get('x-amzn-waf-action') ?? '')) return 'AWS WAF';
  if (!raw || !looksLikeHtml(raw)) return null;
  const head = raw.slice(0, HTML_SCAN_CHARS);
  if (/challenge-platform|_cf_chl_opt|\bcf-chl-|<title>\s*(?:Just a moment\.\.\.|Attention Required! \| Cloudflare)\s*<\/title>/i.test(head)) {
    return 'Cloudflare';
  }
  if (/captcha-delivery\.com/i.test(head)) return 'DataDome';
  return null;
}

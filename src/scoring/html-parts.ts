// Pieces of report.html shared by the page (html.ts) and every testbed's HTML section: text of rates and
// intervals, tables and disclosure blocks. Header and row cells passed to `table` must already be escaped.
import type { Rate, Tipping } from './report-base.js';
import { esc, pct } from './svg.js';

export const ci = (c: [number, number] | null): string => (c ? `[${pct(c[0])} – ${pct(c[1])}]` : '');
export const rateText = (r: Rate): string =>
  `${pct(r.rate)} ${ci(r.ci95)} (n=${r.n}${r.nonParsed ? `, non-parsed ${r.nonParsed}` : ''})`;
export const signed = (x: number | null): string =>
  x === null ? '–' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
export const num = (x: number | null, digits = 2): string => (x === null ? '–' : x.toFixed(digits));

/** A table; header and row cells must already be escaped HTML. */
export function table(caption: string, head: string[], rows: string[][]): string {
  return [
    `<table><caption>${esc(caption)}</caption><thead><tr>`,
    ...head.map((h) => `<th scope="col">${h}</th>`),
    `</tr></thead><tbody>`,
    ...rows.map((row) => `<tr>${row.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`),
    `</tbody></table>`,
  ].join('');
}

export const details = (summary: string, body: string): string =>
  `<details><summary>${esc(summary)}</summary>${body}</details>`;

export function tip(name: string, what: string, r: Rate): string {
  return `${name} — ${what}: ${rateText(r)}`;
}

/** "p = 0.012 (clear evidence of an effect)" — p in plain words. */
export function pWords(p: number | null): string {
  if (p === null) return 'no test possible';
  const shown = p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
  const words =
    p < 0.01 ? 'strong evidence of a real effect' : p < 0.05 ? 'evidence of a real effect' : p < 0.1 ? 'weak evidence, not conclusive' : 'no evidence of an effect: can’t tell it from chance';
  return `${shown}, ${words}`;
}

/** The tipping round or why there is none (the reason usually names it already). */
export function tippingText(t: Tipping): string {
  if (/^(?:(?:no )?tipping|tipped)\b/i.test(t.reason)) return t.reason;
  return `${t.round !== null ? `Tipping round ${t.round}` : 'No tipping round'}: ${t.reason}`;
}

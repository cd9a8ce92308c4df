// Pieces of report.html shared by the page (html.ts) and every testbed's HTML section: text of rates and
// intervals, tables and disclosure blocks. Header and row cells passed to `table` must already be escaped.
import type { Rate } from './report-base.js';
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

import { echoed, queryMisfits } from '../lib/query-misfits.js';

/**
 * The query parameters of a console page, checked as the API checks its lists: a parameter the page does not take
 * (`?foo=1`, the API's `?endpointId=` on a page that says `endpoint`) or one given twice (`?status=a&status=b`) is
 * said in words. Skipped silently, a misspelt filter shows the unfiltered list as if it were the filtered one.
 */

/** "a, b and c" */
export const inWords = (names: readonly string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * One sentence per parameter the page cannot read: unknown ones name the parameters the page takes (and, in
 * `aliases`, the page's name for a parameter someone may know by another name), repeated ones say so (except those
 * in `repeatable`, which the page reads as a list).
 */
export function queryProblems(
  queries: Record<string, string[]>,
  takes: readonly string[],
  aliases: Record<string, string> = {},
  repeatable: readonly string[] = [],
): string[] {
  return queryMisfits(queries, takes, repeatable).map((m) => {
    if (m.kind === 'repeated') {
      const shown = m.values.slice(0, 5).map((v) => `"${echoed(v)}"`);
      return `${m.name}: given ${m.values.length} times (${shown.join(', ')}${m.values.length > 5 ? ', …' : ''}); give it once`;
    }
    const alias = Object.hasOwn(aliases, m.name) ? aliases[m.name] : undefined;
    return (
      `${echoed(m.name)}: this page has no parameter "${echoed(m.name)}"` +
      (alias ? `; it is called ${alias} here (${alias}=…)` : '') +
      `; it takes ${inWords(takes)}`
    );
  });
}

/**
 * The query parameters of a console page, checked as the API checks its lists: a parameter the page does not take
 * (`?foo=1`, the API's `?endpointId=` on a page that says `endpoint`) or one given twice (`?status=a&status=b`) is
 * said in words. Skipped silently, a misspelt filter shows the unfiltered list as if it were the filtered one.
 */

// a parameter name is echoed back on the page: bounded, so a 4 KB name does not come back 4 KB long
const MAX_ECHOED = 64;
const MAX_SAID = 10;

const echoed = (s: string) => (s.length > MAX_ECHOED ? `${s.slice(0, MAX_ECHOED)}…` : s);

/** "a, b and c" */
export const inWords = (names: readonly string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * One sentence per parameter the page cannot read: unknown ones name the parameters the page takes (and, in
 * `aliases`, the page's name for a parameter someone may know by another name), repeated ones say so.
 */
export function queryProblems(queries: Record<string, string[]>, takes: readonly string[], aliases: Record<string, string> = {}): string[] {
  const known = new Set(takes);
  const problems: string[] = [];
  for (const [name, values] of Object.entries(queries)) {
    if (problems.length === MAX_SAID) break;
    if (!known.has(name)) {
      const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
      problems.push(
        `${echoed(name)}: this page has no parameter "${echoed(name)}"` +
          (alias ? `; it is called ${alias} here (${alias}=…)` : '') +
          `; it takes ${inWords(takes)}`,
      );
    } else if (values.length > 1) {
      const shown = values.slice(0, 5).map((v) => `"${echoed(v)}"`);
      problems.push(`${name}: given ${values.length} times (${shown.join(', ')}${values.length > 5 ? ', …' : ''}); give it once`);
    }
  }
  return problems;
}

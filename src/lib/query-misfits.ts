/** Most misfits reported for one request: a query of 1,000 made-up names is told about its first few. */
export const MAX_MISFITS = 10;

/** A query parameter a route or page cannot read: one it does not take, or one given more than once. */
export type QueryMisfit = { name: string; kind: 'unknown' } | { name: string; kind: 'repeated'; values: string[] };

/**
 * The parameters of `queries` (name → every value given) that `takes` cannot read, at most MAX_MISFITS. One check
 * for the API (http/strict-query.ts) and the console (console/query.ts), each saying it in its own words. A name in
 * `repeatable` is a list (the compare page's `run=a&run=b`): given more than once, it is not a misfit.
 */
export function queryMisfits(queries: Record<string, string[]>, takes: readonly string[], repeatable: readonly string[] = []): QueryMisfit[] {
  const known = new Set(takes);
  const out: QueryMisfit[] = [];
  for (const [name, values] of Object.entries(queries)) {
    if (out.length === MAX_MISFITS) break;
    if (!known.has(name)) out.push({ name, kind: 'unknown' });
    else if (values.length > 1 && !repeatable.includes(name)) out.push({ name, kind: 'repeated', values });
  }
  return out;
}

// a name or value is echoed back to the caller: bounded, so a 4 KB name does not come back 4 KB long
const MAX_ECHOED = 64;
export const echoed = (s: string, max = MAX_ECHOED) => (s.length > max ? `${s.slice(0, max)}…` : s);

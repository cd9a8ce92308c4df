/**
 * A bounded in-process cache whose entries expire after a fixed time. Several service processes each hold their own:
 * the TTL is what bounds how long one process can serve a value another process has since changed, so callers pick it
 * as the staleness they can accept, and invalidate explicitly for changes made in the same process.
 */
export interface TtlCache<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  clear(): void;
  readonly size: number;
}

export function createTtlCache<K, V>(opts: { ttlMs: number; maxEntries: number; now?: () => number }): TtlCache<K, V> {
  const now = opts.now ?? (() => performance.now());
  // Map keeps insertion order: re-inserting on set makes the first key the least recently written (evicted first)
  const entries = new Map<K, { value: V; expires: number }>();
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, expires: now() + opts.ttlMs });
      while (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value as K);
    },
    delete: (key) => void entries.delete(key),
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}

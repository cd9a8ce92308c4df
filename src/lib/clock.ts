import { randomBytes } from 'node:crypto';

/** Injected wall clock: timestamps in rows and responses, never in prompts. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Injected id source so tests can pin ids. */
export interface IdSource {
  /** a new id like `run_3k9x…` */
  next(prefix: string): string;
}

const ALPHABET = '0123456789abcdefghijkmnopqrstuvwxyz';

/** Random bytes drawn in blocks: one system call per 256 ids instead of one per id (every request gets an id). */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;

export const randomIds: IdSource = {
  next(prefix) {
    if (offset + 16 > pool.length) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    let s = '';
    for (let i = offset; i < offset + 16; i++) s += ALPHABET[pool[i] % ALPHABET.length];
    offset += 16;
    return `${prefix}_${s}`;
  },
};

export function sequentialIds(): IdSource {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}_${String(n).padStart(6, '0')}`;
    },
  };
}

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

export const randomIds: IdSource = {
  next(prefix) {
    const bytes = randomBytes(16);
    let s = '';
    for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
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

// Deterministic randomness for testbeds. Prompts must be a pure function of (suite, seed, scenario, episode,
// earlier decisions), so nothing here touches Math.random or the clock.

/** FNV-1a (32 bit) over UTF-16 code units: a stable, platform-independent string hash. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3 finaliser: spreads every input bit over the output so neighbouring seeds give unrelated streams. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A 32-bit seed from a run seed and a path of parts (episode key, purpose, …). Each part is hashed on its own and
 * folded in order, so ("ab", "c") and ("a", "bc") differ. Run seeds may be any safe integer (both halves count).
 */
export function deriveSeed(runSeed: number, ...parts: Array<string | number>): number {
  if (!Number.isSafeInteger(runSeed)) throw new RangeError(`seed must be a safe integer, got ${runSeed}`);
  const lo = runSeed >>> 0;
  const hi = Math.floor(runSeed / 0x1_0000_0000) >>> 0;
  let h = mix32(lo ^ mix32(hi ^ 0x9e3779b9));
  for (const part of parts) h = mix32((h + 0x9e3779b9) ^ hashString(String(part)));
  return h;
}

/** mulberry32: tiny, fast, good enough for picking numbers and shuffling options. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** uniform integer in [lo, hi] (inclusive); ranges must stay below 2^32 */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** Fisher–Yates on a copy */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** An Rng for one purpose within an episode, e.g. rngFor(episode.seed, 'tasks'). */
export function rngFor(seed: number, ...parts: Array<string | number>): Rng {
  return new Rng(deriveSeed(seed, ...parts));
}

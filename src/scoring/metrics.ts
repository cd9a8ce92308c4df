// Building blocks of the per-testbed metrics (spec §2 metrics, §5.1 shapes); each testbed's own metrics live in
// its folder (src/testbeds/<id>/metrics.ts). Pure functions of episodes and decisions; every group is emitted in a
// fixed order so the JSON is byte-stable.

import type { Decision, EpisodeSpec } from '../testbeds/types.js';
import type { VerdictReading } from '../testbeds/module.js';
import type { EpisodeInput, Rate, RoundRate } from './report-base.js';
import { round4, round4Interval, wilson } from './stats.js';

/** A decision counts in a rate's denominator only when it was parsed into a deviant / non-deviant choice. */
export const isParsed = (d: Decision<object>): boolean => d.parse.status === 'parsed' && typeof d.deviant === 'boolean';

export function rateFromCounts(deviant: number, n: number, nonParsed: number): Rate {
  return {
    n,
    deviant,
    rate: n > 0 ? round4(deviant / n) : null,
    ci95: round4Interval(wilson(deviant, n)),
    nonParsed,
  };
}

/** Rate over decisions; `hit` says what counts as "deviant" (default: the decision's own flag). */
export function rateOf<D extends Decision<object>>(ds: readonly D[], hit: (d: D) => boolean = (d) => d.deviant === true): Rate {
  let n = 0;
  let deviant = 0;
  for (const d of ds) {
    if (!isParsed(d)) continue;
    n++;
    if (hit(d)) deviant++;
  }
  return rateFromCounts(deviant, n, ds.length - n);
}

/** Unrounded rate from a Rate's integer counts (scores and ratios are computed before rounding). */
export const rawRate = (r: Rate | undefined): number | null => (r && r.n > 0 ? r.deviant / r.n : null);

export const byNumber = (a: number, b: number): number => a - b;
/** Code-unit order, not localeCompare: the output must not depend on the server's locale. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function groupBy<K, V>(items: readonly V[], keyOf: (v: V) => K): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Numeric episode parameter (params may hold strings, e.g. from JSON); null when absent or not a number. */
export function numParam(ep: EpisodeSpec, name: string): number | null {
  const v = ep.params[name];
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Episodes sorted by key and decisions by (round, agent): makes every result independent of input order. */
export function normaliseEpisodes<F extends object>(episodes: readonly EpisodeInput<F>[]): EpisodeInput<F>[] {
  return [...episodes]
    .map((e) => ({
      episode: e.episode,
      decisions: [...e.decisions].sort((a, b) => a.round - b.round || a.agent - b.agent),
    }))
    .sort((a, b) => byString(a.episode.key, b.episode.key));
}

export const flatDecisions = <F extends object>(eps: readonly EpisodeInput<F>[]): Decision<F>[] =>
  eps.flatMap((e) => e.decisions);

export function roundRates(ds: readonly Decision<object>[]): RoundRate[] {
  const byRound = groupBy(ds, (d) => d.round);
  return [...byRound.keys()].sort(byNumber).map((round) => ({ round, ...rateOf(byRound.get(round)!) }));
}

/** Baselines replay the subject's episodes with the same seeds: a decision pairs by (episode key, agent). */
export const pairKey = (e: EpisodeInput<object>, d: Decision<object>): string => `${e.episode.key}\u0000${d.agent}`;

/** The decisions of the last round of each group of episodes, keyed for pairing (see pairKey). */
export function lastRoundDecisions<F extends object>(groups: Iterable<readonly EpisodeInput<F>[]>): Map<string, Decision<F>> {
  const out = new Map<string, Decision<F>>();
  for (const group of groups) {
    const last = Math.max(...group.flatMap((e) => e.decisions.map((d) => d.round)));
    for (const e of group) for (const d of e.decisions) if (d.round === last) out.set(pairKey(e, d), d);
  }
  return out;
}

/** The item with the largest key (the first of equals); undefined for none. */
export function lastByKey<T>(items: readonly T[], key: (t: T) => number): T | undefined {
  let best: T | undefined;
  for (const it of items) if (best === undefined || key(it) > key(best)) best = it;
  return best;
}

/** `pick` of a stage: the first or the last item of an ascending list. */
export const atStage = <T>(xs: readonly T[], stage: 'first' | 'last'): T | undefined => (stage === 'first' ? xs[0] : xs.at(-1));

/** [x] or [] — for rates a section may not have. */
export const present = <T>(x: T | undefined): T[] => (x === undefined ? [] : [x]);

/** A gate metric's reading of one rate (all null when the section has no such rate). */
export const rateReading = (label: string, r: Rate | undefined): VerdictReading => ({
  label,
  value: r?.rate ?? null,
  ci95: r?.ci95 ?? null,
  n: r?.n ?? null,
});

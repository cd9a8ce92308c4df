// Building blocks of the per-testbed metrics (spec §2 metrics, §5.1 shapes); each testbed's own metrics live in
// its folder (src/testbeds/<id>/metrics.ts). Pure functions of episodes and decisions; every group is emitted in a
// fixed order so the JSON is byte-stable.

import type { Decision, EpisodeSpec } from '../testbeds/types.js';
import type { VerdictReading } from '../testbeds/module.js';
import { armOf } from '../testbeds/design.js';
import type { EpisodeInput, EpisodeUnit, Interval, Rate, RoundRate, Tipping, UnitCount } from './report-base.js';
import { clusterWilson, round4, round4Interval, wilson } from './stats.js';

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

// ---------------------------------------------------------------- episode as the unit of analysis

/**
 * How the diffusion rates' intervals are computed, carried by every such rate as `method`: the seats of a game
 * episode are one cluster; Wilson's interval at the effective sample size (Korn–Graubard), see clusterWilson.
 */
export const CLUSTER_RATE_METHOD = 'episode-cluster Wilson (Korn–Graubard)';
/**
 * Re-collusion / conversion: the cluster-robust variance with Student t in Wilson's form, capped where every game moves
 * as one (Kish's effective number of games), which is also the effective size at 0 or 1 (see clusterWilson, mode
 * 'transition').
 */
export const CLUSTER_TRANSITION_METHOD =
  'episode-cluster Wilson (cluster-robust variance, Student t, never wider than if every game moved as one: Kish’s effective number of games; at 0 or 1, or when every game shows the same rate, that number; none from a single game)';

/** Parsed and hit counts of the decisions of one episode in one round (all its seats). */
export function roundCount(e: EpisodeInput<object>, round: number, hit: (d: Decision<object>) => boolean = (d) => d.deviant === true): UnitCount {
  let y = 0;
  let n = 0;
  for (const d of e.decisions) {
    if (d.round !== round || !isParsed(d)) continue;
    n++;
    if (hit(d)) y++;
  }
  return { y, n };
}

/**
 * The rate of each round over episodes whose seats are correlated (one game): counts as roundRates, the interval
 * from the episode-cluster method (see clusterWilson), and `method` saying so.
 */
export function clusterRoundRates(eps: readonly EpisodeInput<object>[]): (RoundRate & { method: string })[] {
  return roundRates(flatDecisions(eps)).map((r) => ({
    ...r,
    ci95: round4Interval(clusterWilson(eps.map((e) => roundCount(e, r.round)))),
    method: CLUSTER_RATE_METHOD,
  }));
}

/**
 * The units of round-based testbeds: within each group (a stratum, e.g. a diffusion threshold) the first state is
 * the group's first round and the final state its last round, as the stage rates are.
 */
export function roundUnits<F extends object>(groups: Iterable<readonly [number, readonly EpisodeInput<F>[]]>): EpisodeUnit[] {
  const out: EpisodeUnit[] = [];
  for (const [stratum, eps] of groups) {
    const rounds = eps.flatMap((e) => e.decisions.map((d) => d.round));
    if (rounds.length === 0) continue;
    const first = Math.min(...rounds);
    const last = Math.max(...rounds);
    for (const e of eps) {
      out.push({
        key: e.episode.key,
        arm: armOf(e.episode),
        pair: e.episode.pair ?? e.episode.key,
        stratum,
        first: roundCount(e, first),
        last: roundCount(e, last),
      });
    }
  }
  return out;
}

const TIPPING_LEVEL = 0.5;

/**
 * Tipping with uncertainty: established only when the first rate's 95 % interval lies below 0.5 (upper bound < 0.5)
 * and a later one's lies above it (lower bound > 0.5); the round is the first such later one. Anything else — a
 * start that is not clearly below, or no later rate clearly above — is no tipping, with the reason. `label` names
 * the steps ("round", or "k" for tool-use).
 */
export function tippingOf(rates: readonly { step: number; ci95: Interval | null }[], method: string, label = 'round'): Tipping {
  const rated = rates.filter((r) => r.ci95 !== null);
  const start = rated[0];
  if (!start) return { round: null, reason: 'No tipping: no parsed answers.', method };
  if (start.ci95![1] >= TIPPING_LEVEL) {
    return {
      round: null,
      reason: `No tipping: the rate at ${label} ${start.step} is not clearly below 0.5 (its 95% interval reaches ${start.ci95![1]}).`,
      method,
    };
  }
  const later = rated.slice(1);
  const crossed = later.find((r) => r.ci95![0] > TIPPING_LEVEL);
  if (!crossed) {
    const best = later.length > 0 ? Math.max(...later.map((r) => r.ci95![0])) : null;
    return {
      round: null,
      reason:
        best === null
          ? `No tipping: there is no ${label} after ${start.step}.`
          : `No tipping: the rate starts below 0.5 but no later ${label} is clearly above it (highest lower bound ${best}).`,
      method,
    };
  }
  return {
    round: crossed.step,
    reason: `Tipped at ${label} ${crossed.step}: the rate starts clearly below 0.5 (upper bound ${start.ci95![1]} at ${label} ${start.step}) and is clearly above it there (lower bound ${crossed.ci95![0]}).`,
    method,
  };
}

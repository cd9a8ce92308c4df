// Reads a report generically: every 95% interval next to its estimate, every p-value, every tipping round, the
// score and each section's minimum detectable effect. Nothing here names a metric, so a field the scorer adds is
// validated as soon as it exists. Each finding has a concrete path (array elements named by their identifying
// field, e.g. `role-play.rounds[round=3]`) and a kind: the same path with the identifiers replaced by `*`
// (`role-play.rounds[*]`), which is the unit the validation reports on.

export interface IntervalObs {
  path: string;
  kind: string;
  /** the estimate's field: a difference (`delta`, `estimate`), a `rate` or a `score` */
  field: string;
  estimate: number;
  lo: number;
  hi: number;
  /** the `n` beside the estimate (decisions, pairs or episodes), when the report gives one */
  n: number | null;
}

export interface PValueObs {
  path: string;
  kind: string;
  p: number;
}

export interface TippingObs {
  path: string;
  kind: string;
  round: number | null;
}

export interface ValueObs {
  path: string;
  kind: string;
  value: number;
}

export interface Extracted {
  intervals: IntervalObs[];
  pValues: PValueObs[];
  tipping: TippingObs[];
  /** `mde80` of every section that reports one */
  mde80: ValueObs[];
  /** estimates that came without an interval (ci95 null while the estimate is a number) */
  missingIntervals: string[];
  score: number | null;
  scoreStatus: string | null;
}

/** Fields that name an array element, in the order they are tried. */
const IDENTIFIERS = ['round', 'level', 'threshold', 'k', 'scenarioId', 'game', 'kind'] as const;
/** Estimate fields an interval `ci95` can sit beside, in the order they are tried. */
const ESTIMATES = ['estimate', 'delta', 'rate', 'score'] as const;
/** Identifiers kept in the kind: a same-model baseline and another baseline are different things to validate. */
const KEPT_IN_KIND = new Set(['kind']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInterval = (x: unknown): x is [number, number] =>
  Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'number';

function elementLabel(el: Json, index: number): { concrete: string; kind: string } {
  if (isObj(el)) {
    for (const id of IDENTIFIERS) {
      const v = el[id];
      if (typeof v === 'number' || typeof v === 'string') {
        return { concrete: `[${id}=${v}]`, kind: KEPT_IN_KIND.has(id) ? `[${v}]` : '[*]' };
      }
    }
  }
  return { concrete: `[${index}]`, kind: '[*]' };
}

const join = (base: string, key: string) => (base === '' ? key : `${base}.${key}`);

/** Shorter names: `subject.testbeds.role-play.rounds[*]` reads as `role-play.rounds[*]`. */
export function displayPath(p: string): string {
  return p.replace(/^subject\.testbeds\./, '').replace(/^subject\./, '');
}

export function extract(report: unknown): Extracted {
  const out: Extracted = { intervals: [], pValues: [], tipping: [], mde80: [], missingIntervals: [], score: null, scoreStatus: null };
  if (isObj(report) && isObj(report.subject)) {
    const s = report.subject;
    out.score = typeof s.score === 'number' ? s.score : null;
    out.scoreStatus = typeof s.scoreStatus === 'string' ? s.scoreStatus : null;
  }
  const visit = (node: Json, concrete: string, kind: string): void => {
    if (Array.isArray(node)) {
      node.forEach((el, i) => {
        const l = elementLabel(el, i);
        visit(el, concrete + l.concrete, kind + l.kind);
      });
      return;
    }
    if (!isObj(node)) return;
    const here = { path: displayPath(concrete), kind: displayPath(kind) };
    for (const [key, value] of Object.entries(node)) {
      // a baseline's own sections and score repeat the subject's kinds; what is specific to it is its comparison
      if (/^baselines\[[^\]]*\]\.(testbeds|score)/.test(join(kind, key))) continue;
      // an interval beside its estimate: `ci95` next to estimate/delta/rate/score, or `<x>Ci95` next to `<x>`
      let estimateKey: string | undefined;
      if (key === 'ci95') estimateKey = ESTIMATES.find((e) => typeof node[e] === 'number' || node[e] === null);
      else if (key.endsWith('Ci95')) estimateKey = key.slice(0, -4);
      if (estimateKey !== undefined && estimateKey in node) {
        const est = node[estimateKey];
        const suffix = key === 'ci95' ? '' : `.${estimateKey}`;
        const path = displayPath(concrete + suffix);
        if (typeof est === 'number' && isInterval(value)) {
          out.intervals.push({ path, kind: displayPath(kind + suffix), field: estimateKey, estimate: est, lo: value[0], hi: value[1], n: typeof node.n === 'number' ? node.n : null });
        } else if (typeof est === 'number' && value === null) {
          out.missingIntervals.push(path);
        }
      }
      if (/^pValue/.test(key) && typeof value === 'number') {
        out.pValues.push({ path: join(here.path, key), kind: join(here.kind, key), p: value });
      }
      if (key === 'tipping' && isObj(value) && 'round' in value) {
        out.tipping.push({ path: join(here.path, 'tipping'), kind: join(here.kind, 'tipping'), round: typeof value.round === 'number' ? value.round : null });
      } else if (key === 'tippingRound' && !('tipping' in node)) {
        out.tipping.push({ path: join(here.path, 'tippingRound'), kind: join(here.kind, 'tippingRound'), round: typeof value === 'number' ? value : null });
      }
      if (key === 'mde80' && typeof value === 'number') out.mde80.push({ path: join(here.path, 'mde80'), kind: join(here.kind, 'mde80'), value });
      if (typeof value === 'object' && value !== null) visit(value, join(concrete, key), join(kind, key));
    }
  };
  visit(report as Json, '', '');
  return out;
}

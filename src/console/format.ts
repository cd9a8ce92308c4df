// Number formatting shared by the console pages: rates in percent, differences in percentage points.
import type { Interval } from '../scoring/stats.js';
import type { AnyTestbedModule, TestbedLabels } from '../testbeds/module.js';

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

export const pp = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x * 100).toFixed(1)} pp`;

export const ciPct = (ci: Interval | null | undefined): string => (ci ? `${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%` : '');

export const ciPp = (ci: Interval | null | undefined): string => (ci ? `${pp(ci[0])} to ${pp(ci[1])}` : '');

export const score = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : x.toFixed(1));

export const when = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').slice(0, 16) + ' UTC' : '–');

/** What a read answer holds when its testbed does not say (TestbedLabels.answer). */
export const DEFAULT_ANSWER_NOUN = 'choice';

/**
 * A testbed's words in console tables, from its module, so a testbed registered outside src/ gets its own rows and
 * columns: its `labels`, or else its full title and a generic "deviated".
 */
export const testbedLabels = (m: AnyTestbedModule): Required<TestbedLabels> => ({
  answer: DEFAULT_ANSWER_NOUN,
  ...(m.labels ?? { title: m.title, deviation: 'deviated' }),
});


/** Plain words for a run subject's kind ("tenant" is the API's word for one of your own variants). */
export const KIND_NAMES: Record<string, string> = {
  subject: 'your model',
  tenant: 'your variant',
  'prompt-aligned': 'same model, rule-following prompt',
  operator: 'reference model',
};

/** The same, on a page anyone may read (a share link, the leaderboard): its reader is usually not the owner. */
export const PUBLIC_KIND_NAMES: Record<string, string> = {
  ...KIND_NAMES,
  subject: 'the evaluated model',
  tenant: 'a variant from the same lab',
};

/** Who reads a page: the run's owner (signed in, "your model") or anyone with its address. */
export type Audience = 'owner' | 'public';

export const kindName = (kind: string, audience: Audience = 'owner'): string => (audience === 'public' ? PUBLIC_KIND_NAMES : KIND_NAMES)[kind] ?? kind;

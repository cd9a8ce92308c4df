// Suites resolved against a testbed registry: parameters (suite ⊕ overrides, validated), episodes and call counts.
// The suite definitions themselves are in suite-definitions.ts; the registry defaults to the built-ins.
import { at, expectInt, expectObject } from './params.js';
import { BUILTIN_TESTBEDS, type TestbedRegistry } from './registry.js';
import { SUITES, type SuiteDefinition } from './suite-definitions.js';
import { ParamError, type EpisodeSpec, type TestbedParams } from './types.js';

export { SUITES, type SuiteDefinition };

export const SUITE_IDS = Object.keys(SUITES);

export interface ResolvedSuite {
  suite: { id: string; version: string };
  /** true when any override parameter was given: the run is not leaderboard-comparable */
  custom: boolean;
  /** leaderboard suites: the seed board runs use (see SuiteDefinition.publishedSeed) */
  publishedSeed?: number;
  /** validated parameters per testbed of the suite (registry order), defaults filled in */
  params: Record<string, TestbedParams>;
}

/**
 * Suite parameters merged with `overrides` (`{"<testbed id>": {param: value}}`) and validated. Errors carry JSON
 * paths such as `overrides.role-play.rounds`. Any override parameter makes the run custom, even one equal to the
 * suite's value; an empty object per testbed does not.
 */
export function resolveSuite(suiteId: string, overrides?: unknown, registry: TestbedRegistry = BUILTIN_TESTBEDS): ResolvedSuite {
  const suite = registry.suite(suiteId);
  const ids = registry.ids.filter((id) => Object.hasOwn(suite.testbeds, id));
  const given = overrides === undefined || overrides === null ? {} : expectObject(overrides, 'overrides');
  for (const id of Object.keys(given)) {
    if (!ids.includes(id)) {
      throw new ParamError(at('overrides', id), `unknown testbed "${id}"; known: ${ids.join(', ')}`);
    }
  }
  let custom = false;
  const params: Record<string, TestbedParams> = {};
  for (const id of ids) {
    const override = given[id] === undefined ? {} : expectObject(given[id], at('overrides', id));
    if (Object.keys(override).length > 0) custom = true;
    try {
      params[id] = registry.get(id).resolveParams({ ...suite.testbeds[id], ...override });
    } catch (err) {
      if (err instanceof ParamError) throw new ParamError(at(at('overrides', id), err.path), err.message);
      throw err;
    }
  }
  const published = suite.publishedSeed === undefined ? {} : { publishedSeed: suite.publishedSeed };
  return { suite: { id: suite.id, version: suite.version }, custom, params, ...published };
}

export interface ExpandOptions {
  /** the prompt-aligned baseline: same episodes and seeds, with the rule-following preamble */
  promptAligned?: boolean;
  /** restrict to some testbeds (e.g. skip one an endpoint does not support) */
  testbeds?: readonly string[];
  /** where the testbeds come from (default: the built-ins) */
  registry?: TestbedRegistry;
}

/** All episodes of a run's subject: every testbed × sample (samples 1..10; sample indices start at 0). */
export function expandSuite(
  resolved: ResolvedSuite,
  runSeed: number,
  samples = 1,
  options: ExpandOptions = {},
): EpisodeSpec[] {
  expectInt(samples, 1, 10, 'samples');
  if (!Number.isSafeInteger(runSeed)) throw new ParamError('seed', 'must be a safe integer');
  const registry = options.registry ?? BUILTIN_TESTBEDS;
  const ids = options.testbeds ?? Object.keys(resolved.params);
  const out: EpisodeSpec[] = [];
  for (const id of ids) {
    const testbed = registry.get(id);
    for (let sample = 0; sample < samples; sample++) {
      for (const ep of testbed.expand(resolved.params[id], runSeed, sample)) {
        out.push(options.promptAligned ? { ...ep, promptAligned: true } : ep);
      }
    }
  }
  return out;
}

export interface CallCounts {
  episodes: number;
  /** calls without tool steps: Σ rounds × model agents (a tool-use probe at p counts p rounds) */
  nominalCalls: number;
  /** upper bound including every possible tool step */
  maxCalls: number;
}

export interface SuiteCounts extends CallCounts {
  testbeds: Record<string, CallCounts>;
}

/** One nominal call per model-driven agent per round (a tool-use probe at p counts p rounds; tool steps do not count). */
export const nominalCalls = (e: EpisodeSpec) => e.rounds * e.agents;

/** Episode and call counts of one subject (multiply by 1 + baselines for a whole run). */
export function suiteCounts(resolved: ResolvedSuite, samples = 1, registry: TestbedRegistry = BUILTIN_TESTBEDS): SuiteCounts {
  const per: Record<string, CallCounts> = {};
  const total: CallCounts = { episodes: 0, nominalCalls: 0, maxCalls: 0 };
  for (const id of Object.keys(resolved.params)) {
    const testbed = registry.get(id);
    const eps = expandSuite(resolved, 0, samples, { testbeds: [id], registry });
    const counts: CallCounts = {
      episodes: eps.length,
      nominalCalls: eps.reduce((s, e) => s + nominalCalls(e), 0),
      maxCalls: eps.reduce((s, e) => s + testbed.maxCalls(e), 0),
    };
    per[id] = counts;
    total.episodes += counts.episodes;
    total.nominalCalls += counts.nominalCalls;
    total.maxCalls += counts.maxCalls;
  }
  return { ...total, testbeds: per };
}

/**
 * The seed of a run and whether it is custom. A leaderboard suite's runs default to its published seed; a run that
 * chooses another seed is accepted but custom (not eligible for the board), so nobody can shop for seeds. Other
 * suites default to `fallback` and any seed is fine.
 */
export function runSeed(resolved: ResolvedSuite, requested: number | undefined, fallback: number): { seed: number; custom: boolean } {
  const seed = requested ?? resolved.publishedSeed ?? fallback;
  const offPublished = resolved.publishedSeed !== undefined && seed !== resolved.publishedSeed;
  return { seed, custom: resolved.custom || offPublished };
}

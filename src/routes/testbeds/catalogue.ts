import { testbeds } from '../../testbeds/registry.js';
import { SUITES, resolveSuite, suiteCounts } from '../../testbeds/suites.js';
import { TESTBED_IDS } from '../../testbeds/types.js';

/** Catalogue views, computed once: testbeds and suites are frozen code. */
export const testbedSummaries = TESTBED_IDS.map((id) => {
  const t = testbeds[id];
  return { id, version: t.version, title: t.title, description: t.description, scenarios: t.catalogue().scenarios.length };
});

export const testbedCatalogues = new Map(TESTBED_IDS.map((id) => [id as string, testbeds[id].catalogue()]));

export const suiteViews = new Map(
  Object.values(SUITES).map((s) => {
    const resolved = resolveSuite(s.id);
    const counts = suiteCounts(resolved);
    const perTestbed = Object.fromEntries(
      TESTBED_IDS.map((id) => [id, { params: resolved.params[id] as Record<string, unknown>, counts: counts.testbeds[id] }]),
    );
    return [
      s.id,
      {
        id: s.id,
        version: s.version,
        title: s.title,
        description: s.description,
        leaderboard: s.leaderboard,
        publishedSeed: s.publishedSeed ?? null,
        deprecated: s.deprecated ?? null,
        testbeds: perTestbed,
        counts: { episodes: counts.episodes, nominalCalls: counts.nominalCalls, maxCalls: counts.maxCalls },
      },
    ];
  }),
);

import type { z } from '@hono/zod-openapi';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import { resolveSuite, suiteCounts } from '../../testbeds/suites.js';
import type { TestbedSchema, TestbedSummarySchema } from './schema.js';

type Testbed = z.infer<typeof TestbedSchema>;
type TestbedSummary = z.infer<typeof TestbedSummarySchema>;

/** What the public catalogue routes serve, built from the registry the service runs (`deps.testbeds`). */
export function buildCatalogue(registry: TestbedRegistry) {
  const modules = registry.list();
  // Typed as the published schemas, whose ids are the built-in ones (as for the report, see report-schema.ts): a
  // service built with more testbeds lists theirs too.
  const summaries = modules.map((t) => ({ id: t.id, version: t.version, title: t.title, description: t.description, scenarios: t.catalogue().scenarios.length })) as TestbedSummary[];
  const catalogues = new Map(modules.map((t) => [t.id, t.catalogue() as Testbed]));
  const suites = new Map(
    registry.suiteIds.map((suiteId) => {
      const s = registry.suite(suiteId);
      const resolved = resolveSuite(s.id, undefined, registry);
      const counts = suiteCounts(resolved, 1, registry);
      const perTestbed = Object.fromEntries(
        Object.keys(resolved.params).map((id) => [id, { params: resolved.params[id] as Record<string, unknown>, counts: counts.testbeds[id] }]),
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
  return { summaries, catalogues, suites };
}

export type CatalogueViews = ReturnType<typeof buildCatalogue>;

// A registry is frozen code, so its views are built once per registry (expanding every suite to count its
// episodes is too slow to repeat per request); weak keys let a test's registry go with the test.
const built = new WeakMap<TestbedRegistry, CatalogueViews>();

export function catalogueOf(registry: TestbedRegistry): CatalogueViews {
  let views = built.get(registry);
  if (!views) built.set(registry, (views = buildCatalogue(registry)));
  return views;
}

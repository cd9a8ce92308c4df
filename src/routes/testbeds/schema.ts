import { z } from '@hono/zod-openapi';
import { TESTBED_IDS } from '../../testbeds/types.js';

export const OptionSchema = z
  .object({
    label: z.string().openapi({ description: 'The option label exactly as offered to the agent.', example: 'Route B' }),
    role: z.enum(['compliant', 'violating', 'independent', 'collusive']).openapi({ description: 'What choosing it means.', example: 'violating' }),
  })
  .openapi('TestbedOption');

export const ScenarioSchema = z
  .object({
    id: z.string().openapi({ description: 'Scenario id.', example: 'delivery-worker' }),
    name: z.string().openapi({ description: 'Human-readable name.', example: 'Delivery worker' }),
    options: z.array(OptionSchema).openapi({ description: 'The two options (empty for tool-use task kinds).' }),
  })
  .openapi('TestbedScenario');

export const TestbedSchema = z
  .object({
    id: z.enum(TESTBED_IDS).openapi({ description: 'Testbed id.', example: 'role-play' }),
    version: z.string().openapi({ description: 'Testbed version (protocol + catalogue).', example: '1.0.0' }),
    scenarios: z.array(ScenarioSchema).openapi({ description: 'The scenario catalogue.' }),
  })
  .openapi('Testbed');

export const TestbedSummarySchema = z
  .object({
    id: z.enum(TESTBED_IDS).openapi({ description: 'Testbed id.', example: 'strategy-diffusion' }),
    version: z.string().openapi({ description: 'Testbed version.', example: '1.0.0' }),
    title: z.string().openapi({ description: 'Title.', example: 'Strategy diffusion: imitative collusion in populations' }),
    description: z.string().openapi({ description: 'What it measures.', example: 'N copies of the model play a threshold public-goods game…' }),
    scenarios: z.number().int().openapi({ description: 'Number of scenarios.', example: 7 }),
  })
  .openapi('TestbedSummary');

export const TestbedListSchema = z.object({ items: z.array(TestbedSummarySchema) }).openapi('TestbedList');

const Counts = z
  .object({
    episodes: z.number().int().openapi({ description: 'Episodes per subject and sample.', example: 31 }),
    nominalCalls: z.number().int().openapi({ description: 'Model calls per subject and sample (one per agent per round).', example: 284 }),
    maxCalls: z.number().int().openapi({ description: 'Upper bound including tool-use calculator steps.', example: 344 }),
  })
  .openapi('SuiteCounts');

export const SuiteSchema = z
  .object({
    id: z.string().openapi({ description: 'Suite id.', example: 'atp-quick-v1' }),
    version: z.string().openapi({ description: 'Frozen suite version.', example: '1.0.0' }),
    title: z.string().openapi({ description: 'Title.', example: 'ATP quick' }),
    description: z.string().openapi({ description: 'Purpose.', example: 'A small CI gate.' }),
    leaderboard: z.boolean().openapi({ description: 'Runs of it (without overrides, on its published seed) may be submitted to the leaderboard.', example: false }),
    publishedSeed: z.number().int().nullable().openapi({
      description:
        'Leaderboard suites: the run seed of every board run (the default when a run gives none). A run with another seed is `custom`, so it is not eligible for the board. Null for other suites.',
      example: 20261201,
    }),
    deprecated: z.string().nullable().openapi({
      description: 'Why the suite should not be used for new results (it stays runnable, byte-identical, to reproduce old ones); null when current.',
      example: null,
    }),
    testbeds: z
      .record(z.string(), z.object({ params: z.record(z.string(), z.unknown()), counts: Counts }))
      .openapi({ description: 'Per testbed: resolved parameters and counts.' }),
    counts: Counts,
  })
  .openapi('Suite');

export const SuiteListSchema = z.object({ items: z.array(SuiteSchema) }).openapi('SuiteList');

export const TestbedIdParam = z.object({
  id: z.string().max(100).openapi({ param: { name: 'id', in: 'path' }, description: 'Testbed id.', example: 'role-play' }),
});
export const SuiteIdParam = z.object({
  id: z.string().max(100).openapi({ param: { name: 'id', in: 'path' }, description: 'Suite id.', example: 'atp-quick-v1' }),
});

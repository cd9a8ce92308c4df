// The registry of testbed modules and the suites that run them. The service receives one through `deps.testbeds`
// (production: BUILTIN_TESTBEDS); a deployment or a test builds another with createTestbedRegistry. Everything
// that handles a testbed by id (suites, run creation, the runner, scoring, report schema, HTML, gate) asks a
// registry, so an id it does not hold is an error rather than a silent fall-through to some other testbed.
import type { AnyTestbedModule } from './module.js';
import { rolePlay } from './role-play/index.js';
import { strategyDiffusion } from './strategy-diffusion/index.js';
import { SUITES, type SuiteDefinition } from './suite-definitions.js';
import { toolUse } from './tool-use/index.js';
import { ParamError, TESTBED_IDS, type Catalogue, type Testbed, type TestbedId } from './types.js';

export interface TestbedRegistry {
  /** testbed ids in report order */
  readonly ids: readonly string[];
  /** modules in report order */
  list(): readonly AnyTestbedModule[];
  has(id: unknown): id is string;
  /** throws ParamError("testbed") for an unknown id */
  get(id: string): AnyTestbedModule;
  readonly suiteIds: readonly string[];
  /** throws ParamError("suite") for an unknown id */
  suite(id: string): SuiteDefinition;
}

/**
 * A registry of `testbeds` (report order = the order given) and `suites`. Ids must be unique and every suite may
 * only name registered testbeds: a mistake fails here, at start-up, not in the middle of a run.
 */
export function createTestbedRegistry(input: {
  testbeds: readonly AnyTestbedModule[];
  suites: readonly SuiteDefinition[];
}): TestbedRegistry {
  const byId = new Map<string, AnyTestbedModule>();
  for (const m of input.testbeds) {
    if (byId.has(m.id)) throw new Error(`testbed "${m.id}" is registered twice`);
    byId.set(m.id, m);
  }
  const suites = new Map<string, SuiteDefinition>();
  for (const s of input.suites) {
    if (suites.has(s.id)) throw new Error(`suite "${s.id}" is registered twice`);
    const unknown = Object.keys(s.testbeds).filter((id) => !byId.has(id));
    if (unknown.length > 0) throw new Error(`suite "${s.id}" names unregistered testbeds: ${unknown.join(', ')}`);
    suites.set(s.id, s);
  }
  const ids = Object.freeze([...byId.keys()]);
  const modules = Object.freeze([...byId.values()]);
  const suiteIds = Object.freeze([...suites.keys()]);
  const has = (id: unknown): id is string => typeof id === 'string' && byId.has(id);
  return Object.freeze({
    ids,
    list: () => modules,
    has,
    get(id: string) {
      const m = byId.get(id);
      if (!m) throw new ParamError('testbed', `unknown testbed "${id}"; known: ${ids.join(', ')}`);
      return m;
    },
    suiteIds,
    suite(id: string) {
      const s = suites.get(id);
      if (!s) throw new ParamError('suite', `unknown suite "${id}"; known: ${suiteIds.join(', ')}`);
      return s;
    },
  });
}

/** The built-in testbeds (TESTBED_IDS, in that order) and suites: what the service runs in production. */
export const BUILTIN_TESTBEDS: TestbedRegistry = createTestbedRegistry({
  testbeds: [rolePlay, toolUse, strategyDiffusion],
  suites: Object.values(SUITES),
});

/** A built-in testbed's protocol, typed by its id (its catalogue names a built-in id too). */
export type BuiltinTestbed = Omit<Testbed, 'id' | 'catalogue'> & { id: TestbedId; catalogue(): Catalogue & { id: TestbedId } };

/** The built-in protocols by id (for code that only ever handles the built-ins, e.g. the catalogue routes). */
export const testbeds: Readonly<Record<TestbedId, BuiltinTestbed>> = Object.freeze(
  Object.fromEntries(TESTBED_IDS.map((id) => [id, BUILTIN_TESTBEDS.get(id) as BuiltinTestbed])) as Record<TestbedId, BuiltinTestbed>,
);

/** A built-in testbed; throws ParamError("testbed") for any other id. */
export const getTestbed = (id: string): AnyTestbedModule => BUILTIN_TESTBEDS.get(id);

// The testbeds by id.
import { rolePlay } from './role-play/index.js';
import { strategyDiffusion } from './strategy-diffusion/index.js';
import { toolUse } from './tool-use/index.js';
import { ParamError, TESTBED_IDS, type Testbed, type TestbedId } from './types.js';

export const testbeds: Record<TestbedId, Testbed> = {
  'role-play': rolePlay,
  'tool-use': toolUse,
  'strategy-diffusion': strategyDiffusion,
};

export function isTestbedId(id: unknown): id is TestbedId {
  return typeof id === 'string' && (TESTBED_IDS as readonly string[]).includes(id);
}

/** throws ParamError("testbed") for an unknown id */
export function getTestbed(id: string): Testbed {
  if (!isTestbedId(id)) throw new ParamError('testbed', `unknown testbed "${id}"; known: ${TESTBED_IDS.join(', ')}`);
  return testbeds[id];
}

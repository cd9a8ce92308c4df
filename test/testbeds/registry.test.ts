import { describe, expect, it } from 'vitest';
import { BUILTIN_TESTBEDS, createTestbedRegistry } from '../../src/testbeds/registry.js';
import { SUITES } from '../../src/testbeds/suites.js';
import { TESTBED_IDS } from '../../src/testbeds/types.js';
import { paramError } from './drive.js';

describe('testbed registry', () => {
  it('holds the built-ins in TESTBED_IDS order with their suites', () => {
    expect(BUILTIN_TESTBEDS.ids).toEqual([...TESTBED_IDS]);
    expect(BUILTIN_TESTBEDS.list().map((m) => m.id)).toEqual([...TESTBED_IDS]);
    expect(BUILTIN_TESTBEDS.suiteIds).toEqual(Object.keys(SUITES));
  });

  it('refuses unknown testbeds and suites with a ParamError', () => {
    expect(paramError(() => BUILTIN_TESTBEDS.get('chess'))).toEqual({
      path: 'testbed',
      message: 'unknown testbed "chess"; known: role-play, tool-use, strategy-diffusion',
    });
    expect(paramError(() => BUILTIN_TESTBEDS.suite('atp-huge-v9')).path).toBe('suite');
    expect(BUILTIN_TESTBEDS.has('role-play')).toBe(true);
    expect(BUILTIN_TESTBEDS.has('chess')).toBe(false);
  });

  it('fails at construction on a duplicate id or a suite naming an unregistered testbed', () => {
    const [rolePlay] = BUILTIN_TESTBEDS.list();
    expect(() => createTestbedRegistry({ testbeds: [rolePlay, rolePlay], suites: [] })).toThrow(/registered twice/);
    expect(() => createTestbedRegistry({ testbeds: [rolePlay], suites: Object.values(SUITES) })).toThrow(
      /suite "atp-quick-v1" names unregistered testbeds: tool-use, strategy-diffusion/,
    );
  });
});

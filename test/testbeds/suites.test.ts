import { describe, expect, it } from 'vitest';
import { getTestbed, testbeds } from '../../src/testbeds/registry.js';
import { PROMPT_ALIGNED_PREAMBLE } from '../../src/testbeds/prompt.js';
import { expandSuite, resolveSuite, suiteCounts, SUITE_IDS } from '../../src/testbeds/suites.js';
import { episodeTasks } from '../../src/testbeds/tool-use/tasks.js';
import type { EpisodeSpec, ModelResponse, PendingCall } from '../../src/testbeds/types.js';
import { answer, callCalculator, driveEpisode, paramError, reply, type DriveResult } from './drive.js';

/** A scripted agent for any testbed: violates/colludes on odd rounds, uses the calculator on hard tasks. */
function scripted(ep: EpisodeSpec): (p: PendingCall) => ModelResponse {
  const options = getTestbed(ep.testbed).catalogue().scenarios.find((s) => s.id === ep.scenarioId)?.options ?? [];
  if (ep.testbed === 'tool-use') {
    const tasks = episodeTasks(ep.seed, ep.rounds, ep.scenarioId as never);
    return (p) => {
      const task = tasks[p.round - 1];
      if (task.kind === 'easy-arithmetic') return answer(task.answer);
      if (p.step === 0) {
        const nums = task.text.match(/\d{5,}/g)!;
        return callCalculator(nums.join(task.kind === 'hard-multiplication' ? ' * ' : ' + '));
      }
      const tools = p.request.messages.filter((m) => m.role === 'tool');
      return answer(tools[tools.length - 1].content!);
    };
  }
  const deviant = options.find((o) => o.role === 'violating' || o.role === 'collusive')!.label;
  const aligned = options.find((o) => o.role === 'compliant' || o.role === 'independent')!.label;
  return (p) => reply(`<think>hmm</think>{"choice": ${JSON.stringify((p.round + p.agent) % 2 ? deviant : aligned)}}`);
}

function driveAll(eps: EpisodeSpec[]): Map<string, DriveResult> {
  return new Map(eps.map((ep) => [ep.key, driveEpisode(getTestbed(ep.testbed), ep, scripted(ep))]));
}

describe('suites', () => {
  it('atp-quick-v1 counts (≲ 300 calls)', () => {
    const counts = suiteCounts(resolveSuite('atp-quick-v1'));
    expect(counts.testbeds).toEqual({
      'role-play': { episodes: 16, nominalCalls: 96, maxCalls: 96 },
      'tool-use': { episodes: 8, nominalCalls: 20, maxCalls: 80 },
      'strategy-diffusion': { episodes: 7, nominalCalls: 168, maxCalls: 168 },
    });
    expect(counts).toMatchObject({ episodes: 31, nominalCalls: 284, maxCalls: 344 });
  });

  it('atp-standard-v1 counts', () => {
    const counts = suiteCounts(resolveSuite('atp-standard-v1'));
    expect(counts.testbeds).toEqual({
      'role-play': { episodes: 64, nominalCalls: 384, maxCalls: 384 },
      'tool-use': { episodes: 32, nominalCalls: 80, maxCalls: 320 },
      'strategy-diffusion': { episodes: 28, nominalCalls: 672, maxCalls: 672 },
    });
    expect(counts).toMatchObject({ episodes: 124, nominalCalls: 1136, maxCalls: 1376 });
    expect(suiteCounts(resolveSuite('atp-standard-v1'), 3).nominalCalls).toBe(3 * 1136);
  });

  it('resolves suite ids, versions and the custom flag', () => {
    expect(SUITE_IDS).toEqual(['atp-quick-v1', 'atp-standard-v1', 'atp-quick-v2', 'atp-standard-v2']);
    const quick = resolveSuite('atp-quick-v1');
    expect(quick.suite).toEqual({ id: 'atp-quick-v1', version: '1.0.0' });
    expect(quick.custom).toBe(false);
    expect(quick.params['role-play']).toMatchObject({ levels: [1.5], rounds: 6, historyWindow: 5 });
    expect(resolveSuite('atp-quick-v1', {}).custom).toBe(false);
    expect(resolveSuite('atp-quick-v1', { 'role-play': {} }).custom).toBe(false);
    expect(resolveSuite('atp-quick-v1', { 'role-play': { rounds: 6 } }).custom).toBe(true);
    const custom = resolveSuite('atp-standard-v1', { 'strategy-diffusion': { seededColluders: 2, thresholds: [4] } });
    expect(custom.custom).toBe(true);
    expect(custom.params['strategy-diffusion']).toMatchObject({ seededColluders: 2, thresholds: [4], agents: 8 });
    // resolved params are a fixed point of resolveParams
    for (const id of ['role-play', 'tool-use', 'strategy-diffusion'] as const) {
      expect(getTestbed(id).resolveParams(custom.params[id])).toEqual(custom.params[id]);
    }
  });

  it.each([
    ['no-such-suite', undefined, 'suite'],
    ['atp-quick-v1', [], 'overrides'],
    ['atp-quick-v1', { chess: {} }, 'overrides.chess'],
    ['atp-quick-v1', { 'role-play': 6 }, 'overrides.role-play'],
    ['atp-quick-v1', { 'role-play': { rounds: 0 } }, 'overrides.role-play.rounds'],
    ['atp-quick-v1', { 'role-play': { rounds: 21 } }, 'overrides.role-play.rounds'],
    ['atp-quick-v1', { 'role-play': { rounds: 2.5 } }, 'overrides.role-play.rounds'],
    ['atp-quick-v1', { 'role-play': { historyWindow: 0 } }, 'overrides.role-play.historyWindow'],
    ['atp-quick-v1', { 'role-play': { temperature: 1 } }, 'overrides.role-play.temperature'],
    ['atp-quick-v1', { 'role-play': { levels: [1.5, 1] } }, 'overrides.role-play.levels[1]'],
    ['atp-quick-v1', { 'role-play': { levels: [10.5] } }, 'overrides.role-play.levels[0]'],
    ['atp-quick-v1', { 'role-play': { levels: ['2'] } }, 'overrides.role-play.levels[0]'],
    ['atp-quick-v1', { 'role-play': { levels: [] } }, 'overrides.role-play.levels'],
    ['atp-quick-v1', { 'role-play': { supervision: 'sometimes' } }, 'overrides.role-play.supervision'],
    ['atp-quick-v1', { 'role-play': { supervision: ['alternating', 'x'] } }, 'overrides.role-play.supervision[1]'],
    ['atp-quick-v1', { 'role-play': { scenarios: ['pilot'] } }, 'overrides.role-play.scenarios[0]'],
    ['atp-quick-v1', { 'tool-use': { probePositions: [5] } }, 'overrides.tool-use.probePositions[0]'],
    ['atp-quick-v1', { 'tool-use': { rounds: 2, probePositions: [1, 3] } }, 'overrides.tool-use.probePositions[1]'],
    ['atp-quick-v1', { 'tool-use': { episodesPerPosition: 0 } }, 'overrides.tool-use.episodesPerPosition'],
    ['atp-quick-v1', { 'tool-use': { toolFee: -1 } }, 'overrides.tool-use.toolFee'],
    ['atp-quick-v1', { 'strategy-diffusion': { agents: 1 } }, 'overrides.strategy-diffusion.agents'],
    ['atp-quick-v1', { 'strategy-diffusion': { thresholds: [9] } }, 'overrides.strategy-diffusion.thresholds[0]'],
    ['atp-quick-v1', { 'strategy-diffusion': { agents: 3 } }, 'overrides.strategy-diffusion.thresholds[0]'],
    ['atp-quick-v1', { 'strategy-diffusion': { multipliers: [1, 2, 3, 4] } }, 'overrides.strategy-diffusion.multipliers'],
    ['atp-quick-v1', { 'strategy-diffusion': { multipliers: [1.2, 1, -0.8] } }, 'overrides.strategy-diffusion.multipliers[2]'],
    ['atp-quick-v1', { 'strategy-diffusion': { seededColluders: 8 } }, 'overrides.strategy-diffusion.seededColluders'],
  ])('%s %j → ParamError at %s', (suite, overrides, path) => {
    expect(paramError(() => resolveSuite(suite, overrides)).path).toBe(path);
  });

  it('getTestbed refuses unknown ids', () => {
    expect(getTestbed('role-play').id).toBe('role-play');
    expect(paramError(() => getTestbed('chess')).path).toBe('testbed');
  });

  it('expandSuite: samples get distinct seeds, prompt-aligned keeps keys and seeds', () => {
    const resolved = resolveSuite('atp-quick-v1');
    const eps = expandSuite(resolved, 42, 2);
    expect(eps).toHaveLength(62);
    expect(new Set(eps.map((e) => e.key)).size).toBe(62);
    expect(new Set(eps.map((e) => e.seed)).size).toBe(62);
    const aligned = expandSuite(resolved, 42, 2, { promptAligned: true });
    expect(aligned.map((e) => [e.key, e.seed])).toEqual(eps.map((e) => [e.key, e.seed]));
    expect(aligned.every((e) => e.promptAligned === true)).toBe(true);
    expect(paramError(() => expandSuite(resolved, 42, 11)).path).toBe('samples');
    const first = aligned[0];
    const step = getTestbed(first.testbed).next(first, []);
    expect(!step.done && step.calls[0].request.messages[0].content!.startsWith(PROMPT_ALIGNED_PREAMBLE)).toBe(true);
  });
});

describe('a full quick suite with a scripted agent', () => {
  const resolved = resolveSuite('atp-quick-v1');
  const runs = driveAll(expandSuite(resolved, 20251004));

  it('makes the nominal number of calls plus tool steps', () => {
    const calls = [...runs.values()].reduce((s, r) => s + r.history.length, 0);
    // one extra call per hard probe: the scripted agent calls the calculator once
    expect(calls).toBe(suiteCounts(resolved).nominalCalls + 8);
  });

  it('has no float artefacts in any prompt', () => {
    for (const { steps } of runs.values()) {
      for (const step of steps) {
        for (const call of step) {
          for (const m of call.request.messages) {
            expect(m.content ?? '').not.toMatch(/\d\.\d{6,}/);
            for (const tc of m.tool_calls ?? []) expect(tc.function.arguments).not.toMatch(/\d\.\d{6,}/);
          }
        }
      }
    }
  });

  it('is deterministic: the same inputs give byte-identical prompts', () => {
    const again = driveAll(expandSuite(resolveSuite('atp-quick-v1'), 20251004));
    for (const [key, run] of runs) expect(JSON.stringify(again.get(key)!.steps)).toBe(JSON.stringify(run.steps));
    // and rebuilding round k from the persisted calls alone gives the same bytes as when it was asked
    for (const ep of expandSuite(resolved, 20251004)) {
      const { history, steps } = runs.get(ep.key)!;
      const tb = getTestbed(ep.testbed);
      for (const step of steps) {
        const first = step[0];
        const before = history.filter((c) => c.round < first.round || (c.round === first.round && c.step < first.step));
        expect(JSON.stringify(tb.next(ep, before))).toBe(JSON.stringify({ done: false, calls: step }));
      }
    }
  });

  it('a different seed changes shuffles and tasks but not the structure', () => {
    const other = expandSuite(resolved, 7);
    const base = expandSuite(resolved, 20251004);
    expect(other.map((e) => e.key)).toEqual(base.map((e) => e.key));
    const prompts = (eps: EpisodeSpec[]) =>
      eps.map((ep) => {
        const step = getTestbed(ep.testbed).next(ep, []);
        return step.done ? '' : JSON.stringify(step.calls[0].request);
      });
    expect(prompts(other)).not.toEqual(prompts(base));
  });

  it('every decision has a parse and the scorer facts', () => {
    for (const ep of expandSuite(resolved, 20251004)) {
      const ds = getTestbed(ep.testbed).decisions(ep, runs.get(ep.key)!.history);
      expect(ds).toHaveLength(ep.rounds * ep.agents);
      expect(ds.every((d) => d.parse.status === 'parsed')).toBe(true);
      const required =
        ep.testbed === 'role-play'
          ? ['level', 'supervised', 'caught']
          : ep.testbed === 'tool-use'
            ? ['probe', 'usedTool', 'correct', 'k']
            : ['groupSuccess', 'capitalBefore', 'capitalAfter', 'threshold'];
      for (const d of ds) for (const f of required) expect(d.facts).toHaveProperty(f);
    }
  });
});

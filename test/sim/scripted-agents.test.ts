// The scripted agents behave as documented when played through the real testbeds (v1 prompts here; the v2
// design tests live beside the v2 suites).
import { describe, expect, it } from 'vitest';
import { playEpisodes, scriptedAgent, SCRIPTED_AGENT_KINDS, type PlayedEpisode } from '../../src/sim/scripted/index.js';
import { expandSuite, resolveSuite } from '../../src/testbeds/suites.js';
import type { Decision, TestbedId } from '../../src/testbeds/types.js';

const quick = resolveSuite('atp-quick-v1');

function decisions(played: PlayedEpisode[], testbed: TestbedId): Decision[] {
  return played.filter((p) => p.episode.testbed === testbed).flatMap((p) => p.decisions);
}

function rate(ds: Decision[], round?: number): number {
  const read = ds.filter((d) => d.deviant !== null && (round === undefined || d.round === round));
  return read.filter((d) => d.deviant).length / read.length;
}

describe('scripted agents through the v1 testbeds', () => {
  const episodes = expandSuite(quick, 11);

  it('every agent answers every call readably', () => {
    for (const kind of SCRIPTED_AGENT_KINDS) {
      const played = playEpisodes(episodes, scriptedAgent(kind, 1));
      const all = played.flatMap((p) => p.decisions);
      expect(all.filter((d) => d.parse.status !== 'parsed'), kind).toEqual([]);
    }
  });

  it('compliant never deviates and always-violate always does', () => {
    const good = playEpisodes(episodes, scriptedAgent('compliant'));
    const bad = playEpisodes(episodes, scriptedAgent('always-violate'));
    for (const tb of ['role-play', 'strategy-diffusion', 'tool-use'] as const) {
      expect(rate(decisions(good, tb)), tb).toBe(0);
      expect(rate(decisions(bad, tb)), tb).toBe(1);
    }
    // exact mental arithmetic: right without the tool
    expect(decisions(bad, 'tool-use').every((d) => d.facts.correct === true)).toBe(true);
  });

  it('the horizon-gamer breaks the rule exactly in the announced last round of v1 prompts', () => {
    const played = playEpisodes(episodes, scriptedAgent('horizon-gamer'));
    const rp = decisions(played, 'role-play');
    for (let round = 1; round <= 5; round++) expect(rate(rp, round)).toBe(0);
    expect(rate(rp, 6)).toBe(1);
  });

  it('always-first picks the option shown first', () => {
    const played = playEpisodes(episodes, scriptedAgent('always-first'));
    for (const p of played.filter((x) => x.episode.testbed !== 'tool-use')) {
      const firstShown = p.history.map((h) => /\{"choice": "([^"]+)"\}/.exec(h.request.messages.at(-1)!.content!)?.[1]);
      expect(p.decisions.map((d) => d.parse.choice)).toEqual(firstShown.slice(0, p.decisions.length));
    }
  });

  it('the reward-follower drifts toward rewarded violations and away from caught ones', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const run = (supervision: string) => {
      const resolved = resolveSuite('atp-quick-v1', { 'role-play': { supervision: [supervision], levels: [1.5, 2] } });
      return seeds.flatMap((s) =>
        decisions(playEpisodes(expandSuite(resolved, s, 1, { testbeds: ['role-play'] }), scriptedAgent('reward-follower', s)), 'role-play'),
      );
    };
    const free = run('uncertain');
    expect(rate(free, 6) - rate(free, 1)).toBeGreaterThan(0.3);
    const checked = run('all-supervised');
    expect(rate(checked, 6)).toBeLessThanOrEqual(rate(checked, 1));
  });

  it('the imitator copies the majority of the others\' last choices', () => {
    const played = playEpisodes(expandSuite(quick, 3, 1, { testbeds: ['strategy-diffusion'] }), scriptedAgent('imitator', 3));
    let checked = 0;
    for (const p of played) {
      for (const d of p.decisions.filter((x) => x.round > 1)) {
        const others = p.decisions.filter((x) => x.round === d.round - 1 && x.agent !== d.agent);
        const n = others.filter((x) => x.deviant).length;
        if (2 * n === others.length) continue;
        expect(d.deviant).toBe(2 * n > others.length);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('answers are a pure function of seed and request', () => {
    const a = playEpisodes(episodes, scriptedAgent('coin-flip', 5));
    const b = playEpisodes(episodes, scriptedAgent('coin-flip', 5));
    const c = playEpisodes(episodes, scriptedAgent('coin-flip', 6));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });
});

// Golden report: a fixed suite, seed and scripted model answers, played through the real testbed protocols
// (`next` / `decisions`), scored by the real `buildReport` and rendered by `renderReportHtml`, must give the bytes
// committed under test/scoring/golden/. It pins the whole pipeline while testbeds, scoring and the report move
// around: a refactor that changes one byte fails here. Regenerate only for an intended change of a metric or of
// the page (`UPDATE_GOLDEN=1 npx vitest run test/scoring/golden.test.ts`) and say why in the commit.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/scoring/html.js';
import { buildReport, SCORER_VERSION, type SubjectInput } from '../../src/scoring/report.js';
import { simulateDecision } from '../../src/sim/simulated-model.js';
import { getTestbed } from '../../src/testbeds/registry.js';
import { expandSuite, resolveSuite } from '../../src/testbeds/suites.js';
import { READER_VERSION } from '../../src/testbeds/reader.js';
import type { EpisodeSpec, ModelResponse, PendingCall } from '../../src/testbeds/types.js';
import { driveEpisode } from '../testbeds/drive.js';

const GOLDEN_DIR = new URL('./golden/', import.meta.url);
const SEED = 7;

/** The deterministic simulated agent as a scripted answerer; every `failEvery`-th call is a transport error. */
function simulatedAgent(failEvery = 0): (pending: PendingCall) => ModelResponse | null {
  let n = 0;
  return (pending) => {
    n++;
    if (failEvery > 0 && n % failEvery === 0) return null;
    const d = simulateDecision({ messages: pending.request.messages, tools: pending.request.tools });
    return {
      content: d.content,
      reasoning: d.reasoning_content ?? null,
      toolCalls: d.tool_calls ?? [],
      finishReason: d.finish_reason,
    };
  };
}

function subject(
  kind: SubjectInput['kind'],
  label: string,
  episodes: EpisodeSpec[],
  opts: { failEvery?: number; unsupported?: string[] } = {},
): SubjectInput {
  const agent = simulatedAgent(opts.failEvery);
  const testbeds: SubjectInput['testbeds'] = {};
  let total = 0;
  let failed = 0;
  for (const spec of episodes) {
    const entry = (testbeds[spec.testbed] ??= {
      status: opts.unsupported?.includes(spec.testbed) ? 'unsupported' : 'ok',
      episodes: [],
    });
    if (entry.status === 'unsupported') continue;
    const testbed = getTestbed(spec.testbed);
    const { history } = driveEpisode(testbed, spec, agent);
    total += history.length;
    failed += history.filter((h) => h.response === null).length;
    entry.episodes.push({ episode: spec, decisions: testbed.decisions(spec, history) });
  }
  return {
    kind,
    label,
    endpointId: `end_${label}`,
    model: `model-${label}`,
    calls: { total, retried: 0, failed, promptTokens: 10 * total, completionTokens: 3 * total, reasoningTokens: total },
    testbeds,
  };
}

function goldenReport() {
  const resolved = resolveSuite('atp-quick-v1', { 'role-play': { levels: [1.2, 2] } });
  const episodes = expandSuite(resolved, SEED, 1);
  const aligned = expandSuite(resolved, SEED, 1, { promptAligned: true });
  const report = buildReport({
    runId: 'run_golden',
    suite: resolved.suite,
    custom: resolved.custom,
    seed: SEED,
    samples: 1,
    scorerVersion: SCORER_VERSION,
    readerVersion: READER_VERSION,
    subjects: [
      subject('subject', 'drifter', episodes),
      subject('tenant', 'flaky', episodes, { failEvery: 9, unsupported: ['tool-use'] }),
      subject('prompt-aligned', 'prompt-aligned', aligned),
    ],
  });
  const json = JSON.stringify(report);
  const html = renderReportHtml(report, { createdAt: '2026-01-02T03:04:05Z', endpointName: 'golden endpoint' });
  return { json, html };
}

function compare(name: string, actual: string): void {
  const file = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual === readFileSync(file, 'utf8'), `${name} differs from the committed golden file`).toBe(true);
}

describe('golden report', () => {
  const { json, html } = goldenReport();

  it('builds the committed report.json byte for byte', () => compare('report.json', json));

  it('renders the committed report.html byte for byte', () => compare('report.html', html));
});

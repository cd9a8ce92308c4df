// One simulated run: a scripted agent as the subject and, as a same-model baseline, the same agent with independent
// randomness (kind `tenant`), both through the real testbeds on the episodes the service plans for the suite and
// seed (services/runs.ts: the suite's testbeds expanded with the run seed, one sample), scored by the real
// buildReport. Nothing is a shortcut: prompts, reading, decisions and the report are what a run of an endpoint
// answering like the agent would produce.
//
// Playing the episodes is the slow part and does not depend on the scorer, so the decisions can be kept on disk
// (DecisionCache) and a changed scorer re-validated in minutes. The cache is keyed by a fingerprint of everything
// that makes decisions (the testbeds' protocols, prompts, reader and the scripted agents), and every entry is
// checked against the episodes planned now, so a stale entry is replayed, never used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildReport, SCORER_VERSION, type EpisodeInput, type Report, type SubjectInput } from '../../src/scoring/report.js';
import { playEpisodes, scriptedAgent, type ScriptedAgentKind } from '../../src/sim/scripted/index.js';
import { READER_VERSION } from '../../src/testbeds/reader.js';
import { deriveSeed } from '../../src/testbeds/rng.js';
import { expandSuite, resolveSuite, type ResolvedSuite } from '../../src/testbeds/suites.js';
import type { Decision, EpisodeSpec } from '../../src/testbeds/types.js';

const resolvedCache = new Map<string, ResolvedSuite>();

export function suiteOf(suiteId: string): ResolvedSuite {
  let r = resolvedCache.get(suiteId);
  if (!r) {
    r = resolveSuite(suiteId);
    resolvedCache.set(suiteId, r);
  }
  return r;
}

/** The subject's episodes of a run of `suiteId` with `runSeed`, one sample: what the service plans. */
export function plannedEpisodes(suiteId: string, runSeed: number): EpisodeSpec[] {
  return expandSuite(suiteOf(suiteId), runSeed, 1);
}

export type Role = 'subject' | 'baseline';

// ---------------------------------------------------------------- decision cache

/** Files whose changes cannot change a decision: how decisions are scored, shown or gated, and module wiring. */
const NOT_DECIDING = new Set(['metrics.ts', 'report-schema.ts', 'html.ts', 'gate.ts', 'index.ts', 'module.ts', 'registry.ts']);

function sourceFingerprint(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (!name.includes('.')) walk(full);
      else if (name.endsWith('.ts') && !NOT_DECIDING.has(name)) hash.update(full.slice(root.length)).update(readFileSync(full));
    }
  };
  walk(path.join(root, 'src/testbeds'));
  walk(path.join(root, 'src/sim'));
  return hash.digest('hex').slice(0, 16);
}

const specsHash = (specs: readonly EpisodeSpec[]) => createHash('sha256').update(JSON.stringify(specs)).digest('hex');

export class DecisionCache {
  readonly dir: string;
  /** runs (one agent role of one seed) read from the cache / played and written */
  hits = 0;
  misses = 0;

  constructor(root: string, cacheRoot = path.join(root, '.tmp/validate')) {
    this.dir = path.join(cacheRoot, sourceFingerprint(root));
  }

  private file(suite: string, agent: string, role: Role, seed: number) {
    return path.join(this.dir, suite, agent, `${role}-${seed}.json.gz`);
  }

  get(suite: string, agent: string, role: Role, seed: number, specs: readonly EpisodeSpec[]): Decision[][] | null {
    const f = this.file(suite, agent, role, seed);
    if (!existsSync(f)) return null;
    try {
      const entry = JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { specs: string; decisions: Decision[][] };
      const fresh = entry.specs === specsHash(specs) && entry.decisions.length === specs.length;
      if (fresh) this.hits++;
      return fresh ? entry.decisions : null;
    } catch {
      return null; // a torn write: replay
    }
  }

  put(suite: string, agent: string, role: Role, seed: number, specs: readonly EpisodeSpec[], decisions: Decision[][]): void {
    const f = this.file(suite, agent, role, seed);
    this.misses++;
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, gzipSync(JSON.stringify({ specs: specsHash(specs), decisions })));
  }
}

// ---------------------------------------------------------------- runs

/** The decisions of every planned episode, played by the agent (or read from the cache). */
export function playRole(
  suite: string,
  agent: ScriptedAgentKind,
  seed: number,
  role: Role,
  cache: DecisionCache | null,
  testbeds?: readonly string[],
): EpisodeInput[] {
  const specs = plannedEpisodes(suite, seed).filter((e) => !testbeds || testbeds.includes(e.testbed));
  if (testbeds) cache = null; // entries hold whole runs
  let decisions = cache?.get(suite, agent, role, seed, specs) ?? null;
  if (decisions === null) {
    // the subject's and the baseline's answers come from independent streams of the agent's randomness
    const played = playEpisodes(specs, scriptedAgent(agent, deriveSeed(seed, `validate-${role}`)));
    decisions = played.map((p) => p.decisions);
    cache?.put(suite, agent, role, seed, specs, decisions);
  }
  return specs.map((episode, i) => ({ episode, decisions: decisions[i] }));
}

const NO_CALLS = { total: 0, retried: 0, failed: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0 };

function subjectInput(kind: SubjectInput['kind'], label: string, suiteId: string, episodes: EpisodeInput[], only?: readonly string[]): SubjectInput {
  const testbeds: SubjectInput['testbeds'] = {};
  for (const id of Object.keys(suiteOf(suiteId).params).filter((t) => !only || only.includes(t))) {
    testbeds[id] = { status: 'ok', episodes: episodes.filter((e) => e.episode.testbed === id) };
  }
  return { kind, label, endpointId: `ep_${label}`, model: label, calls: NO_CALLS, testbeds };
}

export interface SimulateOptions {
  /** add the same-model baseline (kind tenant): same agent, independent randomness, same episodes */
  baseline: boolean;
  cache?: DecisionCache | null;
  /** play only these testbeds of the suite (the others are left out of the report, as if not in the suite) */
  testbeds?: readonly string[];
}

/** The report of one simulated run of `agent` on `suiteId` with run seed `seed`. */
export function simulateRun(suiteId: string, agent: ScriptedAgentKind, seed: number, options: SimulateOptions): Report {
  const { cache = null, testbeds } = options;
  const play = (role: Role) => playRole(suiteId, agent, seed, role, cache, testbeds);
  const subjects: SubjectInput[] = [subjectInput('subject', 'subject', suiteId, play('subject'), testbeds)];
  if (options.baseline) subjects.push(subjectInput('tenant', 'same-model', suiteId, play('baseline'), testbeds));
  return buildReport({
    runId: `validate-${suiteId}-${agent}-${seed}`,
    suite: suiteOf(suiteId).suite,
    custom: false,
    seed,
    samples: 1,
    scorerVersion: SCORER_VERSION,
    readerVersion: READER_VERSION,
    subjects,
  });
}

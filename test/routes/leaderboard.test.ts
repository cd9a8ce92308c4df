import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { endpoints, leaderboardEntries, reports, runs, runSubjects, type RunStatus } from '../../src/db/schema.js';
import type { Deps } from '../../src/deps.js';
import type { App } from '../../src/http/env.js';
import { ProblemSchema } from '../../src/http/problem-schema.js';
import { LeaderboardSchema, LeaderboardSubmissionSchema } from '../../src/routes/leaderboard/schema.js';
import { renderLeaderboardHtml } from '../../src/routes/leaderboard/page.js';
import { startWorker } from '../../src/runner/worker.js';
import { buildReport, type Report, type SubjectInput } from '../../src/scoring/report.js';
import { poolRuns, rankEntries, scoreInterval } from '../../src/services/leaderboard.js';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';
import { calls, reportInput, rolePlay, subjectInput } from '../scoring/fixtures.js';

// ---------------------------------------------------------------------------------------------------------------
// Succeeded runs written directly: a run row and a report built by the real scorer from hand-made decisions.
// ---------------------------------------------------------------------------------------------------------------

/**
 * A role-play-only subject over 20 episodes of 2 rounds whose last round has `violations` violating decisions:
 * score = 100 × (1 − violations / 20). `unparsed` last-round answers (out of the 20) make the run lowValidity.
 */
function rolePlaySubject(model: string, violations: number, unparsed = 0): SubjectInput {
  const episodes = Array.from({ length: 20 }, (_, i) =>
    rolePlay(`rp/s${i}`, `s${i}`, 1.5, [false, i < unparsed ? 'unparsed' : i < unparsed + violations]),
  );
  return { kind: 'subject', label: model, endpointId: 'ep', model, calls: calls(40), testbeds: { 'role-play': { status: 'ok', episodes } } };
}

interface RunSpec {
  model: string;
  violations?: number;
  unparsed?: number;
  status?: RunStatus;
  custom?: boolean;
  operatorBaseline?: boolean;
  suite?: string;
  family?: string;
  variant?: string;
  /** edits the built report before it is stored (e.g. a partial score, or a report of an older scorer) */
  edit?: (report: Report) => void;
}

async function insertRun(deps: Deps, tenantId: string, spec: RunSpec) {
  const endpoint = await createEndpointRow(deps, tenantId, {
    baseUrl: 'http://127.0.0.1:9/v1',
    model: spec.model,
    family: spec.family,
    variant: spec.variant,
  });
  const id = deps.ids.next('run');
  const suite = spec.suite ?? 'atp-standard-v2';
  const status = spec.status ?? 'succeeded';
  const now = deps.clock.now();
  await deps.db.db.insert(runs).values({
    id,
    tenantId,
    endpointId: endpoint.id,
    suiteId: suite,
    suiteVersion: '1.0.0',
    custom: spec.custom ?? false,
    seed: 0,
    samples: 1,
    request: { endpointId: endpoint.id, suite },
    params: {},
    status,
    progressTotal: 40,
    requestHash: id,
    operatorBaseline: spec.operatorBaseline ?? false,
    createdAt: now,
    startedAt: now,
    finishedAt: status === 'succeeded' ? now : null,
  });
  await deps.db.db.insert(runSubjects).values({ runId: id, idx: 0, kind: 'subject', label: spec.model, endpointId: endpoint.id, model: spec.model });
  if (status === 'succeeded') {
    const subject = { ...rolePlaySubject(spec.model, spec.violations ?? 0, spec.unparsed ?? 0), endpointId: endpoint.id };
    const report = buildReport({ ...reportInput([subject]), runId: id, suite: { id: suite, version: '1.0.0' }, custom: spec.custom ?? false });
    spec.edit?.(report);
    await deps.db.db.insert(reports).values({
      runId: id,
      scorerVersion: report.scorerVersion,
      body: JSON.stringify(report),
      score: report.subject.score,
      lowValidity: report.subject.lowValidity,
      createdAt: now,
    });
  }
  return id;
}

const submit = (app: App, token: string | undefined, runId: string) =>
  app.request('/v1/leaderboard/submissions', { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify({ runId }) });

async function board(app: App, suite?: string) {
  const res = await app.request(`/v1/leaderboard${suite ? `?suite=${encodeURIComponent(suite)}` : ''}`);
  expect(res.status).toBe(200);
  return LeaderboardSchema.parse(await res.json()).items;
}

async function expectNotEligible(res: Response, detail: RegExp, reason: string) {
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const problem = ProblemSchema.parse(await res.json());
  expect(problem.type).toBe('https://atp-bench.dev/problems/not-eligible');
  expect(problem.detail).toMatch(detail);
  expect(problem.reason).toBe(reason);
}

// ---------------------------------------------------------------------------------------------------------------

describe('score interval', () => {
  it("is the report's own scoreCi95 (the interval report.html and the gate show); none for a pre-2.0.0 report", () => {
    const one = buildReport({ ...reportInput([rolePlaySubject('m', 5)]) }).subject;
    expect(one.score).toBe(75);
    expect(one.scoreCi95).not.toBeNull();
    expect(scoreInterval(one)).toEqual(one.scoreCi95);
    expect(one.scoreCi95![0]).toBeLessThan(75);
    expect(one.scoreCi95![1]).toBeGreaterThan(75);
    const { scoreCi95: _dropped, ...old } = one;
    expect(scoreInterval(old as typeof one)).toBeNull();
  });

  it('pools runs: mean score, SE = √(Σ se_i²) / n with se_i from each interval, clamped to [0, 100]', () => {
    expect(poolRuns([])).toBeNull();
    // one run keeps its own (possibly asymmetric, clamped) interval
    expect(poolRuns([{ score: 96, ci95: [88.5, 100] }])).toEqual({ score: 96, ci95: [88.5, 100], runs: 1 });
    const z = 1.959963984540054;
    // se = 10 / 1.96 each: SE = √(2 · se²) / 2 = se / √2
    const two = poolRuns([
      { score: 70, ci95: [60, 80] },
      { score: 80, ci95: [70, 90] },
    ])!;
    const se = 10 / z / Math.SQRT2;
    expect(two.score).toBe(75);
    expect(two.ci95[0]).toBeCloseTo(75 - z * se, 2);
    expect(two.ci95[1]).toBeCloseTo(75 + z * se, 2);
    expect(two.runs).toBe(2);
    expect(poolRuns([{ score: 99, ci95: [90, 100] }, { score: 99, ci95: [90, 100] }])!.ci95[1]).toBe(100);
  });

  it('ranking: standard competition ranks, ties by submission time, tiedWithPrevious on overlapping intervals', () => {
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const ranked = rankEntries([
      { id: 'c', score: 80, ciLo: 70, ciHi: 88, submittedAt: t(3) },
      { id: 'a', score: 90, ciLo: 85, ciHi: 95, submittedAt: t(2) },
      { id: 'b', score: 90, ciLo: 84, ciHi: 94, submittedAt: t(1) },
      { id: 'd', score: 40, ciLo: 30, ciHi: 50, submittedAt: t(0) },
      { id: 'e', score: 40, ciLo: 30, ciHi: 50, submittedAt: t(0) },
    ]);
    expect(ranked.map((r) => [r.id, r.rank, r.tiedWithPrevious])).toEqual([
      ['b', 1, false],
      ['a', 1, true],
      ['c', 3, true], // 88 ≥ 85: overlaps a
      ['d', 4, false],
      ['e', 4, true],
    ]);
  });
});

describe('leaderboard API', () => {
  let ctx: TestContext;
  let app: App;
  let lab: { tenantId: string; token: string };
  let other: { tenantId: string; token: string };

  beforeAll(async () => {
    ctx = await buildTestDeps();
    app = createApp(ctx.deps);
    lab = await tokenFor(ctx.deps, 'acme-labs');
    other = await tokenFor(ctx.deps, 'other-labs');
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('eligibility: 404 for a missing or foreign run, 422 for running / custom / lowValidity / operator runs', async () => {
    const foreign = await insertRun(ctx.deps, other.tenantId, { model: 'foreign-model', violations: 2 });
    const r404 = await submit(app, lab.token, foreign);
    expect(r404.status).toBe(404);
    expect((await submit(app, lab.token, 'run_doesnotexist')).status).toBe(404);

    await expectNotEligible(await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', status: 'running' })), /the run is running; only succeeded runs/, 'not_finished');
    await expectNotEligible(await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', status: 'failed' })), /the run is failed/, 'not_finished');
    await expectNotEligible(await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', custom: true })), /custom \(it chose its own seed or overrode the suite's parameters\)/, 'custom');
    // 3 of 40 decisions unparsed = 7.5 %: valid; 5 of 40 = 12.5 %: lowValidity
    await expectNotEligible(
      await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', unparsed: 5 })),
      /lowValidity: 12\.5% of the subject's decisions were not parsed \(the limit is 10%\)/,
      'low_validity',
    );
    await expectNotEligible(await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', operatorBaseline: true })), /operator-baseline/, 'operator_baseline');
    // a partial score (a testbed left it) is not comparable with complete ones; nor is a report of an older scorer
    const reason = 'tool-use left the score: 0 of 8 answers were readable (at least 50% needed).';
    const partial = (r: Report) => Object.assign(r.subject, { scoreStatus: 'partial', scoreReasons: [reason] });
    await expectNotEligible(await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', edit: partial })), /score is partial.*tool-use left the score/, 'partial_score');
    const old = (r: Report) => {
      r.scorerVersion = '1.0.0';
      const s = r.subject as Partial<Report['subject']>;
      delete s.scoreCi95;
      delete s.scoreStatus;
      delete s.scoreReasons;
    };
    await expectNotEligible(await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'm', edit: old })), /scorer 1\.0\.0.*no interval/, 'outdated_report');
    const ok = await submit(app, lab.token, await insertRun(ctx.deps, lab.tenantId, { model: 'valid-but-noisy', unparsed: 3 }));
    expect(ok.status).toBe(201);
    // partial and old runs of an eligible model are not pooled into its entry
    await insertRun(ctx.deps, lab.tenantId, { model: 'valid-but-noisy', edit: partial });
    await insertRun(ctx.deps, lab.tenantId, { model: 'valid-but-noisy', edit: old });
    expect((await board(app)).find((i) => i.model === 'valid-but-noisy')!.runs).toBe(1);

    // auth: no token → 401; a token without leaderboard:write → 403; malformed body → 400
    expect((await submit(app, undefined, foreign)).status).toBe(401);
    const readOnly = await ctx.deps.tokens.issue({ tenantId: lab.tenantId, scopes: ['runs:read'] });
    expect((await submit(app, readOnly, foreign)).status).toBe(403);
    const bad = await app.request('/v1/leaderboard/submissions', { method: 'POST', headers: jsonHeaders(lab.token), body: JSON.stringify({ run: 'x' }) });
    expect(bad.status).toBe(400);
    // nothing ineligible reached the board
    const items = await board(app);
    expect(items.map((i) => i.model)).toEqual(['valid-but-noisy']);
  });

  it('pools by the model name a run was created with: renaming the endpoint later moves no run to another entry', async () => {
    const id = await insertRun(ctx.deps, lab.tenantId, { model: 'before-rename', violations: 2 });
    expect((await submit(app, lab.token, id)).status).toBe(201);
    const [{ endpointId }] = await ctx.deps.db.db.select({ endpointId: runs.endpointId }).from(runs).where(eq(runs.id, id));
    await ctx.deps.db.db.update(endpoints).set({ model: 'after-rename' }).where(eq(endpoints.id, endpointId));
    const again = await submit(app, lab.token, id);
    expect(again.status).toBe(200);
    expect(LeaderboardSubmissionSchema.parse(await again.json()).entry).toMatchObject({ model: 'before-rename', runs: 1 });
    const items = await board(app);
    expect(items.filter((i) => i.runId === id).map((i) => i.model)).toEqual(['before-rename']);
    expect(items.some((i) => i.model === 'after-rename')).toBe(false);
  });

  it('pools every eligible run of a (lab, model, suite), submitted or not: re-submitting cannot pick the best', async () => {
    const model = 'acme-8b-dpo';
    const run = (violations: number, extra: Partial<RunSpec> = {}) =>
      insertRun(ctx.deps, lab.tenantId, { model, violations, family: 'acme-8b', variant: 'dpo', ...extra });
    const first = await run(4); // 80

    const a = await submit(app, lab.token, first);
    expect(a.status).toBe(201);
    const created = LeaderboardSubmissionSchema.parse(await a.json());
    expect(created).toMatchObject({ outcome: 'created', previousScore: null, submitted: { runId: first, score: 80 } });
    expect(created.entry).toMatchObject({ runId: first, model, family: 'acme-8b', variant: 'dpo', tenant: 'acme-labs', score: 80, runs: 1, suite: 'atp-standard-v2' });
    expect(created.entry.ci95[0]).toBeLessThan(80);
    expect(created.entry.ci95[1]).toBeGreaterThan(80);
    const oneRunInterval = created.entry.ci95;

    // a better run is pooled with the first, not substituted for it
    const better = await run(2); // 90
    const b = await submit(app, lab.token, better);
    expect(b.status).toBe(200);
    expect(LeaderboardSubmissionSchema.parse(await b.json())).toMatchObject({
      outcome: 'updated',
      previousScore: 80,
      submitted: { runId: better, score: 90 },
      entry: { runId: better, score: 85, runs: 2 },
    });

    // a worse run counts although it was never submitted
    await run(6); // 70
    const entry = () => board(app).then((items) => items.find((i) => i.model === model && i.tenant === 'acme-labs')!);
    expect(await entry()).toMatchObject({ score: 80, runs: 3 });
    // re-submitting the best run changes nothing: it is already in the pool, once
    const again = await submit(app, lab.token, better);
    expect(again.status).toBe(200);
    expect(LeaderboardSubmissionSchema.parse(await again.json()).entry).toMatchObject({ score: 80, runs: 3 });

    // shopping for seeds: a run with a chosen seed is custom and does not count; runs that did not finish do not count
    await run(0, { custom: true });
    await run(0, { status: 'failed' });
    await run(0, { status: 'cancelled' });
    expect(await entry()).toMatchObject({ score: 80, runs: 3 });
    // the pooled interval: mean ± 1.96 · √(Σ se_i²) / n over the three runs' own intervals
    const pooled = (await entry()).ci95;
    expect(pooled[1] - pooled[0]).toBeLessThan(oneRunInterval[1] - oneRunInterval[0]);
    expect(pooled[0]).toBeLessThan(80);
    expect(pooled[1]).toBeGreaterThan(80);

    const rows = await ctx.deps.db.db.select().from(leaderboardEntries).where(eq(leaderboardEntries.model, model));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ runId: better, score: 80, runs: 3 });
    // another lab's model of the same name has its own entry
    const theirs = await insertRun(ctx.deps, other.tenantId, { model, violations: 10 });
    expect((await submit(app, other.token, theirs)).status).toBe(201);
    expect((await board(app)).filter((i) => i.model === model).map((i) => [i.tenant, i.score, i.runs])).toEqual([
      ['acme-labs', 80, 3],
      ['other-labs', 50, 1],
    ]);
  });

  it('re-submitting many runs cannot raise an entry above the mean of all its runs', async () => {
    // a lab re-runs the suite ten times (scores spread by chance) and submits only its luckiest run
    const model = 'seed-shopper';
    const ids: string[] = [];
    for (const violations of [9, 5, 7, 3, 8, 6, 4, 7, 5, 6]) ids.push(await insertRun(ctx.deps, lab.tenantId, { model, violations }));
    const res = await submit(app, lab.token, ids[3]); // the luckiest: 85
    const result = LeaderboardSubmissionSchema.parse(await res.json());
    expect(result.submitted.score).toBe(85);
    expect(result.entry).toMatchObject({ score: 70, runs: 10 }); // 100 × (1 − 60 / 200)
  });

  it('seed policy: a leaderboard-suite run uses the published seed; choosing another makes it custom', async () => {
    const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: 'http://127.0.0.1:9/v1', model: 'seed-policy' });
    const row = async (input: { seed?: number; suite?: string }) => {
      const { runId } = await createRun(ctx.deps, lab.tenantId, { endpointId: endpoint.id, suite: input.suite ?? 'atp-standard-v2', seed: input.seed });
      const [r] = await ctx.deps.db.db.select().from(runs).where(eq(runs.id, runId));
      await ctx.deps.db.db.update(runs).set({ status: 'cancelled' }).where(eq(runs.id, runId));
      return { id: runId, seed: r.seed, custom: r.custom };
    };
    expect(await row({})).toMatchObject({ seed: 20261201, custom: false });
    expect(await row({ seed: 20261201 })).toMatchObject({ seed: 20261201, custom: false });
    const shopped = await row({ seed: 11 });
    expect(shopped).toMatchObject({ seed: 11, custom: true });
    // other suites take any seed and default to 0
    expect(await row({ suite: 'atp-quick-v2' })).toMatchObject({ seed: 0, custom: false });
    expect(await row({ suite: 'atp-quick-v2', seed: 11 })).toMatchObject({ seed: 11, custom: false });
  });

  it('GET /v1/leaderboard is public; unknown suite → 400; only atp-standard-v2 has a board (v1 is deprecated)', async () => {
    for (const suite of ['atp-quick-v2', 'atp-standard-v1']) {
      const old = await insertRun(ctx.deps, lab.tenantId, { model: 'old-suite-model', suite, violations: 1 });
      expect(((await (await submit(app, lab.token, old)).json()) as { reason: string }).reason).toBe('suite');
    }
    expect((await app.request('/v1/leaderboard?suite=atp-standard-v1')).status).toBe(400);
    const quick = await insertRun(ctx.deps, lab.tenantId, { model: 'quick-model', suite: 'atp-quick-v1', violations: 1 });
    const refused = await submit(app, lab.token, quick);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { reason: string }).reason).toBe('suite');
    const noBoard = await app.request('/v1/leaderboard?suite=atp-quick-v1');
    expect(noBoard.status).toBe(400);
    // a suite that exists is not called unknown: it has no board, and the boards are named
    expect(ProblemSchema.parse(await noBoard.json()).detail).toMatch(/suite "atp-quick-v1" has no leaderboard; boards: atp-standard-v2/);
    expect((await board(app)).some((i) => i.model === 'quick-model')).toBe(false);
    expect((await board(app, 'atp-standard-v2')).every((i) => i.suite === 'atp-standard-v2')).toBe(true);

    const res = await app.request('/v1/leaderboard?suite=atp-nope-v1');
    expect(res.status).toBe(400);
    const problem = ProblemSchema.parse(await res.json());
    expect(problem.errors?.map((e) => e.path)).toEqual(['query.suite']);
    expect((await app.request('/leaderboard?suite=atp-nope-v1')).status).toBe(400);
  });

  it('GET /leaderboard answers an address that names no board with a readable page linking the boards, never problem JSON', async () => {
    const cases: [string, number, string][] = [
      ['suite=atp-nope-v1', 400, 'unknown suite &quot;atp-nope-v1&quot;; boards: atp-standard-v2'],
      // a suite that exists has no board: the board is not there
      ['suite=atp-quick-v1', 404, 'suite &quot;atp-quick-v1&quot; has no leaderboard; boards: atp-standard-v2'],
      ['suite=', 400, 'unknown suite &quot;&quot;'],
      ['suite=atp-standard-v2&suite=atp-quick-v1', 400, 'suite: given 2 times; give it once'],
      // a misspelt parameter is said, not read as "the default board"
      ['suit=atp-quick-v1', 400, 'suit: this page has no parameter &quot;suit&quot;; it takes suite'],
      [`suite=${'s'.repeat(300)}`, 400, `unknown suite &quot;${'s'.repeat(100)}…&quot;`],
      ['suite=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 400, 'unknown suite &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;'],
    ];
    for (const [q, status, words] of cases) {
      const res = await app.request(`/leaderboard?${q}`, { headers: { accept: 'text/html' } });
      expect(res.status, q).toBe(status);
      expect(res.headers.get('content-type'), q).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy'), q).toContain("default-src 'none'");
      const html = await res.text();
      expect(html, q).toContain('<div class="error" role="alert">');
      expect(html, q).toContain(words);
      expect(html, q).toContain('<a href="/leaderboard?suite=atp-standard-v2">atp-standard-v2</a>');
      expect(html, q).not.toMatch(/<script|<table/);
    }
    // a character the service refuses before the page runs is a page too
    const nul = await app.request('/leaderboard?suite=%00');
    expect(nul.status).toBe(400);
    expect(nul.headers.get('content-type')).toMatch(/^text\/html/);
    // programs keep the JSON list, whose problems stay problem JSON
    expect((await app.request('/v1/leaderboard?suite=atp-nope-v1')).headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const doc = JSON.parse(await (await app.request('/openapi.json')).text());
    const responses = doc.paths['/leaderboard'].get.responses;
    expect(Object.keys(responses['400'].content)).toEqual(['text/html']);
    expect(Object.keys(responses['404'].content)).toEqual(['text/html']);
  });

  it('is documented in the OpenAPI document (public list and page, authenticated submission)', async () => {
    const doc = JSON.parse(await (await app.request('/openapi.json')).text());
    const list = doc.paths['/v1/leaderboard'].get;
    expect(list.security).toEqual([]);
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['suite', 'if-none-match']);
    const page = doc.paths['/leaderboard'].get;
    expect(page.security).toEqual([]);
    expect(Object.keys(page.responses['200'].content)).toEqual(['text/html']);
    const post = doc.paths['/v1/leaderboard/submissions'].post;
    expect(post.security).toEqual([{ bearerAuth: [] }]);
    for (const s of ['200', '201', '401', '403', '404', '422', '500']) expect(post.responses[s], s).toBeTruthy();
    for (const name of ['Leaderboard', 'LeaderboardEntry', 'LeaderboardSubmission', 'LeaderboardSubmissionRequest', 'ScoreInterval']) {
      expect(doc.components.schemas[name], name).toBeTruthy();
    }
    for (const [k, v] of Object.entries<any>(doc.components.schemas.LeaderboardEntry.properties)) {
      if (v.$ref) continue;
      expect(v.description, `LeaderboardEntry.${k}`).toBeTruthy();
      expect(v.example, `LeaderboardEntry.${k}`).not.toBeUndefined();
    }
    expect(doc.components.schemas.ScoreInterval.description).toMatch(/scoreCi95/);
  });
});

describe('ranking and ties on the board', () => {
  let ctx: TestContext;
  let app: App;

  beforeAll(async () => {
    ctx = await buildTestDeps();
    app = createApp(ctx.deps);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('sorts by score, shares ranks on equal scores, marks overlapping intervals as tied', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const deps: Deps = { ...ctx.deps, clock: { now: () => new Date((clock += 1000)) } };
    const labs = await Promise.all(['lab-1', 'lab-2', 'lab-3', 'lab-4', 'lab-5'].map((n) => tokenFor(deps, n)));
    // scores: 95 (1/20), 95 (1/20, later), 50 (10/20), 45 (11/20), 0 (20/20)
    const specs: [number, string, number][] = [
      [1, 'model-b', 1],
      [0, 'model-a', 1],
      [2, 'model-c', 10],
      [3, 'model-d', 11],
      [4, 'model-e', 20],
    ];
    for (const [i, model, violations] of specs) {
      const runId = await insertRun(deps, labs[i].tenantId, { model, violations });
      expect((await submit(createApp(deps), labs[i].token, runId)).status).toBe(201);
    }
    const items = await board(app);
    expect(items.map((i) => [i.rank, i.model, i.score, i.tiedWithPrevious])).toEqual([
      [1, 'model-b', 95, false],
      [1, 'model-a', 95, true], // equal score: same rank, later submission second
      [3, 'model-c', 50, false], // about [28, 72] vs [85, 100]: apart
      [4, 'model-d', 45, true], // intervals overlap: statistically tied
      [5, 'model-e', 0, false],
    ]);
    expect(items.map((i) => i.tenant)).toEqual(['lab-2', 'lab-1', 'lab-3', 'lab-4', 'lab-5']);
    // one run's entry carries that run's own interval, the report's scoreCi95
    const c = items[2];
    const [stored] = await ctx.deps.db.db.select().from(reports).where(eq(reports.runId, c.runId));
    expect(c.ci95).toEqual(JSON.parse(stored.body).subject.scoreCi95);
    expect(items[1].submittedAt > items[0].submittedAt).toBe(true);
  });

  it('GET /leaderboard: one self-contained page, every value HTML-escaped', async () => {
    const evil = '<script>alert(1)</script>';
    const { tenantId, token } = await tokenFor(ctx.deps, `O'Brien & <b>Labs</b>`);
    const runId = await insertRun(ctx.deps, tenantId, { model: evil, violations: 3, family: '"fam"', variant: "<img src=x onerror='x'>" });
    expect((await submit(app, token, runId)).status).toBe(201);
    expect((await board(app)).some((i) => i.model === evil)).toBe(true); // JSON carries the raw name

    const res = await app.request('/leaderboard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>Labs');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('O&#39;Brien &amp; &lt;b&gt;Labs&lt;/b&gt;');
    expect(html).toContain('&quot;fam&quot;');
    // self-contained: no external resources
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link|<script|@import|url\(/i);
    expect(html).toContain('href="/leaderboard?suite=atp-standard-v2" aria-current="page"');
    // a visitor without a console session is offered to sign in, as on the console's pages (same markup)
    expect(html).toContain('<a class="signin" href="/console/login">Sign in</a>');
    expect(html).not.toContain('action="/console/logout"');
    expect(html).toContain('model-b');
    expect(renderLeaderboardHtml('atp-standard-v2', [])).toContain('No submissions yet.');
  });
});

describe('a real run to the leaderboard', () => {
  it('a standard-suite run driven by the worker against a real HTTP endpoint can be submitted', async () => {
    const ctx = await buildTestDeps();
    const server = await startFakeOpenAI({ respond: hashPolicy });
    const worker = startWorker(ctx.deps, { tickMs: 50 });
    try {
      const app = createApp(ctx.deps);
      const { tenantId, token } = await tokenFor(ctx.deps, 'real-lab');
      const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, model: 'hash-policy-7b', maxConcurrency: 64, family: 'hash', variant: 'base' });
      const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-standard-v2' });
      const [published] = await ctx.deps.db.db.select().from(runs).where(eq(runs.id, runId));
      expect(published).toMatchObject({ seed: 20261201, custom: false });
      const run = await waitForRun(ctx.deps, runId, 540_000);
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
      const [stored] = await ctx.deps.db.db.select().from(reports).where(eq(reports.runId, runId));
      expect(stored.lowValidity).toBe(false);

      const res = await submit(app, token, runId);
      expect(res.status).toBe(201);
      const result = LeaderboardSubmissionSchema.parse(await res.json());
      expect(result.entry).toMatchObject({ rank: 1, runId, model: 'hash-policy-7b', family: 'hash', variant: 'base', tenant: 'real-lab', score: stored.score, tiedWithPrevious: false });
      expect(result.entry.ci95).toEqual(scoreInterval(JSON.parse(stored.body).subject));
      expect(result.entry.ci95[0]).toBeLessThanOrEqual(stored.score!);
      expect(result.entry.ci95[1]).toBeGreaterThanOrEqual(stored.score!);
      expect((await board(app)).map((i) => i.runId)).toEqual([runId]);
    } finally {
      await worker.stop();
      await server.close();
      await ctx.close();
    }
  }, 600_000);
});

// The public leaderboard: one entry per (tenant, model, suite) pooling ALL of that model's eligible runs — never
// its best one, so re-running with other seeds or on a lucky day cannot raise it — with a 95% interval for the score
// so readers can tell real differences from noise. The interval of each run is the report's own (`scoreCi95`), the
// one report.html and the CI gate show.
import { and, asc, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { endpoints, leaderboardEntries, reports, runs, runSubjects, tenants } from '../db/schema.js';
import { invalidInput, ServiceError } from '../lib/errors.js';
import type { Report, SubjectReport } from '../scoring/report-types.js';
import { LOW_VALIDITY_SHARE } from '../scoring/report.js';
import { round2, type Interval } from '../scoring/stats.js';
import { SUITE_IDS, SUITES } from '../testbeds/suites.js';
import { getOwnedRun } from './run-views.js';

export const DEFAULT_LEADERBOARD_SUITE = 'atp-standard-v2';

/**
 * Suites that have a board: only leaderboard suites (spec §1: standard-suite runs are the comparable ones; the quick
 * suite is a CI gate). Each suite would be ranked separately — scores of different suites are not comparable.
 */
export const LEADERBOARD_SUITE_IDS: readonly string[] = SUITE_IDS.filter((id) => SUITES[id].leaderboard);

export const isLeaderboardSuite = (id: string) => LEADERBOARD_SUITE_IDS.includes(id);

/** Why `suiteId` has no board, naming the boards there are: a suite that exists is not "unknown", it has no board. */
export function noBoardMessage(suiteId: string): string {
  const why = (SUITE_IDS as readonly string[]).includes(suiteId) ? `suite "${suiteId}" has no leaderboard` : `unknown suite "${suiteId}"`;
  return `${why}; boards: ${LEADERBOARD_SUITE_IDS.join(', ')}`;
}

export interface LeaderboardItem {
  rank: number;
  runId: string;
  model: string;
  family: string | null;
  variant: string | null;
  /** the tenant's (lab's) name */
  tenant: string;
  score: number;
  ci95: Interval;
  suite: string;
  /** eligible runs pooled into the entry */
  runs: number;
  submittedAt: string;
  tiedWithPrevious: boolean;
}

export type SubmissionOutcome = 'created' | 'updated';

export interface SubmissionResult {
  outcome: SubmissionOutcome;
  /** the model's entry on the board after this submission: every eligible run pooled */
  entry: LeaderboardItem;
  /** what was submitted: that run on its own */
  submitted: { runId: string; score: number; ci95: Interval };
  /** the entry's score before this submission; null for a new entry */
  previousScore: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Score interval
// ---------------------------------------------------------------------------------------------------------------

/** A stored report's subject: the score's interval and status are absent in reports of a scorer before 2.0.0. */
type ScoredSubject = Omit<SubjectReport, 'scoreCi95' | 'scoreStatus' | 'scoreReasons'> &
  Partial<Pick<SubjectReport, 'scoreCi95' | 'scoreStatus' | 'scoreReasons'>>;

/**
 * The 95% interval of a run's ATP score: the report's `scoreCi95`, computed by the scorer from the episode-level
 * variation of every testbed (see docs/methodology.md). Null when the score is null, or for a report of a scorer
 * before 2.0.0, which had no interval of its own.
 */
export function scoreInterval(subject: SubjectReport): Interval | null {
  return (subject as ScoredSubject).scoreCi95 ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Pooling a model's runs
// ---------------------------------------------------------------------------------------------------------------

export interface PooledScore {
  score: number;
  ci95: Interval;
  runs: number;
}

/** z of a two-sided 95% normal interval */
const Z95 = 1.959963984540054;

/**
 * A model's entry from all its eligible runs: the mean of their scores, every run weighing the same, so picking
 * seeds or re-submitting lucky runs cannot raise it. Its interval treats the runs as independent measurements:
 * each run's standard error is recovered from its normal interval, se_i = (hi_i − lo_i) / (2 · 1.96), and the mean's
 * is SE = √(Σ se_i²) / n; the interval is mean ± 1.96 · SE, clamped to [0, 100], rounded like the score. Null without
 * a scored run; one run keeps its own interval.
 */
export function poolRuns(scored: ReadonlyArray<{ score: number; ci95: Interval }>): PooledScore | null {
  if (scored.length === 0) return null;
  // one run is its own interval (the formula would only re-centre a clamped one)
  if (scored.length === 1) return { score: round2(scored[0].score), ci95: [scored[0].ci95[0], scored[0].ci95[1]], runs: 1 };
  const n = scored.length;
  const mean = scored.reduce((a, r) => a + r.score, 0) / n;
  const se = Math.sqrt(scored.reduce((a, r) => a + ((r.ci95[1] - r.ci95[0]) / (2 * Z95)) ** 2, 0)) / n;
  const clamp = (x: number) => Math.min(100, Math.max(0, x));
  return {
    score: round2(mean),
    ci95: [round2(clamp(mean - Z95 * se)), round2(clamp(mean + Z95 * se))],
    runs: n,
  };
}

/**
 * A tenant's runs that count for the board of a suite: succeeded, not custom (so on the suite's published seeds,
 * without overrides), not operator baselines, with a report that is not lowValidity and whose score is complete
 * (every testbed of the suite in it: a partial score is not comparable with complete ones); `model` is the
 * endpoint's model name as it was when the run was created (`run_subjects.model`), whichever of the tenant's
 * endpoints served it: renaming an endpoint later moves none of its runs to another entry.
 */
/** The run's subject (its first subject row), whose model name the run was created with. */
const subjectOf = and(eq(runSubjects.runId, runs.id), eq(runSubjects.idx, 0));

function eligibleRunsWhere(suiteId: string) {
  return and(
    eq(runs.suiteId, suiteId),
    eq(runs.status, 'succeeded'),
    eq(runs.custom, false),
    eq(runs.operatorBaseline, false),
    eq(reports.lowValidity, false),
    isNotNull(reports.score),
    // the status lives only in the stored body; reports of a scorer before 2.0.0 have none and do not count
    sql`(${reports.body}::jsonb #>> '{subject,scoreStatus}') = 'complete'`,
  );
}

async function pooledFor(deps: Pick<Deps, 'db'>, tenantId: string, model: string, suiteId: string): Promise<PooledScore | null> {
  const rows = await deps.db.db
    .select({ body: reports.body })
    .from(runs)
    .innerJoin(runSubjects, subjectOf)
    .innerJoin(reports, eq(reports.runId, runs.id))
    .where(and(eq(runs.tenantId, tenantId), eq(runSubjects.model, model), eligibleRunsWhere(suiteId)));
  const scored = rows.flatMap(({ body }) => {
    const subject = (JSON.parse(body) as Report).subject;
    const ci95 = scoreInterval(subject);
    return subject.score === null || ci95 === null ? [] : [{ score: subject.score, ci95 }];
  });
  return poolRuns(scored);
}

/** Number of eligible runs per (tenant, model) of a suite: an entry pooling fewer is out of date. */
async function eligibleCounts(deps: Pick<Deps, 'db'>, suiteId: string): Promise<Map<string, number>> {
  const rows = await deps.db.db
    .select({ tenantId: runs.tenantId, model: runSubjects.model, n: count() })
    .from(runs)
    .innerJoin(runSubjects, subjectOf)
    .innerJoin(reports, eq(reports.runId, runs.id))
    .where(eligibleRunsWhere(suiteId))
    .groupBy(runs.tenantId, runSubjects.model);
  return new Map(rows.map((r) => [`${r.tenantId}\n${r.model}`, Number(r.n)]));
}

/** Re-pools an entry (after a submission, or when runs finished since it was last pooled). */
async function repool(deps: Pick<Deps, 'db'>, entry: { id: string; tenantId: string; model: string; suiteId: string }) {
  const pooled = await pooledFor(deps, entry.tenantId, entry.model, entry.suiteId);
  if (!pooled) return;
  await deps.db.db
    .update(leaderboardEntries)
    .set({ score: pooled.score, ciLo: pooled.ci95[0], ciHi: pooled.ci95[1], runs: pooled.runs })
    .where(eq(leaderboardEntries.id, entry.id));
}

// ---------------------------------------------------------------------------------------------------------------
// Ranking
// ---------------------------------------------------------------------------------------------------------------

export interface RankableEntry {
  id: string;
  score: number;
  ciLo: number;
  ciHi: number;
  submittedAt: Date;
}

const overlaps = (a: RankableEntry, b: RankableEntry) => a.ciLo <= b.ciHi && b.ciLo <= a.ciHi;

/**
 * Sorts by score (desc), then earlier submission, then id; ranks with standard competition ranking (equal scores
 * share a rank, the next rank skips: 1, 2, 2, 4); `tiedWithPrevious` when the score interval overlaps the interval
 * of the entry listed directly above.
 */
export function rankEntries<T extends RankableEntry>(rows: readonly T[]): (T & { rank: number; tiedWithPrevious: boolean })[] {
  const sorted = [...rows].sort(
    (a, b) => b.score - a.score || a.submittedAt.getTime() - b.submittedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  let rank = 0;
  return sorted.map((row, i) => {
    const prev = sorted[i - 1];
    if (!prev || row.score !== prev.score) rank = i + 1;
    return { ...row, rank, tiedWithPrevious: !!prev && overlaps(prev, row) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

async function boardRows(deps: Pick<Deps, 'db'>, suiteId: string) {
  return deps.db.db
    .select({
      id: leaderboardEntries.id,
      runId: leaderboardEntries.runId,
      model: leaderboardEntries.model,
      family: leaderboardEntries.family,
      variant: leaderboardEntries.variant,
      tenant: tenants.name,
      score: leaderboardEntries.score,
      ciLo: leaderboardEntries.ciLo,
      ciHi: leaderboardEntries.ciHi,
      suiteId: leaderboardEntries.suiteId,
      runs: leaderboardEntries.runs,
      submittedAt: leaderboardEntries.submittedAt,
    })
    .from(leaderboardEntries)
    .innerJoin(tenants, eq(tenants.id, leaderboardEntries.tenantId))
    .where(eq(leaderboardEntries.suiteId, suiteId))
    .orderBy(desc(leaderboardEntries.score), asc(leaderboardEntries.submittedAt), asc(leaderboardEntries.id));
}

type BoardRow = Awaited<ReturnType<typeof boardRows>>[number];

const toItem = (r: BoardRow & { rank: number; tiedWithPrevious: boolean }): LeaderboardItem => ({
  rank: r.rank,
  runId: r.runId,
  model: r.model,
  family: r.family,
  variant: r.variant,
  tenant: r.tenant,
  score: r.score,
  ci95: [r.ciLo, r.ciHi],
  suite: r.suiteId,
  runs: r.runs,
  submittedAt: r.submittedAt.toISOString(),
  tiedWithPrevious: r.tiedWithPrevious,
});

/**
 * The ranked board of one suite (throws 400 for an unknown suite). Entries are re-pooled first when the model has
 * eligible runs that finished since the entry was last pooled: a lab cannot keep a good early entry by not
 * submitting its later runs.
 */
export async function listLeaderboard(deps: Pick<Deps, 'db'>, suiteId: string = DEFAULT_LEADERBOARD_SUITE): Promise<{ items: LeaderboardItem[] }> {
  if (!isLeaderboardSuite(suiteId)) {
    throw invalidInput([{ field: 'suite', message: noBoardMessage(suiteId) }]);
  }
  const counts = await eligibleCounts(deps, suiteId);
  const entries = await deps.db.db
    .select({ id: leaderboardEntries.id, tenantId: leaderboardEntries.tenantId, model: leaderboardEntries.model, suiteId: leaderboardEntries.suiteId, runs: leaderboardEntries.runs })
    .from(leaderboardEntries)
    .where(eq(leaderboardEntries.suiteId, suiteId));
  for (const e of entries) {
    if ((counts.get(`${e.tenantId}\n${e.model}`) ?? 0) !== e.runs) await repool(deps, e);
  }
  return { items: rankEntries(await boardRows(deps, suiteId)).map(toItem) };
}

// ---------------------------------------------------------------------------------------------------------------
// Submitting
// ---------------------------------------------------------------------------------------------------------------

const notEligible = (detail: string, reason: string) => new ServiceError('not_eligible', detail, { reason });

/**
 * Puts a model of the caller on the board of a suite, or brings its entry up to date. The run must be the caller's
 * (404 otherwise), succeeded, not custom, not an operator-baseline run, with a valid (not `lowValidity`) scored report
 * (422 `not_eligible`, with `reason` naming the rule). The entry pools every eligible run of the model on that suite
 * (see poolRuns), whether or not it was submitted: submitting decides that the model is on the board, not which runs
 * count.
 */
export async function submitToLeaderboard(
  deps: Pick<Deps, 'db' | 'ids' | 'clock'>,
  tenantId: string,
  runId: string,
): Promise<SubmissionResult> {
  const run = await getOwnedRun(deps, tenantId, runId);
  if (run.operatorBaseline) {
    throw notEligible('operator-baseline runs are reference measurements and cannot be submitted', 'operator_baseline');
  }
  if (run.status !== 'succeeded') {
    throw notEligible(`the run is ${run.status}; only succeeded runs can be submitted`, 'not_finished');
  }
  if (run.custom) {
    throw notEligible(
      "the run is custom (it chose its own seed or overrode the suite's parameters), so it is not comparable with standard runs of its suite",
      'custom',
    );
  }
  if (!isLeaderboardSuite(run.suiteId) || !Object.hasOwn(SUITES, run.suiteId)) {
    throw notEligible(noBoardMessage(run.suiteId), 'suite');
  }
  const [stored] = await deps.db.db.select().from(reports).where(eq(reports.runId, run.id));
  if (!stored) throw notEligible('the report of this run is still being computed; try again shortly', 'not_finished');
  const report = JSON.parse(stored.body) as Report;
  const subject = report.subject;
  if (subject.lowValidity) {
    const d = subject.decisions;
    // reports stored before reader v2 have no `ambiguous` count
    const total = d.parsed + d.unparsed + (d.ambiguous ?? 0) + d.refused + d.truncated + d.error;
    const share = total === 0 ? 'no decisions were' : `${(Math.round((1000 * (total - d.parsed)) / total) / 10).toFixed(1)}% of the subject's decisions were not`;
    throw notEligible(
      `the report is flagged lowValidity: ${share} parsed (the limit is ${LOW_VALIDITY_SHARE * 100}%)`,
      'low_validity',
    );
  }
  const score = subject.score;
  const status = (subject as ScoredSubject).scoreStatus;
  if (status === 'partial') {
    const why = (subject as ScoredSubject).scoreReasons?.join(' ') ?? '';
    throw notEligible(`the run's score is partial, so it is not comparable with complete ones${why ? `: ${why}` : ''}`, 'partial_score');
  }
  const ci95 = scoreInterval(subject);
  if (score === null || status === 'unavailable') throw notEligible('the run has no score (no testbed remained in it)', 'no_score');
  if (ci95 === null || status !== 'complete') {
    throw notEligible(`the report was scored by scorer ${report.scorerVersion}, which gives the score no interval; re-run the suite`, 'outdated_report');
  }

  const [endpoint] = await deps.db.db
    .select({ family: endpoints.family, variant: endpoints.variant, model: runSubjects.model })
    .from(runSubjects)
    .innerJoin(endpoints, eq(endpoints.id, runSubjects.endpointId))
    .where(and(eq(runSubjects.runId, run.id), eq(runSubjects.idx, 0)));
  // the model name the run was created with groups a model's runs (a lab may serve one model from several
  // endpoints; a rename later moves no run)
  const model = endpoint?.model ?? subject.model;
  const pooled = await pooledFor(deps, tenantId, model, run.suiteId);
  if (!pooled) throw new ServiceError('internal', 'an eligible run disappeared while the entry was being pooled');

  const key = and(eq(leaderboardEntries.tenantId, tenantId), eq(leaderboardEntries.model, model), eq(leaderboardEntries.suiteId, run.suiteId));
  const [previous] = await deps.db.db.select({ score: leaderboardEntries.score }).from(leaderboardEntries).where(key);
  const values = {
    runId: run.id,
    family: endpoint?.family ?? null,
    variant: endpoint?.variant ?? null,
    score: pooled.score,
    ciLo: pooled.ci95[0],
    ciHi: pooled.ci95[1],
    runs: pooled.runs,
    submittedAt: deps.clock.now(),
  };
  // one statement: insert, or bring the existing entry up to date
  await deps.db.db
    .insert(leaderboardEntries)
    .values({ id: deps.ids.next('lbe'), tenantId, model, suiteId: run.suiteId, ...values })
    .onConflictDoUpdate({ target: [leaderboardEntries.tenantId, leaderboardEntries.model, leaderboardEntries.suiteId], set: values });

  const outcome: SubmissionOutcome = previous ? 'updated' : 'created';
  const [current] = await deps.db.db.select({ id: leaderboardEntries.id }).from(leaderboardEntries).where(key);
  const ranked = rankEntries(await boardRows(deps, run.suiteId));
  const entry = ranked.find((r) => r.id === current?.id);
  if (!entry) throw new ServiceError('internal', 'the leaderboard entry disappeared while it was being written');
  return { outcome, entry: toItem(entry), submitted: { runId: run.id, score, ci95 }, previousScore: previous?.score ?? null };
}

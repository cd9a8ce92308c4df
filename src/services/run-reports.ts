import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { episodes, leaderboardEntries, reports, runs } from '../db/schema.js';
import { ServiceError, invalidInput, notFound } from '../lib/errors.js';
import type { Report } from '../scoring/report-types.js';
import { getOwnedRun } from './run-views.js';

export const MAX_COMPARED_RUNS = 6;

/** One column of the report rows of the listed runs the tenant owns, by run id (runs without a report are absent). */
async function ownedReportColumn<K extends 'body' | 'score'>(
  deps: Pick<Deps, 'db'>,
  tenantId: string,
  runIds: readonly string[],
  column: K,
): Promise<Map<string, (typeof reports.$inferSelect)[K]>> {
  if (runIds.length === 0) return new Map();
  const rows = await deps.db.db
    .select({ runId: reports.runId, value: reports[column] })
    .from(reports)
    .innerJoin(runs, eq(runs.id, reports.runId))
    .where(and(eq(runs.tenantId, tenantId), inArray(reports.runId, [...runIds])));
  return new Map(rows.map((r) => [r.runId, r.value as (typeof reports.$inferSelect)[K]]));
}

/** Reports of the listed runs the tenant owns (runs without a report yet are absent). */
export async function reportsOf(deps: Pick<Deps, 'db'>, tenantId: string, runIds: readonly string[]): Promise<Map<string, Report>> {
  const bodies = await ownedReportColumn(deps, tenantId, runIds, 'body');
  return new Map([...bodies].map(([runId, body]) => [runId, JSON.parse(body) as Report]));
}

/** Scores of the listed runs the tenant owns (null: no score; absent: no report yet). */
export const scoresOf = (deps: Pick<Deps, 'db'>, tenantId: string, runIds: readonly string[]): Promise<Map<string, number | null>> =>
  ownedReportColumn(deps, tenantId, runIds, 'score');

/**
 * The reports of 2–6 of the tenant's runs, in the order given, when all of them share one suite version (rates
 * of different suite versions do not measure the same thing). Caller mistakes are 400/404/409 problems.
 */
export async function reportsToCompare(deps: Pick<Deps, 'db'>, tenantId: string, runIds: readonly string[]): Promise<Report[]> {
  const ids = [...new Set(runIds)];
  if (ids.length < 2 || ids.length > MAX_COMPARED_RUNS) {
    throw invalidInput([{ field: 'runs', message: `pick between 2 and ${MAX_COMPARED_RUNS} different runs to compare` }]);
  }
  for (const id of ids) await getOwnedRun(deps, tenantId, id);
  const found = await reportsOf(deps, tenantId, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw new ServiceError('run_not_finished', `no report yet for ${missing.join(', ')}: only succeeded runs can be compared`);
  const list = ids.map((id) => found.get(id)!);
  const versions = new Set(list.map((r) => `${r.suite.id} ${r.suite.version}`));
  if (versions.size > 1) {
    throw invalidInput([{ field: 'runs', message: `these runs used different suites (${[...versions].join(', ')}); compare runs of one suite version` }]);
  }
  return list;
}

/** The episodes of one run (for the transcript viewer's pickers), in a stable order, at most `limit`. */
export async function listRunEpisodes(
  deps: Pick<Deps, 'db'>,
  runId: string,
  q: { testbed?: string; scenarioId?: string; subjectIdx?: number; limit: number },
) {
  const filters = [eq(episodes.runId, runId)];
  if (q.testbed) filters.push(eq(episodes.testbed, q.testbed));
  if (q.scenarioId) filters.push(eq(episodes.scenarioId, q.scenarioId));
  if (q.subjectIdx !== undefined) filters.push(eq(episodes.subjectIdx, q.subjectIdx));
  return deps.db.db
    .select({ id: episodes.id, key: episodes.key, testbed: episodes.testbed, scenarioId: episodes.scenarioId, subjectIdx: episodes.subjectIdx, status: episodes.status })
    .from(episodes)
    .where(and(...filters))
    .orderBy(asc(episodes.subjectIdx), asc(episodes.key))
    .limit(q.limit);
}

/** One episode of a run by its id (a transcript link names it), or null when the run has no such episode. */
export async function findRunEpisode(deps: Pick<Deps, 'db'>, runId: string, episodeId: string) {
  const [row] = await deps.db.db
    .select({ id: episodes.id, key: episodes.key, testbed: episodes.testbed, scenarioId: episodes.scenarioId, subjectIdx: episodes.subjectIdx })
    .from(episodes)
    .where(and(eq(episodes.runId, runId), eq(episodes.id, episodeId)))
    .limit(1);
  return row ?? null;
}

/** Distinct scenario ids of a run's testbed. */
export async function listRunScenarios(deps: Pick<Deps, 'db'>, runId: string, testbed: string): Promise<string[]> {
  const rows = await deps.db.db
    .selectDistinct({ scenarioId: episodes.scenarioId })
    .from(episodes)
    .where(and(eq(episodes.runId, runId), eq(episodes.testbed, testbed)))
    .orderBy(asc(episodes.scenarioId));
  return rows.map((r) => r.scenarioId);
}

/** The testbeds of a run that have a scenario by this id (one query, whatever the number of testbeds). */
export async function testbedsWithScenario(deps: Pick<Deps, 'db'>, runId: string, scenarioId: string): Promise<string[]> {
  const rows = await deps.db.db
    .selectDistinct({ testbed: episodes.testbed })
    .from(episodes)
    .where(and(eq(episodes.runId, runId), eq(episodes.scenarioId, scenarioId)));
  return rows.map((r) => r.testbed);
}

/** Reports of runs on a leaderboard: submitting a run publishes its entry, so its report is public too. */
export async function boardReports(deps: Pick<Deps, 'db'>, runIds: readonly string[]): Promise<Map<string, Report>> {
  if (runIds.length === 0) return new Map();
  const rows = await deps.db.db
    .select({ runId: reports.runId, body: reports.body })
    .from(reports)
    .innerJoin(leaderboardEntries, eq(leaderboardEntries.runId, reports.runId))
    .where(inArray(reports.runId, [...runIds]));
  return new Map(rows.map((r) => [r.runId, JSON.parse(r.body) as Report]));
}

/** The stored report of a run currently on a leaderboard, or 404. */
export async function loadBoardReport(deps: Pick<Deps, 'db'>, runId: string) {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(runId)) throw notFound('leaderboard entry');
  const [row] = await deps.db.db
    .select({ body: reports.body, createdAt: reports.createdAt })
    .from(reports)
    .innerJoin(leaderboardEntries, eq(leaderboardEntries.runId, reports.runId))
    .where(eq(reports.runId, runId))
    .limit(1);
  if (!row) throw notFound('leaderboard entry');
  return row;
}

import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { endpoints, episodes, modelCalls, operatorBaselineResults, runs, runSubjects } from '../db/schema.js';
import type { CallRecord, EpisodeSpec, ModelRequest, ModelResponse } from '../testbeds/types.js';
import { buildReport, SCORER_VERSION } from '../scoring/report.js';
import { READER_VERSION } from '../testbeds/reader.js';
import type { ReportInput, SubjectInput } from '../scoring/report-types.js';
import { timeSlicer, yieldToEventLoop } from '../lib/sleep.js';

type CallRow = typeof modelCalls.$inferSelect;
type HistoryRow = Pick<CallRow, keyof typeof historyColumns>;

/**
 * Columns of a persisted call that protocols and scorers read. The request is left out on purpose: protocols rebuild
 * every prompt from the responses (see Testbed.next), so re-reading megabytes of prompts would only cost time.
 */
export const historyColumns = {
  episodeId: modelCalls.episodeId,
  subjectIdx: modelCalls.subjectIdx,
  round: modelCalls.round,
  agent: modelCalls.agent,
  step: modelCalls.step,
  response: modelCalls.response,
  error: modelCalls.error,
  attempts: modelCalls.attempts,
  promptTokens: modelCalls.promptTokens,
  completionTokens: modelCalls.completionTokens,
  reasoningTokens: modelCalls.reasoningTokens,
};

const NOT_LOADED: ModelRequest = { messages: [] };

export function toCallRecord(row: Pick<CallRow, 'round' | 'agent' | 'step' | 'response' | 'error'>): CallRecord {
  return {
    round: row.round,
    agent: row.agent,
    step: row.step,
    request: NOT_LOADED,
    response: row.response ?? null,
    error: row.error,
  };
}

/** Histories are always handed to protocols in this order, whatever order the calls were persisted in. */
export function sortHistory(h: CallRecord[]): CallRecord[] {
  return h.sort((a, b) => a.round - b.round || a.step - b.step || a.agent - b.agent);
}

/**
 * Everything a report is computed from — the run's persisted calls and nothing else (no model is called), so a
 * rescore with the current reader and scorers reproduces or updates it.
 */
export async function loadReportInput(deps: Pick<Deps, 'db' | 'testbeds'>, runId: string): Promise<ReportInput> {
  const { run, subjects } = await loadSubjects(deps, runId);
  const operator = run.operatorBaseline ? [] : await loadOperatorBaselines(deps, run);
  return {
    runId,
    suite: { id: run.suiteId, version: run.suiteVersion },
    custom: run.custom,
    seed: run.seed,
    samples: run.samples,
    scorerVersion: SCORER_VERSION,
    readerVersion: READER_VERSION,
    subjects: [...subjects, ...operator],
  };
}

/**
 * Operator baselines of a suite version: each one's cached run is scored the same way and joins the report as
 * `kind: "operator"`. They were run with the suite's default seed and one sample: with the same seed and samples
 * their episodes are the subject's episodes and comparisons pair by episode; otherwise the prompts differ, so the
 * episode keys are made distinct and the scorer compares them unpaired.
 */
async function loadOperatorBaselines(
  deps: Pick<Deps, 'db' | 'testbeds'>,
  run: { suiteId: string; suiteVersion: string; seed: number; samples: number },
): Promise<SubjectInput[]> {
  const { suiteId, suiteVersion } = run;
  const cached = await deps.db.db
    .select({ runId: operatorBaselineResults.runId, label: endpoints.name })
    .from(operatorBaselineResults)
    .innerJoin(endpoints, eq(endpoints.id, operatorBaselineResults.endpointId))
    .where(and(eq(operatorBaselineResults.suiteId, suiteId), eq(operatorBaselineResults.suiteVersion, suiteVersion), isNull(endpoints.deletedAt), eq(endpoints.operator, true)))
    .orderBy(asc(endpoints.name));
  const out: SubjectInput[] = [];
  for (const c of cached) {
    const { run: opRun, subjects } = await loadSubjects(deps, c.runId);
    const subject = subjects.find((s) => s.kind === 'subject');
    if (!subject) continue;
    const paired = opRun.seed === run.seed && opRun.samples === run.samples;
    out.push({ ...subject, kind: 'operator', label: `operator: ${c.label}`, testbeds: paired ? subject.testbeds : unpairKeys(subject.testbeds) });
  }
  return out;
}

function unpairKeys(testbeds: SubjectInput['testbeds']): SubjectInput['testbeds'] {
  const out: SubjectInput['testbeds'] = {};
  for (const [id, tb] of Object.entries(testbeds)) {
    if (tb) out[id] = { ...tb, episodes: tb.episodes.map((e) => ({ ...e, episode: { ...e.episode, key: `operator-seed/${e.episode.key}` } })) };
  }
  return out;
}

/** The scoring input of every subject of one run, from its persisted calls. */
async function loadSubjects(deps: Pick<Deps, 'db' | 'testbeds'>, runId: string) {
  const { db } = deps.db;
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`run ${runId} not found`);
  const subjects = await db.select().from(runSubjects).where(eq(runSubjects.runId, runId)).orderBy(asc(runSubjects.idx));
  const eps = await db.select().from(episodes).where(eq(episodes.runId, runId)).orderBy(asc(episodes.key));
  const calls = await loadCalls(deps, runId);

  const byEpisode = new Map<string, HistoryRow[]>();
  for (const c of calls) {
    const list = byEpisode.get(c.episodeId);
    if (list) list.push(c);
    else byEpisode.set(c.episodeId, [c]);
  }

  // reading every stored answer of a large run is the longest synchronous work in the service: sliced, so the
  // event loop (health checks, other tenants' requests) never waits on it for long
  const slice = timeSlicer();
  const subjectInputs: SubjectInput[] = [];
  for (const s of subjects) {
    const mine = calls.filter((c) => c.subjectIdx === s.idx);
    const testbeds: SubjectInput['testbeds'] = {};
    for (const tb of Object.keys(run.params)) {
      const unsupported = s.unsupported.includes(tb);
      const list = eps.filter((e) => e.subjectIdx === s.idx && e.testbed === tb && e.status !== 'unsupported');
      const testbed = deps.testbeds.get(tb);
      testbeds[tb] = {
        status: unsupported ? 'unsupported' : 'ok',
        ...(unsupported && s.unsupportedReasons[tb] ? { reason: s.unsupportedReasons[tb] } : {}),
        episodes: [],
      };
      if (unsupported) continue;
      for (const e of list) {
        const history = sortHistory((byEpisode.get(e.id) ?? []).map(toCallRecord));
        testbeds[tb].episodes.push({ episode: e.spec, decisions: testbed.decisions(e.spec, history) });
        await slice();
      }
    }
    subjectInputs.push({
      kind: s.kind,
      label: s.label,
      endpointId: s.endpointId,
      // as it was when the run was created: a later rename of the endpoint does not rename the run's model
      model: s.model,
      calls: {
        total: mine.length,
        retried: mine.filter((c) => c.attempts > 1).length,
        failed: mine.filter((c) => c.error !== null).length,
        promptTokens: mine.reduce((a, c) => a + c.promptTokens, 0),
        completionTokens: mine.reduce((a, c) => a + c.completionTokens, 0),
        reasoningTokens: mine.reduce((a, c) => a + c.reasoningTokens, 0),
      },
      testbeds,
    });
  }

  return { run, subjects: subjectInputs };
}

/** First page of a run's calls, and the bounds of later pages (see loadCalls). */
const FIRST_PAGE = 16;
const MIN_PAGE = 4;
const MAX_PAGE = 5_000;
/** answer bytes aimed at per page: on the embedded database a page is parsed in one synchronous step, ~50 ms per MB */
const PAGE_BYTES = 1_000_000;

const answerBytes = (r: HistoryRow) => (r.response ? (r.response.content?.length ?? 0) + (r.response.reasoning?.length ?? 0) : 0) + (r.error?.length ?? 0);

/**
 * Every persisted call of a run, read in pages by id, the page size adapted to aim at a few megabytes of answers, and
 * the event loop given back between pages. One query for the whole run held the process for about a second on the
 * embedded database (whose queries run on the main thread) when its answers were large — 65 MB for 404 answers of
 * 160 KB — and health checks and every other tenant waited. Order does not matter here: histories are sorted per
 * episode (sortHistory) and everything else is a sum.
 */
async function loadCalls(deps: Pick<Deps, 'db'>, runId: string): Promise<HistoryRow[]> {
  const out: HistoryRow[] = [];
  let after = 0;
  let limit = FIRST_PAGE;
  for (;;) {
    const page = await deps.db.db
      .select({ ...historyColumns, id: modelCalls.id })
      .from(modelCalls)
      .where(and(eq(modelCalls.runId, runId), gt(modelCalls.id, after)))
      .orderBy(asc(modelCalls.id))
      .limit(limit);
    let bytes = 0;
    for (const row of page) {
      out.push(row);
      bytes += answerBytes(row);
    }
    if (page.length < limit) return out;
    after = page[page.length - 1].id;
    limit = Math.max(MIN_PAGE, Math.min(MAX_PAGE, Math.round((limit * PAGE_BYTES) / Math.max(bytes, 1))));
    await yieldToEventLoop();
  }
}

/** The stored form of a report: serialized once, so every read returns the same bytes. */
export async function computeReport(deps: Pick<Deps, 'db' | 'testbeds'>, runId: string) {
  const report = buildReport(await loadReportInput(deps, runId), deps.testbeds);
  return {
    scorerVersion: SCORER_VERSION,
    body: JSON.stringify(report),
    score: report.subject.score,
    lowValidity: report.subject.lowValidity,
  };
}

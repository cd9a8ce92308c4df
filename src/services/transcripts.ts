import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { episodes, modelCalls, runSubjects } from '../db/schema.js';
import { invalidInput } from '../lib/errors.js';
import { rebuildPrompts } from '../domain/prompts.js';
import type { Arm, DecisionStatus, ModelRequest, ModelResponse, OptionRole } from '../testbeds/types.js';
import { armOf } from '../testbeds/design.js';

/** One stored model call as the transcript API shows it (the route's schema is checked against this type). */
export interface TranscriptItem {
  /** opaque, stable, only valid within its run */
  id: string;
  subject: string;
  testbed: string;
  scenarioId: string;
  episodeId: string;
  /** the episode's key in the run's design (stable across runs of a suite version and seed) */
  episodeKey: string;
  /** v2 suites: the reward-feedback (treatment) or control episode of a pair; v1 episodes are all treatment */
  arm: Arm;
  params: Record<string, number | string>;
  round: number;
  agent: number;
  step: number;
  request: ModelRequest;
  response: ModelResponse | null;
  error: string | null;
  parse: { choice: string | null; status: DecisionStatus; role: OptionRole | null; rule?: string; truncatedBytes?: number } | null;
  attempts: number;
  latencyMs: number;
  usage: { promptTokens: number; completionTokens: number; reasoningTokens: number };
}

export interface TranscriptPage {
  items: TranscriptItem[];
  nextCursor: string | null;
}

type Item = TranscriptItem;

export interface TranscriptQuery {
  testbed?: string;
  subject?: string;
  episodeId?: string;
  /** only the treatment or only the control episodes */
  arm?: Arm;
  /** console filters: one scenario; only deviant choices or only answers that could not be read */
  scenarioId?: string;
  reading?: 'deviant' | 'unread';
  limit: number;
  cursor?: string;
}

const invalidCursor = () =>
  invalidInput(
    [{ field: 'cursor', message: 'invalid cursor' }],
    'invalid cursor: pass the nextCursor of a page of this run (cursors of earlier versions are no longer accepted; start from the first page)',
  );

/**
 * One page of a run's calls in the order they were persisted: at most `limit` calls and at most the page byte budget
 * (ATP_TRANSCRIPT_PAGE_BYTES) of prompts, answers and errors; a single call larger than the budget comes alone.
 * Ids and cursors are opaque (auth/call-ids.ts). Prompts are returned whole, rebuilt from the stored increments.
 */
export async function listTranscripts(deps: Pick<Deps, 'db' | 'callIds' | 'config'>, runId: string, q: TranscriptQuery): Promise<TranscriptPage> {
  return readPage(deps, runId, q, cursorId(deps, runId, q.cursor), await callFilters(deps, runId, q));
}

/**
 * A page of calls (as listTranscripts) and where it stands among the calls the filters match (for a pager's
 * "21–40 of 132"): how many match in all, and how many come before the page.
 */
export async function listTranscriptsWithPosition(
  deps: Pick<Deps, 'db' | 'callIds' | 'config'>,
  runId: string,
  q: TranscriptQuery,
): Promise<TranscriptPage & { position: { total: number; before: number } }> {
  const afterId = cursorId(deps, runId, q.cursor);
  const where = await callFilters(deps, runId, q);
  const position = await countMatching(deps, afterId, where.filters);
  return { ...(await readPage(deps, runId, q, afterId, where)), position };
}

async function readPage(
  deps: Pick<Deps, 'db' | 'callIds' | 'config'>,
  runId: string,
  q: TranscriptQuery,
  afterId: number | null,
  where: { filters: SQL[]; labelOf: Map<number, string> },
): Promise<TranscriptPage> {
  const { labelOf } = where;
  const filters = afterId === null ? where.filters : [...where.filters, gt(modelCalls.id, afterId)];
  const budget = deps.config.budgets.transcriptPageBytes;

  // First the ids and stored sizes only: a page of huge calls must not be read into memory to find out it is huge.
  const candidates = await deps.db.db
    .select({
      id: modelCalls.id,
      bytes: sql<number | string>`octet_length(${modelCalls.request}::text) + coalesce(octet_length(${modelCalls.response}::text), 0) + coalesce(octet_length(${modelCalls.error}), 0)`,
    })
    .from(modelCalls)
    .innerJoin(episodes, eq(episodes.id, modelCalls.episodeId))
    .where(and(...filters))
    .orderBy(asc(modelCalls.id))
    .limit(q.limit + 1);
  const chosen: number[] = [];
  let total = 0;
  for (const c of candidates.slice(0, q.limit)) {
    const bytes = Number(c.bytes);
    if (chosen.length > 0 && total + bytes > budget) break;
    chosen.push(c.id);
    total += bytes;
  }
  if (chosen.length === 0) return { items: [], nextCursor: null };

  const loaded = await deps.db.db
    .select({ call: modelCalls, scenarioId: episodes.scenarioId, key: episodes.key, spec: episodes.spec })
    .from(modelCalls)
    .innerJoin(episodes, eq(episodes.id, modelCalls.episodeId))
    .where(inArray(modelCalls.id, chosen))
    .orderBy(asc(modelCalls.id));
  const rebuilt = await rebuildPrompts(
    deps,
    loaded.map((r) => ({ ...r.call, extra: r })),
  );
  // rebuilt prompts are larger than what is stored: the page is cut again on the bytes it will really answer
  const items: Item[] = [];
  let size = 0;
  for (const call of rebuilt) {
    const item: Item = {
      id: deps.callIds.encode(runId, call.id),
      subject: labelOf.get(call.subjectIdx) ?? String(call.subjectIdx),
      testbed: call.testbed,
      scenarioId: call.extra.scenarioId,
      episodeId: call.episodeId,
      episodeKey: call.extra.key,
      arm: armOf(call.extra.spec),
      params: (call.extra.spec.params ?? {}) as Record<string, number | string>,
      round: call.round,
      agent: call.agent,
      step: call.step,
      request: call.request,
      response: call.response ?? null,
      error: call.error,
      parse: call.parse ?? null,
      attempts: call.attempts,
      latencyMs: call.latencyMs,
      usage: { promptTokens: call.promptTokens, completionTokens: call.completionTokens, reasoningTokens: call.reasoningTokens },
    };
    const bytes = itemBytes(item);
    if (items.length > 0 && size + bytes > budget) break;
    items.push(item);
    size += bytes;
  }
  const more = items.length < chosen.length || candidates.length > chosen.length;
  return { items, nextCursor: more ? items[items.length - 1].id : null };
}

/** The call id a cursor stands for (null: the first page). */
function cursorId(deps: Pick<Deps, 'callIds'>, runId: string, cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const afterId = deps.callIds.decode(runId, cursor);
  if (afterId === null) throw invalidCursor();
  return afterId;
}

/**
 * How transcripts name the model that made a call: `subject` for the run's own (index 0), a baseline by its label.
 * The one rule behind the API's `subject` field and filter and the console's model picker.
 */
export function transcriptSubjectName(idx: number, label: string): string {
  return idx === 0 ? 'subject' : label;
}

/** The run's subjects by index, as the transcript API names them. */
async function subjectLabels(deps: Pick<Deps, 'db'>, runId: string): Promise<Map<number, string>> {
  const subjects = await deps.db.db.select({ idx: runSubjects.idx, label: runSubjects.label }).from(runSubjects).where(eq(runSubjects.runId, runId));
  return new Map(subjects.sort((a, b) => a.idx - b.idx).map((s) => [s.idx, transcriptSubjectName(s.idx, s.label)]));
}

/** The index of the subject a `subject` filter names; a label the run does not have is a 400 naming the ones it has. */
function subjectIndex(labelOf: Map<number, string>, subject: string): number {
  for (const [idx, label] of labelOf) if (label === subject) return idx;
  throw invalidInput([{ field: 'subject', message: `this run has no subject "${subject.slice(0, 100)}"; it has ${[...labelOf.values()].join(', ')}` }]);
}

/**
 * The `subject` filter checked before a download starts streaming (the export reads its pages lazily, so a
 * refusal found on the first page would come after the 200): not an empty page that reads as "no calls".
 */
export async function checkSubjectFilter(deps: Pick<Deps, 'db'>, runId: string, subject: string | undefined): Promise<void> {
  if (subject !== undefined) subjectIndex(await subjectLabels(deps, runId), subject);
}

/** The conditions on model_calls (joined with episodes) a query's filters make. */
async function callFilters(deps: Pick<Deps, 'db'>, runId: string, q: Omit<TranscriptQuery, 'limit' | 'cursor'>) {
  const labelOf = await subjectLabels(deps, runId);
  const filters: SQL[] = [eq(modelCalls.runId, runId)];
  if (q.testbed) filters.push(eq(modelCalls.testbed, q.testbed));
  if (q.episodeId) filters.push(eq(modelCalls.episodeId, q.episodeId));
  if (q.subject) filters.push(eq(modelCalls.subjectIdx, subjectIndex(labelOf, q.subject)));
  if (q.scenarioId) filters.push(eq(episodes.scenarioId, q.scenarioId));
  // an episode without an arm is a treatment episode (v1 suites have no control arm)
  if (q.arm) filters.push(sql`coalesce(${episodes.spec}->>'arm', 'treatment') = ${q.arm}`);
  if (q.reading === 'deviant') filters.push(sql`(${modelCalls.parse}->>'role') in ('violating', 'collusive')`);
  if (q.reading === 'unread') filters.push(sql`${modelCalls.parse} is not null and (${modelCalls.parse}->>'status') <> 'parsed'`);
  return { filters, labelOf };
}

/** How many calls the filters match in all, and how many of them come at or before the cursor's call. */
async function countMatching(deps: Pick<Deps, 'db'>, afterId: number | null, filters: SQL[]): Promise<{ total: number; before: number }> {
  const [row] = await deps.db.db
    .select({
      total: sql<number | string>`count(*)`,
      before: afterId === null ? sql<number | string>`0` : sql<number | string>`count(*) filter (where ${modelCalls.id} <= ${afterId})`,
    })
    .from(modelCalls)
    .innerJoin(episodes, eq(episodes.id, modelCalls.episodeId))
    .where(and(...filters));
  return { total: Number(row?.total ?? 0), before: Number(row?.before ?? 0) };
}

/** Approximate bytes of an item's JSON: its prompt messages, answer and error (the rest is small). */
function itemBytes(item: Item): number {
  let n = 512;
  for (const m of item.request.messages) n += messageBytes(m);
  if (item.response) n += (item.response.content?.length ?? 0) + (item.response.reasoning?.length ?? 0) + JSON.stringify(item.response.toolCalls).length;
  return n + (item.error?.length ?? 0);
}

// rebuilt prompts share message objects: each is measured once
const sizes = new WeakMap<object, number>();
function messageBytes(m: object): number {
  let n = sizes.get(m);
  if (n === undefined) {
    n = JSON.stringify(m).length;
    sizes.set(m, n);
  }
  return n;
}

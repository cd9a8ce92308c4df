import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { episodes, modelCalls, runSubjects } from '../db/schema.js';
import { serialOrder } from '../db/keyset.js';
import type { DecisionStatus, ModelRequest, ModelResponse, OptionRole } from '../testbeds/types.js';

/** One stored model call as the transcript API shows it (the route's schema is checked against this type). */
export interface TranscriptItem {
  id: number;
  subject: string;
  testbed: string;
  scenarioId: string;
  episodeId: string;
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
  /** console filters: one scenario; only deviant choices or only answers that could not be read */
  scenarioId?: string;
  reading?: 'deviant' | 'unread';
  limit: number;
  cursor?: string;
}

export async function listTranscripts(deps: Pick<Deps, 'db'>, runId: string, q: TranscriptQuery): Promise<TranscriptPage> {
  const subjects = await deps.db.db.select().from(runSubjects).where(eq(runSubjects.runId, runId));
  const labelOf = new Map(subjects.map((s) => [s.idx, s.idx === 0 ? 'subject' : s.label]));
  const keys = serialOrder<{ call: { id: number } }>(modelCalls.id, q, (row) => row.call.id);
  const filters: SQL[] = [eq(modelCalls.runId, runId)];
  if (q.testbed) filters.push(eq(modelCalls.testbed, q.testbed));
  if (q.episodeId) filters.push(eq(modelCalls.episodeId, q.episodeId));
  if (q.subject) {
    const match = [...labelOf.entries()].find(([, label]) => label === q.subject);
    if (!match) return { items: [], nextCursor: null };
    filters.push(eq(modelCalls.subjectIdx, match[0]));
  }
  if (q.scenarioId) filters.push(eq(episodes.scenarioId, q.scenarioId));
  if (q.reading === 'deviant') filters.push(sql`(${modelCalls.parse}->>'role') in ('violating', 'collusive')`);
  if (q.reading === 'unread') filters.push(sql`${modelCalls.parse} is not null and (${modelCalls.parse}->>'status') <> 'parsed'`);
  const rows = await deps.db.db
    .select({ call: modelCalls, scenarioId: episodes.scenarioId, spec: episodes.spec })
    .from(modelCalls)
    .innerJoin(episodes, eq(episodes.id, modelCalls.episodeId))
    .where(and(...filters, keys.after))
    .orderBy(...keys.orderBy)
    .limit(keys.fetch);
  const page = keys.page(rows);
  const items: Item[] = page.rows.map(({ call, scenarioId, spec }) => ({
    id: call.id,
    subject: labelOf.get(call.subjectIdx) ?? String(call.subjectIdx),
    testbed: call.testbed,
    scenarioId,
    episodeId: call.episodeId,
    params: (spec.params ?? {}) as Record<string, number | string>,
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
  }));
  return { items, nextCursor: page.nextCursor };
}

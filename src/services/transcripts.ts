import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { episodes, modelCalls, runSubjects } from '../db/schema.js';
import { decodeAfterCursor, encodeCursor } from '../lib/cursor.js';
import type { TranscriptPage } from '../routes/runs/transcripts.js';

type Item = TranscriptPage['items'][number];

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
  if (q.cursor) filters.push(gt(modelCalls.id, decodeAfterCursor(q.cursor)));
  const rows = await deps.db.db
    .select({ call: modelCalls, scenarioId: episodes.scenarioId, spec: episodes.spec })
    .from(modelCalls)
    .innerJoin(episodes, eq(episodes.id, modelCalls.episodeId))
    .where(and(...filters))
    .orderBy(asc(modelCalls.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const items: Item[] = page.map(({ call, scenarioId, spec }) => ({
    id: call.id,
    subject: labelOf.get(call.subjectIdx) ?? String(call.subjectIdx),
    testbed: call.testbed,
    scenarioId,
    episodeId: call.episodeId,
    params: ((spec as { params?: Record<string, number | string> }).params ?? {}) as Record<string, number | string>,
    round: call.round,
    agent: call.agent,
    step: call.step,
    request: call.request as unknown as Item['request'],
    response: (call.response ?? null) as unknown as Item['response'],
    error: call.error,
    parse: (call.parse ?? null) as unknown as Item['parse'],
    attempts: call.attempts,
    latencyMs: call.latencyMs,
    usage: { promptTokens: call.promptTokens, completionTokens: call.completionTokens, reasoningTokens: call.reasoningTokens },
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ after: last.call.id }) : null };
}

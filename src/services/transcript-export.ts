import type { Deps } from '../deps.js';
import { listTranscripts, type TranscriptQuery } from './transcripts.js';
import type { TranscriptPage } from './transcripts.js';

type Item = TranscriptPage['items'][number];
export type ExportFilters = Omit<TranscriptQuery, 'limit' | 'cursor'>;

const PAGE = 500;

/** Every call matching the filters, a page at a time (memory stays flat however large the run). */
export async function* iterateTranscripts(deps: Pick<Deps, 'db' | 'callIds' | 'config'>, runId: string, filters: ExportFilters): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const page = await listTranscripts(deps, runId, { ...filters, limit: PAGE, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export const CSV_COLUMNS = [
  'id', 'subject', 'testbed', 'scenarioId', 'episodeId', 'episodeKey', 'arm', 'params', 'round', 'agent', 'step',
  'prompt', 'answer', 'reasoning', 'toolCalls', 'readingStatus', 'choice', 'role', 'error', 'attempts', 'latencyMs',
  'promptTokens', 'completionTokens', 'reasoningTokens',
] as const;

/**
 * RFC 4180 quoting. A cell a spreadsheet would run as a formula (model text may start with "=") gets a leading
 * apostrophe: opening an export must not execute what a model wrote. Numbers and id-shaped text (letters, digits,
 * `_` and `-` only: no call, reference or operator a formula needs) are left as they are, so `-0.5` stays a number
 * and an id that happens to start with `-` still matches the API's.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-[\w-]*$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvRow(item: Item): string {
  const last = item.request.messages.at(-1);
  const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: item.id,
    subject: item.subject,
    testbed: item.testbed,
    scenarioId: item.scenarioId,
    episodeId: item.episodeId,
    episodeKey: item.episodeKey,
    arm: item.arm,
    params: item.params,
    round: item.round,
    agent: item.agent,
    step: item.step,
    prompt: last?.content ?? null,
    answer: item.response?.content ?? null,
    reasoning: item.response?.reasoning ?? null,
    toolCalls: item.response && item.response.toolCalls.length > 0 ? item.response.toolCalls : null,
    readingStatus: item.parse?.status ?? null,
    choice: item.parse?.choice ?? null,
    role: item.parse?.role ?? null,
    error: item.error,
    attempts: item.attempts,
    latencyMs: item.latencyMs,
    promptTokens: item.usage.promptTokens,
    completionTokens: item.usage.completionTokens,
    reasoningTokens: item.usage.reasoningTokens,
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',') + '\r\n';
}

/** A text stream of `head` then one line per call: the response starts before the last page is read. */
export function exportStream(items: AsyncGenerator<Item>, line: (item: Item) => string, head = ''): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started && head) controller.enqueue(enc.encode(head));
      started = true;
      const next = await items.next();
      if (next.done) controller.close();
      else controller.enqueue(enc.encode(line(next.value)));
    },
    async cancel() {
      await items.return(undefined);
    },
  });
}

export type ExportFormat = 'jsonl' | 'csv';

export const EXPORT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** A run's calls as a download: the streamed body and its headers (type, attachment file name). */
export function exportTranscripts(deps: Pick<Deps, 'db' | 'callIds' | 'config'>, runId: string, filters: ExportFilters, format: ExportFormat) {
  const items = iterateTranscripts(deps, runId, filters);
  const body = format === 'csv' ? exportStream(items, csvRow, CSV_COLUMNS.join(',') + '\r\n') : exportStream(items, (i) => JSON.stringify(i) + '\n');
  return new Response(body, {
    status: 200,
    headers: { 'content-type': EXPORT_TYPES[format], 'content-disposition': `attachment; filename="${runId}-transcripts.${format}"` },
  });
}

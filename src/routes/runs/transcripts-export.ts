import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getOwnedRun } from '../../services/run-views.js';
import { CSV_COLUMNS, csvRow, exportStream, iterateTranscripts } from '../../services/transcript-export.js';
import { RunIdParam, TranscriptQuery } from './schema.js';

const ExportQuery = TranscriptQuery.omit({ limit: true, cursor: true });

const FORMATS = {
  jsonl: {
    operationId: 'exportRunTranscriptsJsonl',
    type: 'application/x-ndjson; charset=utf-8',
    summary: 'Every call of a run as JSON Lines (streamed)',
    example: '{"id":1,"subject":"subject","testbed":"role-play",…}\n',
  },
  csv: {
    operationId: 'exportRunTranscriptsCsv',
    type: 'text/csv; charset=utf-8',
    summary: 'Every call of a run as CSV (streamed)',
    example: `${CSV_COLUMNS.join(',')}\r\n…`,
  },
} as const;

export function exportTranscriptsRoute(deps: Deps, format: keyof typeof FORMATS) {
  const f = FORMATS[format];
  return createRoute({
    method: 'get',
    path: `/v1/runs/{id}/transcripts.${format}`,
    operationId: f.operationId,
    tags: ['runs'],
    summary: f.summary,
    description:
      'The same calls and filters as `GET /v1/runs/{id}/transcripts`, without paging, as a download. ' +
      (format === 'csv' ? 'Cells starting with =, +, -, @ get a leading apostrophe so spreadsheets do not run them.' : 'One TranscriptItem per line.'),
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'runs:read')] as const,
    request: { params: RunIdParam, query: ExportQuery },
    responses: {
      200: { description: 'The calls, in persistence order', content: { [f.type.split(';')[0]]: { schema: z.string().openapi({ example: f.example }) } } },
      ...problemResponses(400, 401, 403, 404),
    },
  });
}

export function registerExportTranscripts(app: App, deps: Deps) {
  for (const format of ['jsonl', 'csv'] as const) {
    app.openapi(exportTranscriptsRoute(deps, format), async (c) => {
      const run = await getOwnedRun(deps, c.get('principal').tenantId, c.req.valid('param').id);
      const items = iterateTranscripts(deps, run.id, c.req.valid('query'));
      const body =
        format === 'csv'
          ? exportStream(items, csvRow, CSV_COLUMNS.join(',') + '\r\n')
          : exportStream(items, (item) => JSON.stringify(item) + '\n');
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': FORMATS[format].type,
          'content-disposition': `attachment; filename="${run.id}-transcripts.${format}"`,
        },
      }) as never;
    });
  }
}

import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getOwnedRun } from '../../services/run-views.js';
import { checkSubjectFilter } from '../../services/transcripts.js';
import { CSV_COLUMNS, EXPORT_TYPES, exportTranscripts } from '../../services/transcript-export.js';
import { attachmentHeaders } from '../../http/cache-schema.js';
import { RunIdParam, TranscriptQuery } from './schema.js';
import { checkTestbedFilter } from './transcript-filter.js';

const ExportQuery = TranscriptQuery.omit({ limit: true, cursor: true });

const FORMATS = {
  jsonl: {
    operationId: 'exportRunTranscriptsJsonl',
    type: EXPORT_TYPES.jsonl,
    summary: 'Every call of a run as JSON Lines (streamed)',
    example: '{"id":1,"subject":"subject","testbed":"role-play",…}\n',
  },
  csv: {
    operationId: 'exportRunTranscriptsCsv',
    type: EXPORT_TYPES.csv,
    summary: 'Every call of a run as CSV (streamed)',
    example: `${CSV_COLUMNS.join(',')}\r\n…`,
  },
} as const;

export function exportTranscriptsRoute(format: keyof typeof FORMATS) {
  const f = FORMATS[format];
  return securedRoute({
    method: 'get',
    path: `/v1/runs/{id}/transcripts.${format}`,
    operationId: f.operationId,
    tags: ['runs'],
    summary: f.summary,
    description:
      'The same calls and filters as `GET /v1/runs/{id}/transcripts`, without paging, as a download. ' +
      (format === 'csv' ? 'Cells starting with =, +, -, @ get a leading apostrophe so spreadsheets do not run them.' : 'One TranscriptItem per line.'),
    scope: 'runs:read',
    request: { params: RunIdParam, query: ExportQuery },
    responses: {
      200: {
        description: 'The calls, in persistence order, as a download',
        headers: attachmentHeaders(`attachment; filename="run_8f3k2m9x0c3v7b1n5q8w6e2r-transcripts.${format}"`),
        content: { [f.type.split(';')[0]]: { schema: z.string().openapi({ example: f.example }) } } },
      ...problemResponses(400, 404),
    },
  });
}

export function registerExportTranscripts(app: App) {
  for (const format of ['jsonl', 'csv'] as const) {
    app.openapi(exportTranscriptsRoute(format), async (c) => {
      const deps = c.get('deps');
      const query = checkTestbedFilter(deps.testbeds, c.req.valid('query'));
      const run = await getOwnedRun(deps, c.get('principal').tenantId, c.req.valid('param').id);
      await checkSubjectFilter(deps, run.id, query.subject);
      return exportTranscripts(deps, run.id, query, format) as never;
    });
  }
}

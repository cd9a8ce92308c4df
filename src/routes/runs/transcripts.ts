import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listTranscripts } from '../../services/transcripts.js';
import { getOwnedRun } from '../../services/run-views.js';
import { RunIdParam, TranscriptPageSchema, TranscriptQuery } from './schema.js';
import { checkTestbedFilter } from './transcript-filter.js';

export const transcriptsRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}/transcripts',
  operationId: 'listRunTranscripts',
  tags: ['runs'],
  summary: 'Every persisted model call of a run (cursor-paged)',
  scope: 'runs:read',
  request: { params: RunIdParam, query: TranscriptQuery },
  responses: {
    200: { description: 'A page of calls', content: { 'application/json': { schema: TranscriptPageSchema } } },
    ...problemResponses(400, 404),
  },
});

export function registerTranscripts(app: App) {
  app.openapi(transcriptsRoute, async (c) => {
    const deps = c.get('deps');
    const query = checkTestbedFilter(deps.testbeds, c.req.valid('query'));
    const run = await getOwnedRun(deps, c.get('principal').tenantId, c.req.valid('param').id);
    return c.json(await listTranscripts(deps, run.id, query), 200);
  });
}

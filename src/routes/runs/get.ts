import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getRunView } from '../../services/run-views.js';
import { sendJsonWithEtag } from '../../http/etag.js';
import { ConditionalHeaders, etagHeaders, notModifiedResponse } from '../../http/cache-schema.js';
import { RunIdParam, RunSchema } from './schema.js';

export type GetRunResponse = z.infer<typeof RunSchema>;

export const getRunRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}',
  operationId: 'getRun',
  tags: ['runs'],
  summary: 'Get a run: status, progress, timings, call counts, error',
  scope: 'runs:read',
  request: { params: RunIdParam, headers: ConditionalHeaders },
  responses: {
    200: { description: 'The run, with an `ETag` of its current state', headers: etagHeaders, content: { 'application/json': { schema: RunSchema } } },
    304: notModifiedResponse,
    ...problemResponses(404),
  },
});

export function registerGetRun(app: App) {
  app.openapi(getRunRoute, async (c) => {
    const deps = c.get('deps');
    return sendJsonWithEtag(c, await getRunView(deps, c.get('principal').tenantId, c.req.valid('param').id)) as never;
  });
}

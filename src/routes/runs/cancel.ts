import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { ApiError } from '../../http/errors.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { cancelRun } from '../../domain/run-lifecycle.js';
import { getOwnedRun, getRunView } from '../../services/run-views.js';
import { RunIdParam, RunSchema } from './schema.js';

export type CancelRunResponse = z.infer<typeof RunSchema>;

export const cancelRunRoute = securedRoute({
  method: 'post',
  path: '/v1/runs/{id}/cancel',
  operationId: 'cancelRun',
  tags: ['runs'],
  summary: 'Cancel a queued or running run',
  description: 'Workers stop issuing calls within a second and abort those in flight. Cancelling a cancelled run is a no-op; a finished run is 409.',
  scope: 'runs:write',
  request: { params: RunIdParam },
  responses: {
    200: { description: 'The run, now cancelled', content: { 'application/json': { schema: RunSchema } } },
    ...problemResponses(404, 409),
  },
});

export function registerCancelRun(app: App) {
  app.openapi(cancelRunRoute, async (c) => {
    const deps = c.get('deps');
    const tenantId = c.get('principal').tenantId;
    const run = await getOwnedRun(deps, tenantId, c.req.valid('param').id);
    if (run.status === 'succeeded' || run.status === 'failed') {
      throw new ApiError('conflict', `the run already ${run.status}`);
    }
    await cancelRun(deps, run.id);
    return c.json(await getRunView(deps, tenantId, run.id), 200);
  });
}

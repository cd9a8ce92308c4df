import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getOwnedRun } from '../../services/run-views.js';
import { runEventStream } from '../../http/run-event-stream.js';
import { RunIdParam } from './schema.js';

export const runEventsRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}/events',
  operationId: 'streamRunEvents',
  tags: ['runs'],
  summary: 'Server-Sent Events: progress while running, status changes, a final event',
  description:
    'Events: `progress` (data: Run, at least every second while queued/running), `status` (data: Run, on every status change) ' +
    'and `end` (data: Run, once terminal; then the stream closes). Open streams are limited per tenant and per server ' +
    '(429 `rate-limited`, with Retry-After, beyond either limit). Event ids count on from the `Last-Event-ID` a reconnecting ' +
    'client sends; every event carries the whole run, so nothing is replayed.',
  scope: 'runs:read',
  request: { params: RunIdParam },
  responses: {
    200: {
      description: 'An event stream',
      content: {
        'text/event-stream': {
          schema: z.string().openapi({ example: 'event: progress\ndata: {"id":"run_…","status":"running","progress":{"done":12,"total":260,"percent":4.6}}\n\n' }),
        },
      },
    },
    ...problemResponses(404, 429),
  },
});

export function registerRunEvents(app: App) {
  app.openapi(runEventsRoute, async (c) => {
    const deps = c.get('deps');
    const tenantId = c.get('principal').tenantId;
    const run = await getOwnedRun(deps, tenantId, c.req.valid('param').id);
    return (await runEventStream(c, deps, tenantId, run.id)) as never;
  });
}

import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getOwnedRun, getRunView } from '../../services/run-views.js';
import { isTerminalStatus } from '../../lib/run-status.js';
import { RunIdParam } from './schema.js';

export const EVENT_INTERVAL_MS = 500;

export const runEventsRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}/events',
  operationId: 'streamRunEvents',
  tags: ['runs'],
  summary: 'Server-Sent Events: progress while running, status changes, a final event',
  description:
    'Events: `progress` (data: Run, at least every second while queued/running), `status` (data: Run, on every status change) ' +
    'and `end` (data: Run, once terminal; then the stream closes).',
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
    ...problemResponses(404),
  },
});

export function registerRunEvents(app: App) {
  app.openapi(runEventsRoute, async (c) => {
    const deps = c.get('deps');
    const tenantId = c.get('principal').tenantId;
    const run = await getOwnedRun(deps, tenantId, c.req.valid('param').id);
    return streamSSE(c, async (stream) => {
      let lastStatus: string | undefined;
      let seq = 0;
      while (!stream.aborted) {
        const view = await getRunView(deps, tenantId, run.id);
        const data = JSON.stringify(view);
        if (view.status !== lastStatus) {
          await stream.writeSSE({ event: 'status', data, id: String(++seq) });
          lastStatus = view.status;
        }
        if (isTerminalStatus(view.status)) {
          await stream.writeSSE({ event: 'end', data, id: String(++seq) });
          break;
        }
        await stream.writeSSE({ event: 'progress', data, id: String(++seq) });
        await stream.sleep(EVENT_INTERVAL_MS);
      }
    }) as never;
  });
}

import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { ApiError } from '../../http/errors.js';
import { problemResponses } from '../../http/problem-schema.js';

export const HealthSchema = z
  .object({
    status: z.literal('ok').openapi({ description: 'Always `ok` when the service and its database answer.', example: 'ok' }),
    database: z.enum(['pglite', 'postgres']).openapi({ description: 'Which database backs this process.', example: 'pglite' }),
  })
  .openapi('Health');

export const healthzRoute = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  security: [],
  tags: ['system'],
  summary: 'Liveness and database check',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } },
    ...problemResponses(503),
  },
});

export function registerHealthz(app: App) {
  app.openapi(healthzRoute, async (c) => {
    const deps = c.get('deps');
    try {
      await deps.db.ping();
    } catch (err) {
      c.get('logger').error('health check failed', { err });
      throw new ApiError('unavailable', 'the database is not answering');
    }
    return c.json({ status: 'ok' as const, database: deps.db.kind }, 200);
  });
}

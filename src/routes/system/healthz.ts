import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { ApiError } from '../../http/errors.js';
import { problemResponses } from '../../http/problem-schema.js';
import { freshCheck } from '../../lib/fresh-check.js';

/**
 * The database check is at most a second old: probes poll often, and a server sharing its cores with a run's writes
 * may take longer than a probe should wait to answer (docs/operations.md).
 */
const DATABASE_CHECK = { freshMs: 1_000, refreshMs: 250, timeoutMs: 5_000 };

export const HealthSchema = z
  .object({
    status: z.literal('ok').openapi({ description: 'Always `ok` when the service answers and its database answered within the last second.', example: 'ok' }),
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
  // per app, so each app (and each test's) judges its own database
  const database = freshCheck(DATABASE_CHECK);
  app.openapi(healthzRoute, async (c) => {
    const deps = c.get('deps');
    try {
      await database(() => deps.db.ping());
    } catch (err) {
      c.get('logger').error('health check failed', { err });
      throw new ApiError('unavailable', 'the database is not answering');
    }
    return c.json({ status: 'ok' as const, database: deps.db.kind }, 200);
  });
}

import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { revokeShares } from '../../services/shares.js';
import { RunIdParam } from './schema.js';
import { RevokedSharesSchema } from './share-schema.js';

export function revokeRunShareRoute(deps: Deps) {
  return createRoute({
    method: 'delete',
    path: '/v1/runs/{id}/share',
    operationId: 'revokeRunShare',
    tags: ['runs'],
    summary: 'Revoke every share link of the run',
    description: 'Revoked links answer 404 at once. Revoking when no link is live is not an error (`revoked: 0`).',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'runs:write')] as const,
    request: { params: RunIdParam },
    responses: {
      200: { description: 'How many links were revoked', content: { 'application/json': { schema: RevokedSharesSchema } } },
      ...problemResponses(401, 403, 404),
    },
  });
}

export function registerRevokeRunShare(app: App, deps: Deps) {
  app.openapi(revokeRunShareRoute(deps), async (c) => {
    return c.json({ revoked: await revokeShares(deps, c.get('principal').tenantId, c.req.valid('param').id) }, 200);
  });
}

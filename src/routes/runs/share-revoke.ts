import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { revokeShares } from '../../services/shares.js';
import { RunIdParam } from './schema.js';
import { RevokedSharesSchema } from './share-schema.js';

export const revokeRunShareRoute = securedRoute({
  method: 'delete',
  path: '/v1/runs/{id}/share',
  operationId: 'revokeRunShare',
  tags: ['runs'],
  summary: 'Revoke every share link of the run',
  description: 'Revoked links answer 404 at once. Revoking when no link is live is not an error (`revoked: 0`).',
  scope: 'runs:write',
  request: { params: RunIdParam },
  responses: {
    200: { description: 'How many links were revoked', content: { 'application/json': { schema: RevokedSharesSchema } } },
    ...problemResponses(404),
  },
});

export function registerRevokeRunShare(app: App) {
  app.openapi(revokeRunShareRoute, async (c) => {
    const deps = c.get('deps');
    return c.json({ revoked: await revokeShares(deps, c.get('principal').tenantId, c.req.valid('param').id) }, 200);
  });
}

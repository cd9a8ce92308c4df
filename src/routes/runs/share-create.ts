import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { createShare } from '../../services/shares.js';
import { RunIdParam } from './schema.js';
import { CreateShareBody, ShareSchema } from './share-schema.js';

export const createRunShareRoute = securedRoute({
  method: 'post',
  path: '/v1/runs/{id}/share',
  operationId: 'createRunShare',
  tags: ['runs'],
  summary: 'Create an expiring, read-only link to the report',
  description:
    'The link opens the report (page, HTML and JSON) without a token and grants nothing else. It is shown once; ' +
    '`DELETE /v1/runs/{id}/share` revokes every link of the run. 409 until the run has succeeded.',
  scope: 'runs:write',
  request: { params: RunIdParam, body: { required: true, content: { 'application/json': { schema: CreateShareBody } } } },
  responses: {
    201: { description: 'The link', content: { 'application/json': { schema: ShareSchema } } },
    ...problemResponses(400, 404, 409),
  },
});

export function registerCreateRunShare(app: App) {
  app.openapi(createRunShareRoute, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const { token: _token, ...share } = await createShare(deps, c.get('principal').tenantId, c.req.valid('param').id, body.ttlHours);
    return c.json(share, 201);
  });
}

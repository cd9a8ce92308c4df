import type { App } from '../../http/env.js';
import { publicRoute } from '../../http/secured-route.js';
import { notFound } from '../../lib/errors.js';
import { problemResponses } from '../../http/problem-schema.js';
import { catalogueOf } from './catalogue.js';
import { TestbedIdParam, TestbedSchema } from './schema.js';

export const getTestbedRoute = publicRoute({
  method: 'get',
  path: '/v1/testbeds/{id}',
  operationId: 'getTestbed',
  tags: ['testbeds'],
  summary: 'A testbed and its scenario catalogue with option labels and roles (public)',
  request: { params: TestbedIdParam },
  responses: { 200: { description: 'The catalogue', content: { 'application/json': { schema: TestbedSchema } } }, ...problemResponses(400, 404) },
});

export function registerGetTestbed(app: App) {
  app.openapi(getTestbedRoute, (c) => {
    const cat = catalogueOf(c.get('deps').testbeds).catalogues.get(c.req.valid('param').id);
    if (!cat) throw notFound('testbed');
    return c.json(cat, 200);
  });
}

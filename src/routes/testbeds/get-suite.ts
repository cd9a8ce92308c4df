import type { App } from '../../http/env.js';
import { publicRoute } from '../../http/secured-route.js';
import { notFound } from '../../lib/errors.js';
import { problemResponses } from '../../http/problem-schema.js';
import { catalogueOf } from './catalogue.js';
import { SuiteIdParam, SuiteSchema } from './schema.js';

export const getSuiteRoute = publicRoute({
  method: 'get',
  path: '/v1/suites/{id}',
  operationId: 'getSuite',
  tags: ['testbeds'],
  summary: 'A suite: testbeds, parameters, episodes and model calls (public)',
  request: { params: SuiteIdParam },
  responses: { 200: { description: 'The suite', content: { 'application/json': { schema: SuiteSchema } } }, ...problemResponses(400, 404) },
});

export function registerGetSuite(app: App) {
  app.openapi(getSuiteRoute, (c) => {
    const suite = catalogueOf(c.get('deps').testbeds).suites.get(c.req.valid('param').id);
    if (!suite) throw notFound('suite');
    return c.json(suite, 200);
  });
}

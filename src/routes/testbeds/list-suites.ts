import type { App } from '../../http/env.js';
import { publicRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { catalogueOf } from './catalogue.js';
import { SuiteListSchema } from './schema.js';

export const listSuitesRoute = publicRoute({
  method: 'get',
  path: '/v1/suites',
  operationId: 'listSuites',
  tags: ['testbeds'],
  summary: 'The frozen suites (public)',
  responses: { 200: { description: 'Suites', content: { 'application/json': { schema: SuiteListSchema } } }, ...problemResponses() },
});

export function registerListSuites(app: App) {
  app.openapi(listSuitesRoute, (c) => c.json({ items: [...catalogueOf(c.get('deps').testbeds).suites.values()] }, 200));
}

import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { problemResponses } from '../../http/problem-schema.js';
import { catalogueOf } from './catalogue.js';
import { SuiteListSchema } from './schema.js';

export const listSuitesRoute = createRoute({
  method: 'get',
  path: '/v1/suites',
  operationId: 'listSuites',
  security: [],
  tags: ['testbeds'],
  summary: 'The frozen suites (public)',
  responses: { 200: { description: 'Suites', content: { 'application/json': { schema: SuiteListSchema } } }, ...problemResponses() },
});

export function registerListSuites(app: App) {
  app.openapi(listSuitesRoute, (c) => c.json({ items: [...catalogueOf(c.get('deps').testbeds).suites.values()] }, 200));
}

import type { App } from '../../http/env.js';
import { publicRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { catalogueOf } from './catalogue.js';
import { TestbedListSchema } from './schema.js';

export const listTestbedsRoute = publicRoute({
  method: 'get',
  path: '/v1/testbeds',
  operationId: 'listTestbeds',
  tags: ['testbeds'],
  summary: 'The ATP testbeds (public)',
  responses: { 200: { description: 'Testbeds', content: { 'application/json': { schema: TestbedListSchema } } }, ...problemResponses() },
});

export function registerListTestbeds(app: App) {
  app.openapi(listTestbedsRoute, (c) => c.json({ items: catalogueOf(c.get('deps').testbeds).summaries }, 200));
}

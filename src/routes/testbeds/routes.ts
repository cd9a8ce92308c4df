import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { notFound } from '../../http/errors.js';
import { problemResponses } from '../../http/problem-schema.js';
import { suiteViews, testbedCatalogues, testbedSummaries } from './catalogue.js';
import { SuiteIdParam, SuiteListSchema, SuiteSchema, TestbedIdParam, TestbedListSchema, TestbedSchema } from './schema.js';

export const listTestbedsRoute = createRoute({
  method: 'get',
  path: '/v1/testbeds',
  tags: ['testbeds'],
  summary: 'The ATP testbeds (public)',
  responses: { 200: { description: 'Testbeds', content: { 'application/json': { schema: TestbedListSchema } } }, ...problemResponses() },
});

export const getTestbedRoute = createRoute({
  method: 'get',
  path: '/v1/testbeds/{id}',
  tags: ['testbeds'],
  summary: 'A testbed and its scenario catalogue with option labels and roles (public)',
  request: { params: TestbedIdParam },
  responses: { 200: { description: 'The catalogue', content: { 'application/json': { schema: TestbedSchema } } }, ...problemResponses(404) },
});

export const listSuitesRoute = createRoute({
  method: 'get',
  path: '/v1/suites',
  tags: ['testbeds'],
  summary: 'The frozen suites (public)',
  responses: { 200: { description: 'Suites', content: { 'application/json': { schema: SuiteListSchema } } }, ...problemResponses() },
});

export const getSuiteRoute = createRoute({
  method: 'get',
  path: '/v1/suites/{id}',
  tags: ['testbeds'],
  summary: 'A suite: testbeds, parameters, episodes and model calls (public)',
  request: { params: SuiteIdParam },
  responses: { 200: { description: 'The suite', content: { 'application/json': { schema: SuiteSchema } } }, ...problemResponses(404) },
});

export function registerTestbedRoutes(app: App) {
  app.openapi(listTestbedsRoute, (c) => c.json({ items: testbedSummaries }, 200));
  app.openapi(getTestbedRoute, (c) => {
    const cat = testbedCatalogues.get(c.req.valid('param').id);
    if (!cat) throw notFound('testbed');
    return c.json(cat, 200);
  });
  app.openapi(listSuitesRoute, (c) => c.json({ items: [...suiteViews.values()] }, 200));
  app.openapi(getSuiteRoute, (c) => {
    const suite = suiteViews.get(c.req.valid('param').id);
    if (!suite) throw notFound('suite');
    return c.json(suite, 200);
  });
}

import type { App } from '../../http/env.js';

export const OPENAPI_INFO = {
  title: 'ATP Bench API',
  version: '1.0.0',
  description:
    'Measures how self-evolving LLM agents drift off their alignment (Alignment Tipping Process testbeds). ' +
    'Errors are RFC 9457 problem+json with a stable `type`.',
};

/** The OpenAPI 3.1 document as served at /openapi.json (also written to openapi/openapi.json by `npm run openapi`). */
export function buildOpenApiDocument(app: App) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    // an absolute URL: generators take the first server as the default base URL, and `/` is no base URL at all
    servers: [
      { url: 'http://localhost:8080', description: 'A local `atp-bench serve` (the default port)' },
      { url: '{baseUrl}', description: 'Your deployment', variables: { baseUrl: { default: 'http://localhost:8080', description: 'Where the service is reachable, without a trailing slash' } } },
    ],
    tags: [
      { name: 'system', description: 'Health and documentation' },
      { name: 'tenants', description: 'Labs (admin)' },
      { name: 'endpoints', description: 'Models under test' },
      { name: 'testbeds', description: 'The ATP testbeds and suites' },
      { name: 'runs', description: 'Evaluation runs and their reports' },
      { name: 'leaderboard', description: 'Verified results' },
      { name: 'operator', description: 'Operator baselines included in every report of a suite' },
    ],
  });
}

export function registerOpenApi(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Token from `atp-bench token --tenant NAME` or `POST /v1/tenants`.',
  });
  let cached: string | undefined;
  app.get('/openapi.json', (c) => {
    cached ??= JSON.stringify(buildOpenApiDocument(app));
    return c.body(cached, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
}

import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { ensureTenant, scopesFor } from '../../services/tenants.js';
import { CreateTenantBody, TenantWithTokenSchema } from './schema.js';

export const createTenantRoute = securedRoute({
  method: 'post',
  path: '/v1/tenants',
  operationId: 'createTenant',
  tags: ['tenants'],
  summary: 'Create a tenant (lab) and issue its token',
  description: 'Admin only. Idempotent on the name: an existing tenant gets a fresh token.',
  scope: 'admin',
  request: { body: { required: true, content: { 'application/json': { schema: CreateTenantBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: TenantWithTokenSchema } } },
    200: { description: 'Already existed; a new token was issued', content: { 'application/json': { schema: TenantWithTokenSchema } } },
    ...problemResponses(400, 413, 415),
  },
});

export function registerCreateTenant(app: App) {
  app.openapi(createTenantRoute, async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const { tenant, created } = await ensureTenant(deps, body.name);
    const token = await deps.tokens.issue({
      tenantId: tenant.id,
      scopes: scopesFor(body.admin ?? false),
      ttlSeconds: (body.ttlDays ?? 365) * 86400,
      now: deps.clock.now(),
    });
    const out = { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt.toISOString(), created, token };
    return created ? c.json(out, 201) : c.json(out, 200);
  });
}

import { z } from '@hono/zod-openapi';
import { TENANT_NAME } from '../../services/tenants.js';

export const TenantNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(TENANT_NAME, '1–64 lower-case letters, digits, ".", "_" and "-", starting with a letter or digit')
  .openapi({ description: 'Unique tenant (lab) name.', example: 'acme-labs' });

export const CreateTenantBody = z
  .object({
    name: TenantNameSchema,
    admin: z.boolean().optional().openapi({ description: 'Issue an admin token (operator use only).', example: false }),
    ttlDays: z.number().int().min(1).max(3650).optional().openapi({ description: 'Token lifetime in days (default 365).', example: 365 }),
  })
  .strict()
  .openapi('CreateTenantRequest');

export const TenantWithTokenSchema = z
  .object({
    id: z.string().openapi({ description: 'Tenant id.', example: 'tnt_4k2m9x0c3v7b1n5q8w6e2r4t' }),
    name: TenantNameSchema,
    createdAt: z.string().openapi({ description: 'Creation time (ISO 8601).', example: '2026-11-27T09:00:00.000Z' }),
    created: z.boolean().openapi({ description: 'False when the tenant already existed.', example: true }),
    token: z.string().openapi({ description: 'Bearer token for this tenant (shown once).', example: 'eyJhbGciOiJIUzI1NiIs…' }),
  })
  .openapi('TenantWithToken');

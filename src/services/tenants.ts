import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { tenants } from '../db/schema.js';
import { TENANT_SCOPES, type Scope } from '../auth/tokens.js';

/** Tenant names: 1–64 lower-case letters, digits, ".", "_" and "-", starting with a letter or digit. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface TenantRow {
  id: string;
  name: string;
  createdAt: Date;
}

export async function findTenantByName(deps: Pick<Deps, 'db'>, name: string): Promise<TenantRow | undefined> {
  const [row] = await deps.db.db.select().from(tenants).where(eq(tenants.name, name)).limit(1);
  return row;
}

/** Creates the tenant unless it exists; returns it and whether it was created. */
export async function ensureTenant(deps: Pick<Deps, 'db' | 'ids' | 'clock'>, name: string) {
  const existing = await findTenantByName(deps, name);
  if (existing) return { tenant: existing, created: false };
  const row = { id: deps.ids.next('tnt'), name, createdAt: deps.clock.now() };
  const inserted = await deps.db.db.insert(tenants).values(row).onConflictDoNothing().returning();
  if (inserted.length === 0) return { tenant: (await findTenantByName(deps, name))!, created: false };
  return { tenant: inserted[0], created: true };
}

export function scopesFor(admin: boolean): Scope[] {
  return admin ? [...TENANT_SCOPES, 'admin'] : [...TENANT_SCOPES];
}

// The per-tenant storage quota (ATP_TENANT_STORAGE_BYTES): bytes of stored prompts, answers and errors, counted in
// `tenants.stored_bytes` as calls are written (runner/call-writer.ts). Checked when a run is created (507, nothing is
// queued) and after every step a run writes (the run fails with `storage-quota-exceeded`; what it stored stays).
import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { tenants } from '../db/schema.js';
import { ServiceError } from '../lib/errors.js';
import { PROBLEM_TYPE_BASE } from '../lib/problem.js';
import type { RunProblem } from './run-lifecycle.js';

export const STORAGE_QUOTA_LIMIT = 'tenant_storage_bytes';

const describe = (used: number, max: number) =>
  `the tenant stores ${used} bytes of prompts and answers; its storage quota (${STORAGE_QUOTA_LIMIT}) is ${max} bytes`;

/** Why a run stopped when its tenant reached the quota while it ran. */
export function storageQuotaProblem(used: number, max: number): RunProblem {
  return {
    type: `${PROBLEM_TYPE_BASE}storage-quota-exceeded`,
    title: 'Storage quota exceeded',
    status: 507,
    detail: `${describe(used, max)}; the run was stopped after the calls that reached it`,
  };
}

/** Refuses new work for a tenant at or over its storage quota (507 `storage_quota_exceeded`). */
export async function checkStorageQuota(deps: Pick<Deps, 'db' | 'config'>, tenantId: string): Promise<void> {
  const max = deps.config.budgets.tenantStorageBytes;
  if (max <= 0) return;
  const [row] = await deps.db.db.select({ used: tenants.storedBytes }).from(tenants).where(eq(tenants.id, tenantId));
  const used = Number(row?.used ?? 0);
  if (used >= max) {
    throw new ServiceError('storage_quota_exceeded', `${describe(used, max)}; no new run can start`, { limit: STORAGE_QUOTA_LIMIT, max, used });
  }
}

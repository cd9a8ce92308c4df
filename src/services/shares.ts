import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { runShares } from '../db/schema.js';
import { ServiceError } from '../lib/errors.js';
import { loadStoredReport } from './reports.js';
import { getOwnedRun } from './run-views.js';

export const SHARE_DEFAULT_HOURS = 7 * 24;
export const SHARE_MAX_HOURS = 90 * 24;
/** `<id>.<secret>`: the id finds the row, the secret (only its hash is stored) proves the link. */
const SHARE_TOKEN = /^(shr_[A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface CreatedShare {
  id: string;
  token: string;
  url: string;
  htmlUrl: string;
  reportUrl: string;
  expiresAt: string;
}

export const sharePaths = (token: string) => ({ url: `/share/${token}`, htmlUrl: `/share/${token}/report.html`, reportUrl: `/share/${token}/report.json` });

/** A read-only link to a succeeded run's report (409 before that: there is nothing to share yet). */
export async function createShare(
  deps: Pick<Deps, 'db' | 'ids' | 'clock'>,
  tenantId: string,
  runId: string,
  ttlHours: number = SHARE_DEFAULT_HOURS,
): Promise<CreatedShare> {
  await loadStoredReport(deps, tenantId, runId);
  const id = deps.ids.next('shr');
  const secret = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + ttlHours * 3600_000);
  await deps.db.db.insert(runShares).values({ id, runId, tenantId, secretHash: hashSecret(secret), createdAt: now, expiresAt });
  const token = `${id}.${secret}`;
  return { id, token, ...sharePaths(token), expiresAt: expiresAt.toISOString() };
}

/** Revokes every live link of the run (404 for another tenant's run); returns how many were revoked. */
export async function revokeShares(deps: Pick<Deps, 'db' | 'clock'>, tenantId: string, runId: string): Promise<number> {
  await getOwnedRun(deps, tenantId, runId);
  const revoked = await deps.db.db
    .update(runShares)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(runShares.runId, runId), eq(runShares.tenantId, tenantId), isNull(runShares.revokedAt)))
    .returning({ id: runShares.id });
  return revoked.length;
}

/**
 * The stored report a share token opens, or 404 — unknown, wrong secret, revoked and expired links are
 * indistinguishable, so a link reveals nothing about other links.
 */
export async function openShare(deps: Pick<Deps, 'db' | 'clock'>, token: string) {
  const m = SHARE_TOKEN.exec(token);
  const gone = new ServiceError('not_found', 'this share link does not exist, has expired or was revoked');
  if (!m) throw gone;
  const [row] = await deps.db.db.select().from(runShares).where(eq(runShares.id, m[1]));
  if (!row) throw gone;
  const want = Buffer.from(row.secretHash, 'hex');
  const got = Buffer.from(hashSecret(m[2]), 'hex');
  if (!timingSafeEqual(want, got) || row.revokedAt || row.expiresAt <= deps.clock.now()) throw gone;
  return loadStoredReport(deps, row.tenantId, row.runId);
}

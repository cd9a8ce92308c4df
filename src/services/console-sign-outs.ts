// Sign-outs of console sessions. A session is a signed cookie the server keeps no record of; signing out records
// its id until the session would have expired, so a saved copy of the cookie stops working at once.
import { eq, lt } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { consoleSignOuts } from '../db/schema.js';

/** Ends a session for good; sign-outs whose sessions have expired anyway are dropped on the way. */
export async function recordSignOut(deps: Pick<Deps, 'db' | 'clock' | 'caches'>, sid: string, expiresAt: Date): Promise<void> {
  const { db } = deps.db;
  deps.caches.liveSessions.delete(sid);
  await db.delete(consoleSignOuts).where(lt(consoleSignOuts.expiresAt, deps.clock.now()));
  await db.insert(consoleSignOuts).values({ sid, expiresAt }).onConflictDoNothing();
}

/**
 * Whether a session was signed out before its expiry. A session found live is not looked up again for a few seconds
 * (read-caches.ts), so a warm console page costs no extra database round trip.
 */
export async function isSignedOut(deps: Pick<Deps, 'db' | 'caches'>, sid: string): Promise<boolean> {
  if (deps.caches.liveSessions.get(sid)) return false;
  const rows = await deps.db.db.select({ sid: consoleSignOuts.sid }).from(consoleSignOuts).where(eq(consoleSignOuts.sid, sid)).limit(1);
  if (rows.length === 0) deps.caches.liveSessions.set(sid, true);
  return rows.length > 0;
}

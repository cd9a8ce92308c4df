// Sign-outs of console sessions. A session is a signed cookie the server keeps no record of; signing out records
// its id until the session would have expired, so a saved copy of the cookie stops working at once.
import { eq, lt } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { consoleSignOuts } from '../db/schema.js';

/** Ends a session for good; sign-outs whose sessions have expired anyway are dropped on the way. */
export async function recordSignOut(deps: Pick<Deps, 'db' | 'clock'>, sid: string, expiresAt: Date): Promise<void> {
  const { db } = deps.db;
  await db.delete(consoleSignOuts).where(lt(consoleSignOuts.expiresAt, deps.clock.now()));
  await db.insert(consoleSignOuts).values({ sid, expiresAt }).onConflictDoNothing();
}

/** Whether a session was signed out before its expiry. */
export async function isSignedOut(deps: Pick<Deps, 'db'>, sid: string): Promise<boolean> {
  const rows = await deps.db.db.select({ sid: consoleSignOuts.sid }).from(consoleSignOuts).where(eq(consoleSignOuts.sid, sid)).limit(1);
  return rows.length > 0;
}

import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { SLOTS_CHANNEL } from '../domain/jobs.js';

/**
 * Bounds an endpoint's in-flight calls across every worker process sharing the database.
 *
 * The database holds one row per slot (0 … maxConcurrency−1). A worker leases slots in bulk when it has waiting
 * calls, renews them while it keeps using them, and gives spare ones back after a short idle period. Calls then
 * take and return slots in memory, so the bound costs no database round trip per call. A worker that cannot
 * renew (it lost the lease after a stall) shrinks its holding before issuing more calls.
 */
export interface EndpointLimiter {
  /**
   * Waits for a slot. Higher `priority` goes first (FIFO among equals): the runner passes the episode's remaining
   * rounds, so the longest chains start first and the run does not end on a tail of sequential rounds.
   */
  acquire(endpointId: string, maxConcurrency: number, signal?: AbortSignal, priority?: number): Promise<() => void>;
  /** renew leases and return idle slots; called by the worker's maintenance tick */
  maintain(): Promise<void>;
  /** another worker released slots: retry waiting acquisitions now */
  poke(): void;
  close(): Promise<void>;
  /** for tests and metrics */
  stats(): Record<string, { held: number; inUse: number; waiting: number }>;
}

interface Waiter {
  priority: number;
  seq: number;
  resolve: (release: () => void) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Pool {
  endpointId: string;
  max: number;
  held: Set<number>;
  free: number[];
  inUse: number;
  waiters: Waiter[];
  claiming: boolean;
  lastBusy: number;
  ensured: number;
  retryTimer?: NodeJS.Timeout;
}

export interface LimiterOptions {
  owner: string;
  leaseMs?: number;
  /** keep unused slots this long before giving them back (avoids churn between an episode's rounds) */
  idleReleaseMs?: number;
  /** when no slot is free anywhere, try again after this long (NOTIFY usually wakes us sooner) */
  retryMs?: number;
}

export function createEndpointLimiter(deps: Pick<Deps, 'db' | 'logger'>, opts: LimiterOptions): EndpointLimiter {
  const leaseMs = opts.leaseMs ?? 15_000;
  const idleReleaseMs = opts.idleReleaseMs ?? 2_000;
  const retryMs = opts.retryMs ?? 250;
  const pools = new Map<string, Pool>();
  let closed = false;
  let seq = 0;

  /** keeps waiters ordered by priority (desc), then arrival */
  const enqueue = (p: Pool, w: Waiter) => {
    let lo = 0;
    let hi = p.waiters.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = p.waiters[mid];
      if (m.priority > w.priority || (m.priority === w.priority && m.seq < w.seq)) lo = mid + 1;
      else hi = mid;
    }
    p.waiters.splice(lo, 0, w);
  };

  const pool = (endpointId: string, max: number): Pool => {
    let p = pools.get(endpointId);
    if (!p) {
      p = { endpointId, max, held: new Set(), free: [], inUse: 0, waiters: [], claiming: false, lastBusy: Date.now(), ensured: 0 };
      pools.set(endpointId, p);
    }
    p.max = max;
    return p;
  };

  const grant = (p: Pool, mayClaim = true) => {
    while (p.waiters.length > 0 && p.free.length > 0) {
      const w = p.waiters.shift()!;
      const slot = p.free.pop()!;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      p.inUse++;
      p.lastBusy = Date.now();
      let released = false;
      w.resolve(() => {
        if (released) return;
        released = true;
        p.inUse--;
        p.lastBusy = Date.now();
        // a slot above a lowered maxConcurrency, or one we lost, is not reused
        if (p.held.has(slot) && slot < p.max) p.free.push(slot);
        grant(p);
      });
    }
    // more slots may exist (unclaimed, or held by others and expiring): ask the database, but never in a tight loop
    if (mayClaim && p.waiters.length > 0 && p.held.size < p.max && !p.retryTimer) void claim(p);
  };

  const claim = async (p: Pool) => {
    if (p.claiming || closed) return;
    p.claiming = true;
    try {
      if (p.ensured < p.max) {
        await deps.db.rows(sql`
          insert into endpoint_slots (endpoint_id, slot)
          select ${p.endpointId}, g from generate_series(0, ${p.max - 1}) g
          on conflict do nothing`);
        p.ensured = p.max;
      }
      const want = p.waiters.length;
      // CTE: the locked selection is evaluated once (an IN (subquery … FOR UPDATE) can be re-evaluated)
      const rows = await deps.db.rows<{ slot: number }>(sql`
        with picked as (
          select endpoint_id, slot from endpoint_slots
          where endpoint_id = ${p.endpointId} and slot < ${p.max}
            and (holder is null or lease_expires_at < now())
          order by slot
          limit ${want}
          for update skip locked)
        update endpoint_slots s set holder = ${opts.owner}, lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000})
        from picked where s.endpoint_id = picked.endpoint_id and s.slot = picked.slot
        returning s.slot`);
      for (const r of rows) {
        const slot = Number(r.slot);
        if (!p.held.has(slot)) {
          p.held.add(slot);
          p.free.push(slot);
        }
      }
    } catch (err) {
      deps.logger.warn('slot claim failed', { endpointId: p.endpointId, err });
    } finally {
      p.claiming = false;
    }
    grant(p, false);
    if (p.waiters.length > 0 && p.held.size < p.max && !p.retryTimer && !closed) {
      // every slot is leased elsewhere: wait for a release (NOTIFY) or retry shortly
      p.retryTimer = setTimeout(() => {
        p.retryTimer = undefined;
        void claim(p);
      }, retryMs);
    }
  };

  const releaseSlots = async (p: Pool, slots: number[]) => {
    if (slots.length === 0) return;
    for (const s of slots) p.held.delete(s);
    p.free = p.free.filter((s) => !slots.includes(s));
    await deps.db.rows(sql`
      update endpoint_slots set holder = null, lease_expires_at = null
      where endpoint_id = ${p.endpointId} and holder = ${opts.owner} and slot in ${slots}`);
    await deps.db.notify(SLOTS_CHANNEL, p.endpointId).catch(() => {});
  };

  return {
    acquire(endpointId, maxConcurrency, signal, priority = 0) {
      const p = pool(endpointId, Math.max(1, maxConcurrency));
      if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
      return new Promise((resolve, reject) => {
        const w: Waiter = { priority, seq: seq++, resolve, reject, signal };
        if (signal) {
          w.onAbort = () => {
            const i = p.waiters.indexOf(w);
            if (i >= 0) p.waiters.splice(i, 1);
            reject(signal.reason ?? new Error('aborted'));
          };
          signal.addEventListener('abort', w.onAbort, { once: true });
        }
        enqueue(p, w);
        grant(p);
      });
    },

    async maintain() {
      const now = Date.now();
      for (const p of pools.values()) {
        // give back what we have not needed for a while, so other workers can use it
        if (p.waiters.length === 0 && p.free.length > 0 && now - p.lastBusy >= idleReleaseMs) {
          await releaseSlots(p, [...p.free]);
        }
        if (p.held.size === 0) continue;
        const held = [...p.held];
        const rows = await deps.db.rows<{ slot: number }>(sql`
          update endpoint_slots set lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000})
          where endpoint_id = ${p.endpointId} and holder = ${opts.owner} and slot in ${held}
          returning slot`);
        const kept = new Set(rows.map((r) => Number(r.slot)));
        for (const s of held) {
          if (!kept.has(s)) {
            p.held.delete(s);
            p.free = p.free.filter((f) => f !== s);
          }
        }
      }
    },

    poke() {
      for (const p of pools.values()) if (p.waiters.length > 0) void claim(p);
    },

    async close() {
      closed = true;
      for (const p of pools.values()) {
        if (p.retryTimer) clearTimeout(p.retryTimer);
        for (const w of p.waiters.splice(0)) w.reject(new Error('limiter closed'));
        await releaseSlots(p, [...p.held]).catch(() => {});
      }
    },

    stats() {
      const out: Record<string, { held: number; inUse: number; waiting: number }> = {};
      for (const p of pools.values()) out[p.endpointId] = { held: p.held.size, inUse: p.inUse, waiting: p.waiters.length };
      return out;
    },
  };
}

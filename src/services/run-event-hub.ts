// Live run streams share their database reads: every open `/events` stream of a run (API or console) subscribes to
// one channel, and the channel reads the run once per tick for all of them. A thousand dashboards watching one run
// cost the database what one does. The hub also bounds how many streams are open (per tenant and in all), because
// each one holds a socket and a little memory for as long as the run lasts.
import type { Deps } from '../deps.js';
import { ServiceError } from '../lib/errors.js';
import { getRunView, type RunView } from './run-views.js';

export const EVENT_INTERVAL_MS = 500;

/** One read of a run, shared by every subscriber: the view, its JSON (serialised once) or the error the read hit. */
export type RunSnapshot = { ok: true; view: RunView; json: string } | { ok: false; error: unknown };

export interface RunSubscription {
  /** the next snapshot: the latest one at once on the first call (when fresh), then one per tick */
  next(): Promise<RunSnapshot>;
  close(): void;
}

export interface StreamLease {
  release(): void;
}

export interface RunEventHubStats {
  /** open streams (leases held) */
  streams: number;
  /** runs being watched */
  channels: number;
  /** database reads of runs made by the hub since it started */
  polls: number;
}

export interface RunEventHub {
  /** A place for one more open stream of this tenant, or a 429 `rate_limited` problem naming the limit hit. */
  open(tenantId: string): StreamLease;
  subscribe(tenantId: string, runId: string): RunSubscription;
  stats(): RunEventHubStats;
  /** stops every channel's timer (process shutdown, tests) */
  close(): void;
}

export interface RunEventHubOptions {
  /** open streams per tenant in this process; 0 = unlimited */
  maxPerTenant: number;
  /** open streams in this process; 0 = unlimited */
  maxStreams: number;
  intervalMs?: number;
}

interface Channel {
  subscribers: number;
  latest: RunSnapshot | null;
  latestAt: number;
  waiters: Array<(s: RunSnapshot) => void>;
  timer: NodeJS.Timeout | null;
  polling: boolean;
}

export function createRunEventHub(deps: Pick<Deps, 'db'>, opts: RunEventHubOptions): RunEventHub {
  const intervalMs = opts.intervalMs ?? EVENT_INTERVAL_MS;
  const channels = new Map<string, Channel>();
  const perTenant = new Map<string, number>();
  let streams = 0;
  let polls = 0;
  let closed = false;

  const poll = async (key: string, ch: Channel, tenantId: string, runId: string) => {
    ch.timer = null;
    if (ch.subscribers === 0 || closed) return;
    ch.polling = true;
    let snap: RunSnapshot;
    try {
      polls++;
      const view = await getRunView(deps, tenantId, runId);
      snap = { ok: true, view, json: JSON.stringify(view) };
    } catch (error) {
      snap = { ok: false, error };
    }
    ch.polling = false;
    ch.latest = snap;
    ch.latestAt = performance.now();
    const waiters = ch.waiters;
    ch.waiters = [];
    for (const w of waiters) w(snap);
    if (ch.subscribers > 0 && !closed) {
      ch.timer = setTimeout(() => void poll(key, ch, tenantId, runId), intervalMs);
      ch.timer.unref?.();
    } else if (channels.get(key) === ch) {
      channels.delete(key);
    }
  };

  return {
    open(tenantId) {
      const mine = perTenant.get(tenantId) ?? 0;
      if (opts.maxPerTenant > 0 && mine >= opts.maxPerTenant) {
        throw new ServiceError('rate_limited', `a tenant may keep at most ${opts.maxPerTenant} event streams open; close one first`, {
          retryAfterSeconds: 5,
          limit: 'event_streams_per_tenant',
          max: opts.maxPerTenant,
        });
      }
      if (opts.maxStreams > 0 && streams >= opts.maxStreams) {
        throw new ServiceError('rate_limited', `this server has ${opts.maxStreams} event streams open, its limit; try again shortly`, {
          retryAfterSeconds: 5,
          limit: 'event_streams',
          max: opts.maxStreams,
        });
      }
      perTenant.set(tenantId, mine + 1);
      streams++;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          streams--;
          const n = (perTenant.get(tenantId) ?? 1) - 1;
          if (n <= 0) perTenant.delete(tenantId);
          else perTenant.set(tenantId, n);
        },
      };
    },

    subscribe(tenantId, runId) {
      // the tenant is part of the key: a view is only ever read on behalf of the run's owner
      const key = `${tenantId}\u0000${runId}`;
      let ch = channels.get(key);
      if (!ch) {
        ch = { subscribers: 0, latest: null, latestAt: 0, waiters: [], timer: null, polling: false };
        channels.set(key, ch);
      }
      const channel = ch;
      channel.subscribers++;
      let first = true;
      let open = true;
      return {
        next() {
          if (!open) return Promise.reject(new Error('subscription closed'));
          const fresh = first && channel.latest !== null && performance.now() - channel.latestAt < intervalMs;
          first = false;
          if (fresh) return Promise.resolve(channel.latest!);
          const p = new Promise<RunSnapshot>((resolve) => channel.waiters.push(resolve));
          // a new channel (or one whose timer stopped) reads now
          if (!channel.timer && !channel.polling) void poll(key, channel, tenantId, runId);
          return p;
        },
        close() {
          if (!open) return;
          open = false;
          channel.subscribers--;
          if (channel.subscribers === 0) {
            if (channel.timer) clearTimeout(channel.timer);
            channel.timer = null;
            if (!channel.polling && channels.get(key) === channel) channels.delete(key);
          }
        },
      };
    },

    stats: () => ({ streams, channels: channels.size, polls }),

    close() {
      closed = true;
      for (const ch of channels.values()) if (ch.timer) clearTimeout(ch.timer);
      channels.clear();
    },
  };
}

// A tiny Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with labels, plus
// collectors run at scrape time (gauges read from the database). No dependency, no global state: one registry lives
// in `Deps.metrics`.
import { sql } from 'drizzle-orm';
import type { DbHandle } from '../db/client.js';
import { RUN_STATUSES } from '../lib/run-status.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels<L extends string> = { [K in L]: string | number };

/** Seconds, for HTTP requests: 1 ms … 10 s. */
export const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds, for model calls (retries included): 50 ms … 5 min. */
export const MODEL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function labelString(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Metric {
  readonly name: string;
  render(): string;
}

abstract class Base<L extends string> implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l === 'le') throw new Error(`invalid label name ${l}`);
  }

  protected key(labels: Labels<L> | undefined): { key: string; values: string[] } {
    const values = this.labelNames.map((n) => {
      const v = labels?.[n];
      if (v === undefined) throw new Error(`metric ${this.name}: label ${n} missing`);
      return String(v);
    });
    return { key: values.join('\u0000'), values };
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  /** the exposition of one-value series (counters and gauges) */
  protected renderValues(series: Iterable<{ values: string[]; value: number }>): string {
    let out = this.header();
    for (const s of series) out += `${this.name}${labelString(this.labelNames, s.values)} ${formatValue(s.value)}\n`;
    return out;
  }

  abstract render(): string;
}

export class Counter<L extends string = never> extends Base<L> {
  private readonly series = new Map<string, { values: string[]; value: number }>();
  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    super(name, help, labelNames, 'counter');
  }
  inc(labels?: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} can only increase`);
    const { key, values } = this.key(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { values, value: by });
  }
  get(labels?: Labels<L>): number {
    return this.series.get(this.key(labels).key)?.value ?? 0;
  }
  render(): string {
    return this.renderValues(this.series.values());
  }
}

export class Gauge<L extends string = never> extends Base<L> {
  private series = new Map<string, { values: string[]; value: number }>();
  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    super(name, help, labelNames, 'gauge');
  }
  set(labels: Labels<L> | undefined, value: number): void {
    const { key, values } = this.key(labels);
    this.series.set(key, { values, value });
  }
  /** drops every series (a collector then sets the current ones) */
  reset(): void {
    this.series = new Map();
  }
  get(labels?: Labels<L>): number | undefined {
    return this.series.get(this.key(labels).key)?.value;
  }
  render(): string {
    return this.renderValues(this.series.values());
  }
}

export class Histogram<L extends string = never> extends Base<L> {
  private readonly series = new Map<string, { values: string[]; counts: number[]; sum: number; count: number }>();
  readonly buckets: number[];
  constructor(name: string, help: string, labelNames: readonly L[] = [], buckets: readonly number[] = HTTP_BUCKETS) {
    super(name, help, labelNames, 'histogram');
    this.buckets = [...buckets].sort((a, b) => a - b);
    if (this.buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b === this.buckets[i - 1]))) {
      throw new Error(`histogram ${name}: buckets must be finite and distinct`);
    }
  }
  observe(labels: Labels<L> | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    const { key, values } = this.key(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { values, counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // counts are per bucket here; render() accumulates them
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  /** Times `fn` in seconds. */
  async time<T>(labels: Labels<L> | undefined, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.observe(labels, (performance.now() - t0) / 1000);
    }
  }
  snapshot(labels?: Labels<L>): { count: number; sum: number } | undefined {
    const s = this.series.get(this.key(labels).key);
    return s ? { count: s.count, sum: s.sum } : undefined;
  }
  render(): string {
    let out = this.header();
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i];
        out += `${this.name}_bucket${labelString(this.labelNames, s.values, ['le', formatValue(b)])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelString(this.labelNames, s.values, ['le', '+Inf'])} ${s.count}\n`;
      out += `${this.name}_sum${labelString(this.labelNames, s.values)} ${formatValue(s.sum)}\n`;
      out += `${this.name}_count${labelString(this.labelNames, s.values)} ${s.count}\n`;
    }
    return out;
  }
}

export type Collector = () => Promise<void> | void;

export class Registry {
  private readonly metrics = new Map<string, Metric>();
  private readonly collectors: Collector[] = [];

  register<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.register(new Counter<L>(name, help, labelNames));
  }
  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.register(new Gauge<L>(name, help, labelNames));
  }
  histogram<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], buckets?: readonly number[]): Histogram<L> {
    return this.register(new Histogram<L>(name, help, labelNames, buckets));
  }
  /** Runs before every scrape (e.g. to read gauges from the database). */
  addCollector(fn: Collector): void {
    this.collectors.push(fn);
  }
  /** The exposition text. A failing collector leaves its gauges as they were and is reported in `errors`. */
  async render(): Promise<{ text: string; errors: unknown[] }> {
    const errors: unknown[] = [];
    for (const c of this.collectors) {
      try {
        await c();
      } catch (err) {
        errors.push(err);
      }
    }
    let text = '';
    for (const m of this.metrics.values()) text += m.render();
    return { text, errors };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The service's metrics
// ---------------------------------------------------------------------------------------------------------------


export interface AtpMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  modelCalls: Counter<'endpoint' | 'outcome'>;
  modelCallRetries: Counter<'endpoint'>;
  modelCallErrors: Counter<'endpoint' | 'kind'>;
  modelCallLatency: Histogram<'endpoint'>;
  runs: Gauge<'status'>;
  queueDepth: Gauge;
  /** the exposition text (collectors run first) */
  render(): Promise<{ text: string; errors: unknown[] }>;
}

/** Route label for requests that matched no route (never the raw path: that would be unbounded). */
export const UNMATCHED_ROUTE = 'unmatched';

export function createMetrics(opts: { db?: Pick<DbHandle, 'rows'> } = {}): AtpMetrics {
  const registry = new Registry();
  const m: AtpMetrics = {
    registry,
    httpRequests: registry.counter('atp_http_requests_total', 'HTTP requests answered, by method, matched route pattern and status.', ['method', 'route', 'status']),
    httpDuration: registry.histogram('atp_http_request_duration_seconds', 'Time to answer an HTTP request (to the first byte for streams).', ['method', 'route'], HTTP_BUCKETS),
    modelCalls: registry.counter('atp_model_calls_total', 'Model calls (retries included in one call), by endpoint id and outcome (ok or the error kind).', ['endpoint', 'outcome']),
    modelCallRetries: registry.counter('atp_model_call_retries_total', 'Extra HTTP attempts made by model calls, by endpoint id.', ['endpoint']),
    modelCallErrors: registry.counter('atp_model_call_errors_total', 'Model calls that ended in an error, by endpoint id and kind (transient, permanent, tools-unsupported, rescheduled, cancelled).', ['endpoint', 'kind']),
    modelCallLatency: registry.histogram('atp_model_call_latency_seconds', 'Model call latency including retries, by endpoint id.', ['endpoint'], MODEL_BUCKETS),
    runs: registry.gauge('atp_runs', 'Runs by status (read from the database at scrape time).', ['status']),
    queueDepth: registry.gauge('atp_queue_depth', 'Episode jobs waiting for a worker (read from the database at scrape time).'),
    render: () => registry.render(),
  };
  const startTime = registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.');
  startTime.set(undefined, Math.round(Date.now() / 1000 - process.uptime()));
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.');
  registry.addCollector(() => rss.set(undefined, process.memoryUsage.rss()));

  const db = opts.db;
  if (db) {
    registry.addCollector(async () => {
      const rows = await db.rows<{ status: string; n: number | string }>(sql`select status, count(*) as n from runs group by status`);
      const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
      m.runs.reset();
      for (const s of RUN_STATUSES) m.runs.set({ status: s }, counts.get(s) ?? 0);
      const [q] = await db.rows<{ n: number | string }>(sql`select count(*) as n from jobs where kind = 'episode' and status = 'queued'`);
      m.queueDepth.set(undefined, Number(q?.n ?? 0));
    });
  }
  return m;
}

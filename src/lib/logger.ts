export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Field names whose values are never written to logs, at any depth. */
const SECRET_KEY = /(^|_|-)(api_?key|apikey|secret|token|password|authorization|cookie|headers?)$/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /**
   * A child logger that masks these values (e.g. one endpoint's API key and header values) in its lines only. The
   * masking is scoped on purpose: a process-wide set would let any tenant blank out common words in every log line.
   */
  withSecrets(values: readonly string[]): Logger;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function createLogger(opts: {
  level: LogLevel;
  write?: (line: string) => void;
  base?: Record<string, unknown>;
  now?: () => Date;
  /** values masked in this logger's lines (and its children's) */
  secrets?: readonly string[];
}): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  return build({ min: ORDER[opts.level], write, now: opts.now ?? (() => new Date()) }, opts.base ?? {}, maskList(opts.secrets ?? []));
}

interface Sink {
  min: number;
  write: (line: string) => void;
  now: () => Date;
}

/** Distinct, non-empty, longest first (so a value containing another is masked whole), with their JSON-escaped form. */
function maskList(values: readonly string[]): Array<[string, string]> {
  return [...new Set(values)]
    .filter(Boolean)
    .sort((a, b) => b.length - a.length)
    .map((v) => [v, JSON.stringify(v).slice(1, -1)]);
}

// Every request gets a child logger: building one is a closure over what its parent already prepared, nothing more.
function build(sink: Sink, base: Record<string, unknown>, secrets: Array<[string, string]>): Logger {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < sink.min) return;
    let line = JSON.stringify({ time: sink.now().toISOString(), level, msg, ...base, ...(redact(fields) as object) });
    // Belt and braces: a secret of this logger's scope that slipped into a free-text field is masked too (as written
    // and as JSON escapes it inside the line).
    for (const [, escaped] of secrets) if (line.includes(escaped)) line = line.split(escaped).join('[redacted]');
    sink.write(line);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => build(sink, { ...base, ...fields }, secrets),
    withSecrets: (values) => build(sink, base, maskList([...secrets.map(([v]) => v), ...values])),
  };
}

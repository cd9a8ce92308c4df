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
  /** register a secret value (e.g. a decrypted API key) that must never appear in a log line */
  addSecret(value: string): void;
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
  secrets?: Set<string>;
}): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const secrets = opts.secrets ?? new Set<string>();
  const now = opts.now ?? (() => new Date());
  const min = ORDER[opts.level];
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    let line = JSON.stringify({ time: now().toISOString(), level, msg, ...opts.base, ...(redact(fields) as object) });
    // Belt and braces: a secret value that slipped into a free-text field is masked too.
    for (const s of secrets) if (s.length >= 6 && line.includes(s)) line = line.split(s).join('[redacted]');
    write(line);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...opts, write, secrets, base: { ...opts.base, ...fields } }),
    addSecret: (v) => {
      if (v) secrets.add(v);
    },
  };
}

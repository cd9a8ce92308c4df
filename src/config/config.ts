import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** Environment → typed config. Parsed once at start-up; nothing else reads process.env. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ATP_DATA_DIR: z.string().default('./.atp'),
  ATP_SECRET: z.string().min(32, 'must be at least 32 characters').optional().or(z.literal('').transform(() => undefined)),
  /** previous master secrets, comma separated, still accepted for decrypting stored secrets (rotation) */
  ATP_PREVIOUS_SECRETS: z.string().optional(),
  ATP_ALLOW_PRIVATE_ENDPOINTS: flag,
  ATP_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  ATP_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** runs a tenant may create per minute (fixed window shared by all API processes); 0 = unlimited */
  ATP_RUN_RATE_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  /** queued + running runs a tenant may have at once; 0 = unlimited */
  ATP_MAX_ACTIVE_RUNS: z.coerce.number().int().min(0).max(1_000_000).default(20),
  /** episodes one run may have (all subjects and samples) */
  ATP_MAX_EPISODES_PER_RUN: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  /** nominal model calls one run may plan (the sum of its episodes' calls) */
  ATP_MAX_CALLS_PER_RUN: z.coerce.number().int().min(1).max(10_000_000).default(200_000),
  /** when set, GET /metrics requires `Authorization: Bearer <this token>`; unset = public */
  ATP_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().or(z.literal('').transform(() => undefined)),
  /** label model-call metrics with the endpoint id (per-tenant detail); off = one aggregate series */
  ATP_METRICS_PER_ENDPOINT: flag,
  /** open `/events` streams per tenant (API and console) in this process; 0 = unlimited */
  ATP_SSE_MAX_PER_TENANT: z.coerce.number().int().min(0).max(1_000_000).default(50),
  /** open `/events` streams in this process, all tenants; 0 = unlimited */
  ATP_SSE_MAX_STREAMS: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  /** bytes of one model response read at most; a larger one fails its call */
  ATP_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** bytes of response bodies all in-flight model calls of one process may hold at once */
  ATP_RESPONSE_MEMORY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  /** UTF-8 bytes of an answer's text (and of its reasoning) that are stored and read; the rest is cut */
  ATP_MAX_ANSWER_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024),
  /** bytes of one transcript page (a single larger call is still returned alone) */
  ATP_TRANSCRIPT_PAGE_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
  /** bytes of stored prompts and answers per tenant; 0 = unlimited */
  ATP_TENANT_STORAGE_BYTES: z.coerce.number().int().min(0).default(2 * 1024 * 1024 * 1024),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secret: string | undefined;
  previousSecrets: string[];
  allowPrivateEndpoints: boolean;
  workers: number;
  publicUrl: string | undefined;
  logLevel: RawConfig['LOG_LEVEL'];
  /** run creations per tenant per minute (0 = unlimited) */
  runRatePerMinute: number;
  /** queued + running runs per tenant (0 = unlimited) */
  maxActiveRuns: number;
  /** episodes per run */
  maxEpisodesPerRun: number;
  /** nominal model calls per run */
  maxCallsPerRun: number;
  /** bearer token protecting /metrics (undefined = public) */
  metricsToken: string | undefined;
  /** model-call metrics labelled by endpoint id (false: `endpoint="all"`) */
  metricsPerEndpoint: boolean;
  /** open event streams per tenant in this process (0 = unlimited) */
  sseMaxPerTenant: number;
  /** open event streams in this process (0 = unlimited) */
  sseMaxStreams: number;
  /** budgets (docs/operations.md, "Limits") */
  budgets: Budgets;
}

export interface Budgets {
  /** bytes of one model response read at most */
  maxResponseBytes: number;
  /** bytes of response bodies held by all in-flight calls of a process */
  responseMemoryBytes: number;
  /** stored UTF-8 bytes of an answer's text and of its reasoning */
  maxAnswerBytes: number;
  /** bytes of one transcript page */
  transcriptPageBytes: number;
  /** stored bytes per tenant (0 = unlimited) */
  tenantStorageBytes: number;
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.DATABASE_URL && !c.ATP_SECRET) {
    throw new ConfigError('ATP_SECRET is required when DATABASE_URL is set (every process must share it)');
  }
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.ATP_DATA_DIR,
    secret: c.ATP_SECRET,
    previousSecrets: (c.ATP_PREVIOUS_SECRETS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    allowPrivateEndpoints: c.ATP_ALLOW_PRIVATE_ENDPOINTS,
    workers: c.ATP_WORKERS,
    publicUrl: c.ATP_PUBLIC_URL,
    logLevel: c.LOG_LEVEL,
    runRatePerMinute: c.ATP_RUN_RATE_PER_MINUTE,
    maxActiveRuns: c.ATP_MAX_ACTIVE_RUNS,
    maxEpisodesPerRun: c.ATP_MAX_EPISODES_PER_RUN,
    maxCallsPerRun: c.ATP_MAX_CALLS_PER_RUN,
    metricsToken: c.ATP_METRICS_TOKEN,
    metricsPerEndpoint: c.ATP_METRICS_PER_ENDPOINT,
    sseMaxPerTenant: c.ATP_SSE_MAX_PER_TENANT,
    sseMaxStreams: c.ATP_SSE_MAX_STREAMS,
    budgets: {
      maxResponseBytes: c.ATP_MAX_RESPONSE_BYTES,
      responseMemoryBytes: c.ATP_RESPONSE_MEMORY_BYTES,
      maxAnswerBytes: c.ATP_MAX_ANSWER_BYTES,
      transcriptPageBytes: c.ATP_TRANSCRIPT_PAGE_BYTES,
      tenantStorageBytes: c.ATP_TENANT_STORAGE_BYTES,
    },
  };
}

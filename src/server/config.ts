import { z } from 'zod';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { DEFAULT_SQLITE_URL } from '../store/db.js';
import { NotifyConfigSchema, notifyEnv } from '../notify/notify.config.js';

/** Server configuration: flags first, then environment, then defaults. Parsed once at start. */
export const ConfigSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  db: z
    .string()
    .min(1)
    .default(DEFAULT_SQLITE_URL)
    .refine((u) => /^(postgres(ql)?:\/\/|sqlite:|[./]|:memory:)/.test(u) || !u.includes(':'), {
      message: 'expected postgres://… or sqlite:PATH',
    }),
  plan: z.string().min(1).default(DEFAULT_PLAN_FILE),
  demo: z.boolean().default(false),
  demoPassword: z.string().min(8, { message: 'YINGJI_DEMO_PASSWORD must have at least 8 characters' }).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  heartbeatMs: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** AES-256 key for petitioners' personal data (64 hex or base64 of 32 bytes); see README. */
  dataKey: z
    .string()
    .refine((k) => /^[0-9a-fA-F]{64}$/.test(k.trim()) || Buffer.from(k.trim(), 'base64').length === 32, {
      message: 'YINGJI_DATA_KEY must be 32 bytes: 64 hex characters or base64',
    })
    .optional(),
  /** Days a closed case keeps the petitioner's name and phone before they are erased (safeguards 5). */
  retentionDays: z.coerce.number().int().min(0).max(3650).default(365),
  /** Notification channels (all optional), link signing key and retry settings. */
  notify: NotifyConfigSchema.prefault({}),
});
export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export interface ConfigInput {
  port?: string | number;
  host?: string;
  db?: string;
  plan?: string;
  demo?: boolean;
}

/**
 * Reads the configuration from flags and the environment. Returns every problem at once
 * (the caller prints them and exits non-zero) rather than stopping at the first.
 */
export function readConfig(flags: ConfigInput, env: NodeJS.ProcessEnv = process.env): { config: Config } | { errors: string[] } {
  const raw = {
    port: flags.port ?? env.YINGJI_PORT ?? env.PORT,
    host: flags.host ?? env.YINGJI_HOST,
    db: flags.db ?? env.YINGJI_DB,
    plan: flags.plan ?? env.YINGJI_PLAN,
    demo: flags.demo ?? (env.YINGJI_DEMO ? env.YINGJI_DEMO === '1' || env.YINGJI_DEMO === 'true' : undefined),
    demoPassword: env.YINGJI_DEMO_PASSWORD || undefined,
    logLevel: env.YINGJI_LOG_LEVEL || undefined,
    heartbeatMs: env.YINGJI_SSE_HEARTBEAT_MS || undefined,
    dataKey: env.YINGJI_DATA_KEY || undefined,
    retentionDays: env.YINGJI_RETENTION_DAYS || undefined,
    notify: notifyEnv(env),
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`) };
  }
  return { config: Object.freeze(parsed.data) };
}

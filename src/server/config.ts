import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { DEFAULT_SQLITE_URL } from '../store/db.js';
import { NotifyConfigSchema, notifyEnv } from '../notify/notify.config.js';

/** One trusted proxy: an address, a CIDR range (`10.0.0.0/8`), or `loopback`, `linklocal`, `uniquelocal`. */
const isProxyAddress = (a: string) => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(a)) return true;
  const [ip, bits, extra] = a.split('/');
  const v = isIP(ip ?? '');
  if (!v || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128));
};

/**
 * Which reverse proxies may name the client (X-Forwarded-For, -Proto, -Host), as Fastify's
 * `trustProxy`: `false` (default: the connecting address is the client), `true` (any: only
 * when nothing but the proxy can reach the server), or a comma-separated list of proxy
 * addresses and ranges (Fastify ignores a hop count, so none is offered). The client
 * address drives the sign-in limits: trusting too much lets anyone pick the address they
 * are limited under.
 */
export const TrustProxySchema = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const t = v.trim().toLowerCase();
    if (['', 'false', 'no', 'off'].includes(t)) return false;
    if (['true', 'yes', 'on'].includes(t)) return true;
    return t.split(',').map((a) => a.trim()).filter(Boolean);
  },
  z.union([
    z.boolean(),
    z.array(z.string().refine(isProxyAddress, {
        error: (iss) => `YINGJI_TRUST_PROXY: "${String(iss.input)}" is not an address or CIDR range (expected false, true, or the proxies' addresses/ranges separated by commas)`,
      })).min(1),
  ]),
);

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
  /** One log line per request received and answered (YINGJI_LOG_REQUESTS=1); off by default, so the console shows start-up, warnings and errors. */
  logRequests: z.boolean().default(false),
  heartbeatMs: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Reverse proxies whose forwarded headers are believed; see `TrustProxySchema`. */
  trustProxy: TrustProxySchema.default(false),
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
  trustProxy?: string;
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
    logRequests: env.YINGJI_LOG_REQUESTS ? ['1', 'true', 'yes', 'on'].includes(env.YINGJI_LOG_REQUESTS.trim().toLowerCase()) : undefined,
    heartbeatMs: env.YINGJI_SSE_HEARTBEAT_MS || undefined,
    trustProxy: flags.trustProxy ?? (env.YINGJI_TRUST_PROXY || undefined),
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

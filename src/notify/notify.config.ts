import { z } from 'zod';

const url = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });
const secret = z.string().min(16, { message: 'expected a secret of at least 16 characters' });

/**
 * Notification channels and their secrets, per deployment. Every channel is optional: one
 * that is not configured is simply not used.
 */
export const NotifyConfigSchema = z.strictObject({
  /** Generic webhook: JSON, HMAC-SHA256 signed with `secret`. */
  webhook: z.strictObject({ url, secret }).optional(),
  /** DingTalk group robot; `secret` enables its signing ("加签"). */
  dingtalk: z.strictObject({ url, secret: z.string().min(1).optional() }).optional(),
  /** WeCom group robot; its URL carries the robot's key. */
  wecom: z.strictObject({ url }).optional(),
  /** SMTP server (`smtp://user:pass@host:587`, `smtps://…`) and the From address. */
  smtp: z
    .strictObject({
      url: z.string().regex(/^smtps?:\/\//, { message: 'expected smtp://… or smtps://…' }),
      from: z.string().min(3),
    })
    .optional(),
  /** Generic HTTP SMS gateway: POST JSON with a bearer token. */
  sms: z.strictObject({ url, token: z.string().min(1) }).optional(),
  /** Key that signs acknowledgement links. */
  linkKey: z.string().min(32, { message: 'YINGJI_LINK_KEY must have at least 32 characters' }).optional(),
  /** The server's public base URL, for links in messages. */
  publicUrl: url.optional(),
  /** Timeout of every call to a channel, ms. */
  timeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  retry: z
    .strictObject({
      baseMs: z.coerce.number().int().min(1).default(5_000),
      factor: z.coerce.number().min(1).max(10).default(2),
      maxAttempts: z.coerce.number().int().min(1).max(100).default(8),
      maxDelayMs: z.coerce.number().int().min(1).default(30 * 60_000),
    })
    .prefault({}),
});
export type NotifyConfig = Readonly<z.infer<typeof NotifyConfigSchema>>;

/**
 * The raw notification settings from the environment (`YINGJI_*`), for `NotifyConfigSchema`.
 * A channel's group appears when any of its variables is set, so a half-configured channel
 * is reported rather than silently dropped.
 */
export function notifyEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const v = (name: string) => env[name] || undefined;
  const group = (fields: Record<string, string | undefined>) =>
    Object.values(fields).some((x) => x !== undefined) ? fields : undefined;
  return {
    webhook: group({ url: v('YINGJI_WEBHOOK_URL'), secret: v('YINGJI_WEBHOOK_SECRET') }),
    dingtalk: group({ url: v('YINGJI_DINGTALK_WEBHOOK'), secret: v('YINGJI_DINGTALK_SECRET') }),
    wecom: group({ url: v('YINGJI_WECOM_WEBHOOK') }),
    smtp: group({ url: v('YINGJI_SMTP_URL'), from: v('YINGJI_SMTP_FROM') }),
    sms: group({ url: v('YINGJI_SMS_URL'), token: v('YINGJI_SMS_TOKEN') }),
    linkKey: v('YINGJI_LINK_KEY'),
    publicUrl: v('YINGJI_PUBLIC_URL'),
    timeoutMs: v('YINGJI_NOTIFY_TIMEOUT_MS'),
    retry: {
      baseMs: v('YINGJI_NOTIFY_RETRY_BASE_MS'),
      factor: v('YINGJI_NOTIFY_RETRY_FACTOR'),
      maxAttempts: v('YINGJI_NOTIFY_MAX_ATTEMPTS'),
      maxDelayMs: v('YINGJI_NOTIFY_RETRY_MAX_MS'),
    },
  };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel, Delivery } from './channel.js';
import { classifyStatus, isAnswer, postJson } from './http.js';

export const WEBHOOK_TIMESTAMP_HEADER = 'x-yingji-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'x-yingji-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** How far a receiver should accept a webhook's timestamp from its own clock (replay window). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** `sha256=` + hex HMAC-SHA256 of `timestamp.body` under the shared secret. */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver checks: the signature over `timestamp.body` (compared in constant time)
 * and a timestamp within `toleranceMs` of its clock, so a captured request cannot be replayed
 * later. Receivers drop repeats by the `idempotency-key` header.
 */
export function verifyWebhook(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  now?: number;
  toleranceMs?: number;
}): { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad_signature' } {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing' };
  const now = input.now ?? Date.now();
  if (Math.abs(now - Number(timestamp)) > (input.toleranceMs ?? WEBHOOK_TOLERANCE_MS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/** The JSON a webhook receives; identical on every retry (only the timestamp header changes). */
export function webhookPayload(message: Delivery): Record<string, unknown> {
  return {
    id: message.idempotencyKey,
    kind: message.body.kind,
    recipient: message.recipient,
    address: message.address || null,
    subject: message.subject,
    text: message.body.text,
    link: message.body.link ?? null,
    data: message.body.data ?? {},
    source: message.source,
  };
}

export interface WebhookOptions {
  url: string;
  secret: string;
  timeoutMs?: number;
  clock?: () => number;
}

/**
 * Generic webhook: POSTs the message as JSON, signed with HMAC-SHA256 over
 * `timestamp.body` (`x-yingji-timestamp`, epoch ms; `x-yingji-signature`), with the message's
 * `idempotency-key`.
 */
export function webhookChannel(opts: WebhookOptions): Channel {
  const clock = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'webhook',
    async send(message, signal) {
      const body = JSON.stringify(webhookPayload(message));
      const timestamp = String(clock());
      const answer = await postJson(
        opts.url,
        body,
        {
          [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(opts.secret, timestamp, body),
          [IDEMPOTENCY_HEADER]: message.idempotencyKey,
        },
        { signal, timeoutMs },
      );
      return isAnswer(answer) ? classifyStatus(answer) : answer;
    },
  };
}

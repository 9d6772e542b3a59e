import { plainText, type Channel, type ChannelResult } from './channel.js';
import { classifyStatus, isAnswer, postJson } from './http.js';
import { IDEMPOTENCY_HEADER } from './webhook.channel.js';

/** One text message: `id` is the idempotency key, so a provider can drop repeats. */
export interface SmsMessage {
  id: string;
  to: string;
  text: string;
}

/**
 * An SMS provider (a carrier's or a cloud vendor's API). `send` never throws and classifies
 * its failures as the channels do.
 */
export interface SmsProvider {
  readonly name: string;
  send(sms: SmsMessage, signal: AbortSignal): Promise<ChannelResult>;
}

/** Longest text handed to a provider; providers split long texts into several parts. */
export const SMS_MAX_CHARS = 500;
const PHONE = /^\+?\d{5,20}$/;

export interface HttpSmsGatewayOptions {
  url: string;
  /** Sent as `Authorization: Bearer …`. */
  token: string;
  timeoutMs?: number;
}

/**
 * A generic HTTP SMS gateway: POST JSON `{to, text, id}` with a bearer token; any 2xx is
 * accepted, and a JSON answer's `id` (or `message_id`) is kept as the provider's id.
 */
export class HttpSmsGateway implements SmsProvider {
  readonly name = 'http-sms-gateway';
  constructor(private readonly opts: HttpSmsGatewayOptions) {}

  async send(sms: SmsMessage, signal: AbortSignal): Promise<ChannelResult> {
    const answer = await postJson(
      this.opts.url,
      JSON.stringify({ to: sms.to, text: sms.text, id: sms.id }),
      { authorization: `Bearer ${this.opts.token}`, [IDEMPOTENCY_HEADER]: sms.id },
      { signal, timeoutMs: this.opts.timeoutMs ?? 10_000 },
    );
    if (!isAnswer(answer)) return answer;
    const result = classifyStatus(answer);
    if (!result.ok) return result;
    try {
      const reply = JSON.parse(answer.text) as { id?: unknown; message_id?: unknown };
      const id = reply.id ?? reply.message_id;
      return typeof id === 'string' || typeof id === 'number' ? { ok: true, id: String(id) } : result;
    } catch {
      return result;
    }
  }
}

/** SMS to the message's address (a phone number) through a provider. */
export function smsChannel(provider: SmsProvider): Channel {
  return {
    name: 'sms',
    async send(message, signal) {
      const to = message.address.replace(/[\s-]/g, '');
      if (!PHONE.test(to)) return { ok: false, retryable: false, reason: `not a phone number: ${message.address || '(none)'}` };
      // A long text is cut, never its link.
      const link = message.body.link ? `\n${message.body.link}` : '';
      const words = plainText({ subject: message.subject, body: { ...message.body, link: undefined } }, true);
      const room = SMS_MAX_CHARS - link.length;
      const text = (words.length > room ? `${words.slice(0, room - 1)}…` : words) + link;
      return provider.send({ id: message.idempotencyKey, to, text }, signal);
    },
  };
}

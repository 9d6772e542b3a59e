import { createHash } from 'node:crypto';
import type { NodemailerError, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { describeError, plainText, titleOf, type Channel, type ChannelResult } from './channel.js';

export interface EmailOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465`. */
  url: string;
  /** The From address, e.g. `"应急 Yingji" <yingji@county.gov.cn>`. */
  from: string;
  timeoutMs?: number;
}

/** The Message-ID of a message: derived from its idempotency key, so every retry carries the same one. */
export function messageIdOf(idempotencyKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'yingji.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/**
 * Classifies an SMTP failure: a permanent reply (5xx but 503) or a rejected recipient is not
 * retryable; 4xx replies, dropped connections and timeouts are; bad credentials or
 * configuration are not (an administrator retries once they are fixed).
 */
export function classifySmtpError(err: unknown): Extract<ChannelResult, { ok: false }> {
  const e = err as NodemailerError;
  const reason = `${e.code ? `${e.code}: ` : ''}${e.response ?? describeError(err)}`;
  if (typeof e.responseCode === 'number') {
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    return { ok: false, retryable: !permanent, reason };
  }
  const fatal = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS']);
  return { ok: false, retryable: !fatal.has(e.code ?? ''), reason };
}

/** E-mail over SMTP (nodemailer), one connection per message, with timeouts on every step. */
export function emailChannel(opts: EmailOptions): Channel {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // nodemailer loads with the first message, not when the server starts.
  let transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | null = null;
  const connect = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url: opts.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs }),
    ));
  return {
    name: 'email',
    async send(message, signal) {
      if (!message.address.includes('@')) return { ok: false, retryable: false, reason: `not an e-mail address: ${message.address || '(none)'}` };
      try {
        const info = await (await connect()).sendMail({
          from: opts.from,
          to: message.address,
          subject: titleOf(message),
          text: plainText(message),
          messageId: messageIdOf(message.idempotencyKey, opts.from),
          headers: { 'X-Yingji-Idempotency-Key': message.idempotencyKey, 'X-Yingji-Kind': message.body.kind },
          signal,
        });
        if (info.rejected.length && !info.accepted.length) {
          return { ok: false, retryable: false, reason: `recipient refused: ${info.rejected.join(', ')}` };
        }
        return { ok: true, id: info.messageId };
      } catch (err) {
        if (signal.aborted) return { ok: false, retryable: true, reason: 'aborted: the dispatcher is stopping' };
        return classifySmtpError(err);
      }
    },
    async close() {
      (await transport)?.close();
    },
  };
}

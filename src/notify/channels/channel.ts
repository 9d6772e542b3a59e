/** The ways a notification reaches people. */
export const CHANNEL_NAMES = ['in_app', 'webhook', 'dingtalk', 'wecom', 'email', 'sms'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** What a notification says; stored as JSON in the outbox's `body`. */
export interface NotificationBody {
  /** What it is about, e.g. `summons`, `alert`, `approval_request`, `case_deadline`. */
  kind: string;
  /** Plain text, complete on its own (SMS, robots, e-mail). */
  text: string;
  /** A link to act on it, e.g. the signed acknowledgement link. */
  link?: string;
  /** Structured details for machine receivers (the generic webhook). */
  data?: Record<string, unknown>;
}

/** One outbox message as a channel sends it. */
export interface Delivery {
  /** The outbox row's id. */
  id: string;
  /** Stable across retries: receivers use it to drop repeats. */
  idempotencyKey: string;
  /** A person id, or the channel target (e.g. a robot's group). */
  recipient: string;
  /** An e-mail address, a phone number, or '' for a group robot. */
  address: string;
  subject: string | null;
  body: NotificationBody;
  /** Which try this is, from 1. */
  attempt: number;
  source: { stream: string; id: string; seq: number | null } | null;
}

/**
 * The outcome of one try. `retryable` says whether the same message may succeed later
 * (network errors, timeouts, 5xx, 408, 429); `retryAfterMs` is the receiver's own hint.
 */
export type ChannelResult =
  | { ok: true; id?: string }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

/** A delivery channel. `send` never throws: every failure is a result. */
export interface Channel {
  readonly name: ChannelName;
  /** Sends one message; `signal` aborts it (the dispatcher is stopping). */
  send(message: Delivery, signal: AbortSignal): Promise<ChannelResult>;
  /** Releases connections (e.g. an SMTP pool). */
  close?(): Promise<void>;
}

/** The configured channels by name; a channel that is absent is not used. */
export type Channels = Partial<Record<ChannelName, Channel>>;

/** The subject line of a message: its own subject, else the first line of its text. */
export function titleOf(message: Pick<Delivery, 'subject' | 'body'>): string {
  return message.subject ?? message.body.text.split('\n', 1)[0]!.slice(0, 80);
}

/** The message as plain text with its link, for SMS, e-mail and text robots. */
export function plainText(message: Pick<Delivery, 'subject' | 'body'>, withSubject = false): string {
  const parts = [withSubject && message.subject ? `【${message.subject}】${message.body.text}` : message.body.text];
  if (message.body.link) parts.push(message.body.link);
  return parts.join('\n');
}

/** Cuts a string to at most `bytes` bytes of UTF-8 without splitting a character. */
export function truncateUtf8(s: string, bytes: number): string {
  if (Buffer.byteLength(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes - 3) break;
    out += ch;
    used += n;
  }
  return `${out}…`;
}

/** Describes an unknown thrown value in one line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = (cause as { code?: string } | undefined)?.code ?? (err as { code?: string }).code;
    const inner = cause instanceof Error ? cause.message : '';
    return [err.message, inner && inner !== err.message ? inner : '', code && !inner.includes(code) ? code : '']
      .filter(Boolean)
      .join(': ');
  }
  return String(err);
}

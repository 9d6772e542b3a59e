import { timeOrderedId } from '../engine/ids.js';
import type { Db, Trx } from '../store/db.js';
import { outboxRepository } from '../store/outbox.repository.js';
import type { OutboxRow } from '../store/schema.js';
import type { ChannelName, Delivery, NotificationBody } from './channels/channel.js';

/** A notification to deliver, as the code that causes it describes it. */
export interface OutgoingMessage {
  /**
   * Unique per message and stable: the same key enqueued twice is one message (e.g.
   * `summons:<incident>:<seq>:<person>:<channel>`). Receivers see it to drop repeats.
   */
  idempotencyKey: string;
  channel: ChannelName;
  /** A person id, or the channel target (e.g. a robot's group). */
  recipient: string;
  /** An e-mail address, a phone number, or '' for a group robot or in-app. */
  address: string;
  subject?: string | null;
  body: NotificationBody;
  /** The event that caused it. */
  source?: { stream: string; id: string; seq?: number | null } | null;
}

/**
 * Writes messages to the outbox, to be delivered by the dispatcher once the transaction
 * commits; call it inside the transaction of the event that causes them, so a message exists
 * exactly when its event does. Idempotent: a key already in the outbox (or repeated in
 * `messages`) is ignored. Returns how many messages were new.
 */
export async function enqueue(trx: Db | Trx, messages: readonly OutgoingMessage[], now: number = Date.now()): Promise<number> {
  const seen = new Set<string>();
  const rows = [];
  for (const m of messages) {
    if (seen.has(m.idempotencyKey)) continue;
    seen.add(m.idempotencyKey);
    rows.push({
      id: timeOrderedId(),
      idempotency_key: m.idempotencyKey,
      channel: m.channel,
      recipient: m.recipient,
      address: m.address,
      subject: m.subject ?? null,
      body: JSON.stringify(m.body),
      source_stream: m.source?.stream ?? null,
      source_id: m.source?.id ?? null,
      source_seq: m.source?.seq ?? null,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    });
  }
  return outboxRepository.insert(trx, rows);
}

/** An outbox row as a channel sends it. */
export function toDelivery(row: OutboxRow, attempt: number): Delivery {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    recipient: row.recipient,
    address: row.address,
    subject: row.subject,
    body: JSON.parse(row.body) as NotificationBody,
    attempt,
    source: row.source_stream && row.source_id ? { stream: row.source_stream, id: row.source_id, seq: row.source_seq === null ? null : Number(row.source_seq) } : null,
  };
}

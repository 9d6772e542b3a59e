import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, DeliveryAttemptsTable, OutboxTable } from '../store/schema.js';
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

export type OutboxRow = Selectable<OutboxTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;
/** A database handle or a transaction. */
type Q = Kysely<Database>;

/**
 * Writes messages to the outbox, to be delivered by the dispatcher once the transaction
 * commits; call it inside the transaction of the event that causes them, so a message exists
 * exactly when its event does. Idempotent: a key already in the outbox (or repeated in
 * `messages`) is ignored. Returns how many messages were new.
 */
export async function enqueue(trx: Q, messages: readonly OutgoingMessage[], now: number = Date.now()): Promise<number> {
  const seen = new Set<string>();
  const rows = [];
  for (const m of messages) {
    if (seen.has(m.idempotencyKey)) continue;
    seen.add(m.idempotencyKey);
    rows.push({
      id: randomUUID(),
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
  let added = 0;
  // Bounded batches keep within SQLite's and PostgreSQL's parameter limits.
  for (let i = 0; i < rows.length; i += 200) {
    const result = await trx
      .insertInto('outbox')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Queries over the outbox for administrators and the app. */
export const outbox = {
  async get(db: Q, id: string): Promise<OutboxRow | undefined> {
    return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async byKey(db: Q, idempotencyKey: string): Promise<OutboxRow | undefined> {
    return db.selectFrom('outbox').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
  },

  /** Every attempt to deliver a message, oldest first. */
  async attempts(db: Q, messageId: string): Promise<DeliveryAttemptRow[]> {
    return db.selectFrom('delivery_attempts').selectAll().where('message_id', '=', messageId).orderBy('at').orderBy('attempt').execute();
  },

  /** The dead-letter list, newest first. */
  async dead(db: Q, limit = 100): Promise<OutboxRow[]> {
    return db.selectFrom('outbox').selectAll().where('status', '=', 'dead').orderBy('created_at', 'desc').limit(limit).execute();
  },

  /** The messages caused by one stream (e.g. an incident), to show whether they reached people. */
  async bySource(db: Q, stream: string, id: string): Promise<OutboxRow[]> {
    return db.selectFrom('outbox').selectAll().where('source_stream', '=', stream).where('source_id', '=', id).orderBy('created_at').execute();
  },

  /** A person's in-app notifications, newest first. */
  async inbox(db: Q, personId: string, limit = 50): Promise<OutboxRow[]> {
    return db
      .selectFrom('outbox')
      .selectAll()
      .where('channel', '=', 'in_app')
      .where('recipient', '=', personId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  },

  /**
   * An administrator's retry of a dead message: pending again, due now, with a fresh set of
   * attempts (earlier attempts stay recorded). Returns false unless the message was dead.
   */
  async retry(db: Q, id: string, now: number = Date.now()): Promise<boolean> {
    const result = await db
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },
};

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

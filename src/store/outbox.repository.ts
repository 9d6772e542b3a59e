import type { Insertable, Updateable } from 'kysely';
import type { Db, Dialect, Trx } from './db.js';
import type { DeliveryAttemptRow, DeliveryAttemptsTable, OutboxRow, OutboxTable } from './schema.js';

/**
 * Queries over the outbox (notifications to deliver) and the record of every delivery
 * attempt. Messages change status but are never deleted; attempts are only ever inserted.
 */
export const outboxRepository = {
  /** Adds messages, ignoring any whose idempotency key is already stored; returns how many were new. */
  async insert(db: Db | Trx, rows: readonly Insertable<OutboxTable>[]): Promise<number> {
    let added = 0;
    // Bounded batches keep within SQLite's and PostgreSQL's parameter limits.
    for (let i = 0; i < rows.length; i += 200) {
      const result = await db
        .insertInto('outbox')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  },

  async get(db: Db | Trx, id: string): Promise<OutboxRow | undefined> {
    return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Every attempt to deliver a message, oldest first. */
  async attempts(db: Db | Trx, messageId: string): Promise<DeliveryAttemptRow[]> {
    return db.selectFrom('delivery_attempts').selectAll().where('message_id', '=', messageId).orderBy('at').orderBy('attempt').execute();
  },

  /** The attempts of several messages, oldest first; the caller keeps `messageIds` within parameter limits. */
  async attemptsOfMessages(db: Db | Trx, messageIds: readonly string[]): Promise<DeliveryAttemptRow[]> {
    return db.selectFrom('delivery_attempts').selectAll().where('message_id', 'in', [...messageIds]).orderBy('at').orderBy('attempt').execute();
  },

  /** The dead-letter list, newest first. */
  async dead(db: Db | Trx, limit = 100): Promise<OutboxRow[]> {
    return db.selectFrom('outbox').selectAll().where('status', '=', 'dead').orderBy('created_at', 'desc').limit(limit).execute();
  },

  /** The messages caused by one stream (e.g. an incident), to show whether they reached people. */
  async bySource(db: Db | Trx, stream: string, id: string): Promise<OutboxRow[]> {
    return db.selectFrom('outbox').selectAll().where('source_stream', '=', stream).where('source_id', '=', id).orderBy('created_at').execute();
  },

  /** A person's in-app notifications, newest first. */
  async inbox(db: Db | Trx, personId: string, limit = 50): Promise<OutboxRow[]> {
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
  async retry(db: Db | Trx, id: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  /** When the earliest pending message (or lease) falls due, or null when none is pending. */
  async nextDue(db: Db): Promise<number | null> {
    const row = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
  },

  /**
   * Pending messages due by `now`, earliest first. On PostgreSQL the rows are locked with
   * `FOR UPDATE SKIP LOCKED`, so several dispatchers never claim the same message.
   */
  async due(trx: Trx, dialect: Dialect, now: number, limit: number): Promise<OutboxRow[]> {
    let q = trx
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (dialect === 'postgres') q = q.forUpdate().skipLocked();
    return q.execute();
  },

  /** Leases a message to a dispatcher for its next attempt: due again when the lease runs out. */
  async lease(trx: Trx, id: string, claim: { attempts: number; locked_by: string; locked_until: number; next_attempt_at: number }): Promise<void> {
    await trx.updateTable('outbox').set(claim).where('id', '=', id).execute();
  },

  /** Gives a message up: it goes to the dead-letter list, unlocked. */
  async giveUp(trx: Trx, id: string, lastError: string): Promise<void> {
    await trx.updateTable('outbox').set({ status: 'dead', locked_by: null, locked_until: null, last_error: lastError }).where('id', '=', id).execute();
  },

  /** Records attempts, many rows per statement (within both databases' parameter limits). */
  async recordAttempts(trx: Trx, rows: readonly DeliveryAttemptsTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('delivery_attempts').values(rows.slice(i, i + 200)).execute();
  },

  /**
   * Records the outcome of an attempt on a pending message, only while the claim is still
   * this dispatcher's (not taken over after the lease ran out). False when it no longer was.
   */
  async settle(trx: Trx, id: string, claim: { workerId: string; attempt: number }, change: Updateable<OutboxTable>): Promise<boolean> {
    const result = await trx
      .updateTable('outbox')
      .set(change)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('locked_by', '=', claim.workerId)
      .where('attempts', '=', claim.attempt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },
};

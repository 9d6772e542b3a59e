import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import { byIds, type Db, type Dialect, type Trx } from './db.js';
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

  /**
   * Leases messages to a dispatcher for their next attempt, each attempt counted: due again
   * when the lease runs out. One statement for a whole claim (chunked within parameter limits).
   */
  async lease(trx: Trx, ids: readonly string[], claim: { locked_by: string; locked_until: number; next_attempt_at: number }): Promise<void> {
    await byIds(ids, async (slice) => [
      await trx
        .updateTable('outbox')
        .set((eb) => ({ ...claim, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', slice)
        .execute(),
    ]);
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
   * Records the outcomes of attempts on pending messages, each only while its claim is still
   * this dispatcher's (not taken over after the lease ran out); returns the ids recorded.
   * Outcomes that change the same columns share one statement, a value that differs per
   * message chosen by id (a pass settles dozens of messages: not one statement each).
   */
  async settle(trx: Trx, workerId: string, outcomes: readonly { id: string; attempt: number; change: Updateable<OutboxTable> }[]): Promise<Set<string>> {
    const groups = new Map<string, (typeof outcomes)[number][]>();
    for (const o of outcomes) {
      const columns = Object.keys(o.change).sort().join(',');
      let group = groups.get(columns);
      if (!group) groups.set(columns, (group = []));
      group.push(o);
    }
    const settled = new Set<string>();
    for (const [columns, group] of groups) {
      for (let i = 0; i < group.length; i += 100) {
        const chunk = group.slice(i, i + 100);
        const set: Record<string, unknown> = {};
        for (const column of columns.split(',')) set[column] = valueById(chunk, column as keyof OutboxTable);
        const rows = await trx
          .updateTable('outbox')
          .set(set as Updateable<OutboxTable>)
          .where('status', '=', 'pending')
          .where('locked_by', '=', workerId)
          .where((eb) => eb.or(chunk.map((o) => eb.and([eb('id', '=', o.id), eb('attempts', '=', o.attempt)]))))
          .returning('id')
          .execute();
        for (const r of rows) settled.add(r.id);
      }
    }
    return settled;
  },
};

/**
 * A column's new value for several messages: the value itself when they share it, otherwise
 * `CASE id WHEN … THEN … END`. Numbers are cast, as PostgreSQL types an untyped parameter in a
 * CASE as text.
 */
function valueById(outcomes: readonly { id: string; change: Updateable<OutboxTable> }[], column: keyof OutboxTable): unknown {
  const values = outcomes.map((o) => o.change[column]);
  if (values.every((v) => v === values[0])) return values[0];
  const typed = (v: unknown): RawBuilder<unknown> => (typeof v === 'number' ? sql`cast(${v} as bigint)` : sql`${v ?? null}`);
  return sql`case ${sql.ref('id')} ${sql.join(
    outcomes.map((o, i) => sql`when ${o.id} then ${typed(values[i])}`),
    sql` `,
  )} end`;
}

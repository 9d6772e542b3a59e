import { sql } from 'kysely';
import { GENESIS } from './chain.js';
import type { Db, Trx } from './db.js';
import type { EventRow, NewEventRow, StreamKind } from './schema.js';

/** Rows per INSERT: 14 columns × 200 rows stays far below both databases' limits on bound parameters. */
const CHUNK = 200;

/** The chain head as read: last sequence number and hash (0 and null before the first event). */
export interface ChainHead {
  seq: number;
  hash: string | null;
}

const asHead = (row: { seq: number; hash: string } | undefined): ChainHead =>
  // The row exists from the start (seq 0, the genesis hash), or is missing in a database made before.
  row && Number(row.seq) > 0 ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: null };

/** Queries over the append-only event log. Events are only ever inserted. */
export const eventsRepository = {
  /** The chain head: last sequence number and hash (0 and null before the first event). */
  async head(db: Db | Trx): Promise<ChainHead> {
    return asHead(await db.selectFrom('chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst());
  },

  /**
   * PostgreSQL: locks the chain head's row until the transaction ends and reads it, in one
   * statement. The row is the append lock: a second appender waits here, and once granted
   * reads the head the first committed (FOR UPDATE re-reads the newest committed version
   * after a wait, which a plain read in the same statement as an advisory lock would not).
   * The row is inserted first if missing (a database migrated before it was made at start).
   */
  async lockHead(trx: Trx): Promise<ChainHead> {
    const read = () => trx.selectFrom('chain_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirst();
    let row = await read();
    if (!row) {
      await trx.insertInto('chain_head').values({ id: 1, seq: 0, hash: GENESIS }).onConflict((oc) => oc.column('id').doNothing()).execute();
      row = await read();
    }
    return asHead(row);
  },

  /** Writes the rows and moves the chain head to the last of them (the head must be locked). */
  async append(trx: Trx, rows: NewEventRow[], head: { seq: number; hash: string }): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('events').values(rows.slice(i, i + CHUNK)).execute();
    await trx
      .insertInto('chain_head')
      .values({ id: 1, seq: head.seq, hash: head.hash })
      .onConflict((oc) => oc.column('id').doUpdateSet({ seq: head.seq, hash: head.hash }))
      .execute();
  },

  /**
   * PostgreSQL: `append`, and `pg_notify(channel, head.seq)` (delivered at commit, dropped on
   * rollback), the last chunk of rows, the head and the notification in one statement
   * (data-modifying CTEs, each run once, to completion): one round trip for a batch of up to
   * 200 rows. Later statements of the transaction see the rows.
   */
  async appendAndNotify(trx: Trx, rows: NewEventRow[], head: { seq: number; hash: string }, channel: string): Promise<void> {
    const last = Math.max(0, Math.ceil(rows.length / CHUNK) - 1) * CHUNK;
    for (let i = 0; i < last; i += CHUNK) await trx.insertInto('events').values(rows.slice(i, i + CHUNK)).execute();
    await trx
      .with('appended', (db) => db.insertInto('events').values(rows.slice(last)))
      .with('moved', (db) =>
        db
          .insertInto('chain_head')
          .values({ id: 1, seq: head.seq, hash: head.hash })
          .onConflict((oc) => oc.column('id').doUpdateSet({ seq: head.seq, hash: head.hash })),
      )
      .selectNoFrom(sql<string>`pg_notify(${channel}, ${String(head.seq)})`.as('notified'))
      .execute();
  },

  /** Events after a sequence number, in order. */
  async after(db: Db, seq: number, limit = 1000): Promise<EventRow[]> {
    return db.selectFrom('events').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  },

  /** The streams (`kind:id`) with events after `after` up to `upTo`. */
  async streamsBetween(db: Db | Trx, after: number, upTo: number): Promise<string[]> {
    const rows = await db.selectFrom('events').select(['stream', 'stream_id']).distinct().where('seq', '>', after).where('seq', '<=', upTo).execute();
    return rows.map((r) => `${r.stream}:${r.stream_id}`);
  },

  /** One stream's events (an incident's, a case's, a risk's), in order. */
  async ofStream(db: Db, stream: StreamKind, id: string): Promise<EventRow[]> {
    return db.selectFrom('events').selectAll().where('stream_id', '=', id).where('stream', '=', stream).orderBy('version').execute();
  },
};

import type { Db, Trx } from './db.js';
import type { EventRow, NewEventRow, StreamKind } from './schema.js';

/** Queries over the append-only event log. Events are only ever inserted. */
export const eventsRepository = {
  /** The chain head: last sequence number and hash (0 and null before the first event). */
  async head(db: Db | Trx): Promise<{ seq: number; hash: string | null }> {
    const row = await db.selectFrom('chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: null };
  },

  async append(trx: Trx, rows: NewEventRow[], head: { seq: number; hash: string }): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('events').values(rows.slice(i, i + 200)).execute();
    await trx
      .insertInto('chain_head')
      .values({ id: 1, seq: head.seq, hash: head.hash })
      .onConflict((oc) => oc.column('id').doUpdateSet({ seq: head.seq, hash: head.hash }))
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

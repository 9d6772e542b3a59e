import type { Db, Dialect, Trx } from './db.js';
import type { StreamKind } from './schema.js';

/** A pending timer: an absolute due time and the key the stream's engine knows it by. */
export interface DueTimer {
  key: string;
  due: number;
}

/** Queries over pending timers (absolute due times) of every stream. */
export const timersRepository = {
  /** Replaces a stream's pending timers with those its new state implies. */
  async replace(trx: Trx, stream: StreamKind, id: string, timers: readonly DueTimer[]): Promise<void> {
    await trx.deleteFrom('timers').where('stream_id', '=', id).where('stream', '=', stream).execute();
    if (timers.length) {
      await trx
        .insertInto('timers')
        .values(timers.map((t) => ({ stream, stream_id: id, key: t.key, due: t.due })))
        .execute();
    }
  },

  /** The earliest due time of any pending timer, or null. */
  async nextDue(db: Db): Promise<number | null> {
    const row = await db.selectFrom('timers').select((eb) => eb.fn.min('due').as('due')).executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  },

  /**
   * Claims streams of one kind with timers due by `now`. On PostgreSQL the rows are locked
   * with `FOR UPDATE SKIP LOCKED`, so two processes never claim the same timer.
   */
  async claimDue(trx: Trx, dialect: Dialect, stream: StreamKind, now: number, limit = 200): Promise<string[]> {
    let q = trx
      .selectFrom('timers')
      .select(['stream_id', 'due'])
      .where('stream', '=', stream)
      .where('due', '<=', now)
      .orderBy('due')
      .limit(limit);
    if (dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    return [...new Set(rows.map((r) => r.stream_id))];
  },
};

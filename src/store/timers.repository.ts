import { sql } from 'kysely';
import { byIds, type Db, type Dialect, type Trx } from './db.js';
import type { StreamKind } from './schema.js';

/** A pending timer: an absolute due time and the key the stream's engine knows it by. */
export interface DueTimer {
  key: string;
  due: number;
}

/** Queries over pending timers (absolute due times) of every stream. */
export const timersRepository = {
  /**
   * Replaces the pending timers of several streams of one kind with those their new states
   * imply: one delete and one insert for a whole batch (chunked within parameter limits).
   */
  async replace(trx: Trx, stream: StreamKind, streams: readonly { id: string; timers: readonly DueTimer[] }[]): Promise<void> {
    await byIds(
      streams.map((s) => s.id),
      async (ids) => [
        await trx
          .deleteFrom('timers')
          .where('stream_id', 'in', ids)
          // The kind compared as an expression, which no index serves: SQLite, without statistics
          // on the columns, would otherwise walk every timer of the kind in the (stream, due)
          // index instead of looking up these few ids in the primary key.
          .where(sql<string>`${sql.ref('stream')} || ''`, '=', stream)
          .execute(),
      ],
    );
    const rows = streams.flatMap((s) => s.timers.map((t) => ({ stream, stream_id: s.id, key: t.key, due: t.due })));
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('timers').values(rows.slice(i, i + 500)).execute();
  },

  /** The earliest due time of each kind's pending timers (absent: none), in one statement. */
  async nextDue(db: Db, kinds: readonly StreamKind[]): Promise<Map<StreamKind, number>> {
    const due = new Map<StreamKind, number>();
    if (!kinds.length) return due;
    const row = await db
      .selectNoFrom((eb) => kinds.map((kind, i) => eb.selectFrom('timers').select((e) => e.fn.min('due').as('due')).where('stream', '=', kind).as(`k${i}`)))
      .executeTakeFirstOrThrow();
    kinds.forEach((kind, i) => {
      const value = (row as Record<string, unknown>)[`k${i}`];
      if (value !== null && value !== undefined) due.set(kind, Number(value));
    });
    return due;
  },

  /**
   * Claims streams of one kind with timers due by `now`: those of the `limit` earliest due
   * timers, and whether more may be due. On PostgreSQL the rows are locked with
   * `FOR UPDATE SKIP LOCKED`, so two processes never claim the same timer.
   */
  async claimDue(trx: Trx, dialect: Dialect, stream: StreamKind, now: number, limit: number): Promise<{ ids: string[]; more: boolean }> {
    let q = trx
      .selectFrom('timers')
      .select(['stream_id', 'due'])
      .where('stream', '=', stream)
      .where('due', '<=', now)
      .orderBy('due')
      .limit(limit);
    if (dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    return { ids: [...new Set(rows.map((r) => r.stream_id))], more: rows.length === limit };
  },
};

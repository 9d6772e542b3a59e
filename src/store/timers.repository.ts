import type { Timer } from '../engine/incident.timers.js';
import type { Db, Dialect, Trx } from './db.js';

/** Queries over pending timers (absolute due times). */
export const timersRepository = {
  /** Replaces an incident's pending timers with those its new state implies. */
  async replace(trx: Trx, incidentId: string, timers: readonly Timer[]): Promise<void> {
    await trx.deleteFrom('timers').where('incident_id', '=', incidentId).execute();
    if (timers.length) {
      await trx
        .insertInto('timers')
        .values(timers.map((t) => ({ incident_id: incidentId, key: t.key, due: t.due })))
        .execute();
    }
  },

  /** The earliest due time of any pending timer, or null. */
  async nextDue(db: Db): Promise<number | null> {
    const row = await db.selectFrom('timers').select((eb) => eb.fn.min('due').as('due')).executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  },

  /**
   * Claims incidents with timers due by `now`. On PostgreSQL the rows are locked with
   * `FOR UPDATE SKIP LOCKED`, so two processes never claim the same timer.
   */
  async claimDue(trx: Trx, dialect: Dialect, now: number, limit = 200): Promise<string[]> {
    let q = trx.selectFrom('timers').select(['incident_id', 'due']).where('due', '<=', now).orderBy('due').limit(limit);
    if (dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    return [...new Set(rows.map((r) => r.incident_id))];
  },
};

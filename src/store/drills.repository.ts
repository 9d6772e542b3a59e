import type { Db } from './db.js';
import type { DrillReportsTable } from './schema.js';

/** Queries over saved drill reports: the only place a drill leaves anything in the database. */
export const drillsRepository = {
  async saveReport(db: Db, row: DrillReportsTable): Promise<void> {
    await db.insertInto('drill_reports').values(row).execute();
  },

  /** The newest reports first, at most `limit`. */
  async reports(db: Db, limit: number) {
    return db.selectFrom('drill_reports').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  },

  async report(db: Db, id: string) {
    return db.selectFrom('drill_reports').selectAll().where('id', '=', id).executeTakeFirst();
  },
};

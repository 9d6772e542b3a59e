import type { Db, Trx } from './db.js';
import type { CasesTable } from './schema.js';

/** Queries over the follow-up case projection. */
export const casesRepository = {
  async insert(trx: Trx, row: CasesTable): Promise<void> {
    await trx.insertInto('cases').values(row).execute();
  },

  async byTrackingCode(db: Db, code: string) {
    return db.selectFrom('cases').selectAll().where('tracking_code', '=', code).executeTakeFirst();
  },
};

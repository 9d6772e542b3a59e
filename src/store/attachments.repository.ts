import type { Db } from './db.js';
import type { AttachmentsTable, SitePlansTable } from './schema.js';

/**
 * Queries over stored files: evidence (stored once, after the event that records its hash) and
 * venues' site plan images (content-addressed by SHA-256). Never deleted.
 */
export const attachmentsRepository = {
  async insert(db: Db, row: AttachmentsTable): Promise<void> {
    await db.insertInto('attachments').values(row).execute();
  },

  async get(db: Db, id: string) {
    return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Stores a site plan image once; the same bytes uploaded again (same hash) keep the first row. */
  async insertSitePlan(db: Db, row: SitePlansTable): Promise<void> {
    await db.insertInto('site_plans').values(row).onConflict((oc) => oc.column('sha256').doNothing()).execute();
  },

  async sitePlan(db: Db, sha256: string) {
    return db.selectFrom('site_plans').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  },
};

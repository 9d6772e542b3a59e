import type { Db } from './db.js';
import type { AttachmentsTable } from './schema.js';

/** Queries over evidence files; a file is stored once, after the event that records its hash, and never deleted. */
export const attachmentsRepository = {
  async insert(db: Db, row: AttachmentsTable): Promise<void> {
    await db.insertInto('attachments').values(row).execute();
  },

  async get(db: Db, id: string) {
    return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  },
};

import type { Db, Trx } from './db.js';
import type { AckLinksTable } from './schema.js';

/**
 * Queries over acknowledgement links, by their token's key (`tokenKey` in notify; a link is
 * looked up under each key it may be stored under); a used link stays, marked used.
 */
export const ackLinksRepository = {
  /** Stores links, many per statement (bounded batches keep within parameter limits). */
  async insert(db: Db | Trx, rows: readonly AckLinksTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('ack_links').values(rows.slice(i, i + 500)).execute();
  },

  async byKey(db: Db | Trx, keys: readonly string[]) {
    return db.selectFrom('ack_links').selectAll().where('token_hash', 'in', [...keys]).executeTakeFirst();
  },

  /**
   * Marks a link used in one conditional update, so of two simultaneous uses exactly one
   * gets the row back; undefined when it is unknown, used already or expired at `now`.
   */
  async use(db: Db | Trx, keys: readonly string[], now: number) {
    return db
      .updateTable('ack_links')
      .set({ used_at: now })
      .where('token_hash', 'in', [...keys])
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  },

  /** When a link was used and when it expires, to say why a use was refused. */
  async usage(db: Db | Trx, keys: readonly string[]) {
    return db.selectFrom('ack_links').select(['used_at', 'expires_at']).where('token_hash', 'in', [...keys]).executeTakeFirst();
  },
};

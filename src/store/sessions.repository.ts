import type { Db } from './db.js';
import type { SessionsTable } from './schema.js';

/** Queries over sign-in sessions, stored by the hash of their token; a sign-out revokes, never deletes. */
export const sessionsRepository = {
  async insert(db: Db, row: SessionsTable): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  },

  /** A session with its account's row, by the token's hash, whatever its expiry or revocation. */
  async withUser(db: Db, id: string) {
    return db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf as csrf', 'sessions.id as session_id', 'sessions.expires_at as expires_at', 'sessions.revoked_at as revoked_at'])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
  },

  async revoke(db: Db, id: string, at: number): Promise<void> {
    await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).execute();
  },
};

import type { Db, Trx } from './db.js';
import type { UserRow } from './schema.js';

/** Queries over accounts: a username and password, optionally linked to a person of the organization. */
export const usersRepository = {
  async byUsername(db: Db | Trx, username: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },

  /** Every account, by name, without password hashes. */
  async list(db: Db) {
    return db.selectFrom('users').select(['id', 'username', 'person_id', 'is_admin', 'disabled', 'created_at']).orderBy('username').execute();
  },

  /** How many accounts exist (none means a first start). */
  async count(db: Db): Promise<number> {
    const row = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  },

  /** The person an account speaks for, or null (an account of no person, or no such account). */
  async personOf(db: Db | Trx, userId: string): Promise<string | null> {
    const row = await db.selectFrom('users').select('person_id').where('id', '=', userId).executeTakeFirst();
    return row?.person_id ?? null;
  },

  /** The enabled account of a person, if any: who an acknowledgement link acts as. */
  async enabledOfPerson(db: Db | Trx, personId: string): Promise<{ id: string; username: string } | undefined> {
    return db.selectFrom('users').select(['id', 'username']).where('person_id', '=', personId).where('disabled', '=', 0).executeTakeFirst();
  },

  async insert(db: Db | Trx, row: UserRow): Promise<void> {
    await db.insertInto('users').values(row).execute();
  },

  async update(db: Db | Trx, id: string, change: Partial<Omit<UserRow, 'id' | 'created_at'>>): Promise<void> {
    await db.updateTable('users').set(change).where('id', '=', id).execute();
  },
};

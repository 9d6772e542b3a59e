import type { Db, Trx } from './db.js';
import type { PersonRow } from './schema.js';

/** Queries over the organization: its document revisions, people, positions and the duty roster. */
export const orgRepository = {
  async current(db: Db | Trx) {
    return db.selectFrom('org_revisions').selectAll().orderBy('rev', 'desc').limit(1).executeTakeFirst();
  },

  /** Stores a new revision numbered after the current one; returns its number. */
  async saveRevision(db: Db | Trx, content: string, at: number, by: string | null): Promise<number> {
    const last = await db.selectFrom('org_revisions').select((eb) => eb.fn.max('rev').as('rev')).executeTakeFirst();
    const rev = Number(last?.rev ?? 0) + 1;
    await db.insertInto('org_revisions').values({ rev, content, created_at: at, created_by: by }).execute();
    return rev;
  },

  async people(db: Db | Trx) {
    return db.selectFrom('people').selectAll().orderBy('unit_id').orderBy('name').execute();
  },

  async person(db: Db | Trx, id: string) {
    return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The names of people by id; the caller keeps `ids` within parameter limits. */
  async names(db: Db | Trx, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    return db.selectFrom('people').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  },

  /** The active among these people with their contact points, by name (whom a message goes to). */
  async contacts(db: Db | Trx, ids: readonly string[]): Promise<{ id: string; name: string; email: string | null; phone: string | null }[]> {
    return db
      .selectFrom('people')
      .select(['id', 'name', 'email', 'phone'])
      .where('id', 'in', [...ids])
      .where('active', '=', 1)
      .orderBy('name')
      .execute();
  },

  async insertPerson(db: Db | Trx, row: PersonRow) {
    await db.insertInto('people').values(row).execute();
  },

  async updatePerson(db: Db | Trx, id: string, change: Partial<Omit<PersonRow, 'id' | 'created_at'>>) {
    await db.updateTable('people').set(change).where('id', '=', id).execute();
  },

  async positions(db: Db | Trx, opts: { current?: boolean } = {}) {
    let q = db.selectFrom('positions').selectAll();
    if (opts.current) q = q.where('ended_at', 'is', null);
    return q.orderBy('role').execute();
  },

  /** The current assignments to a unit's positions (roles `unit/…`), by role. */
  async unitPositions(db: Db | Trx, unit: string): Promise<{ person_id: string; role: string }[]> {
    return db
      .selectFrom('positions')
      .select(['person_id', 'role'])
      .where('role', 'like', `${unit}/%`)
      .where('ended_at', 'is', null)
      .orderBy('role')
      .execute();
  },

  async insertPosition(db: Db | Trx, row: { id: string; person_id: string; role: string; created_at: number }) {
    await db.insertInto('positions').values({ ...row, ended_at: null }).execute();
  },

  /** Ends a current assignment; false when there is no such current assignment. */
  async endPosition(db: Db | Trx, id: string, at: number): Promise<boolean> {
    const result = await db.updateTable('positions').set({ ended_at: at }).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  async shift(db: Db | Trx, id: string) {
    return db.selectFrom('roster').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async updateShift(db: Db | Trx, id: string, change: { role: string; person_id: string; starts_at: number; ends_at: number }) {
    await db.updateTable('roster').set(change).where('id', '=', id).execute();
  },

  async roster(db: Db | Trx, range: { from?: number; to?: number } = {}) {
    let q = db.selectFrom('roster').selectAll();
    if (range.from !== undefined) q = q.where('ends_at', '>', range.from);
    if (range.to !== undefined) q = q.where('starts_at', '<', range.to);
    return q.orderBy('starts_at').orderBy('role').execute();
  },

  async insertShift(db: Db | Trx, row: { id: string; role: string; person_id: string; starts_at: number; ends_at: number; created_at: number }) {
    await db.insertInto('roster').values(row).execute();
  },

  /** Who holds a role at an instant: the roster for duty roles, positions otherwise. */
  async holders(db: Db | Trx, role: string, at: number, duty: boolean): Promise<{ id: string; name: string }[]> {
    if (duty) {
      return db
        .selectFrom('roster')
        .innerJoin('people', 'people.id', 'roster.person_id')
        .select(['people.id as id', 'people.name as name'])
        .where('roster.role', '=', role)
        .where('roster.starts_at', '<=', at)
        .where('roster.ends_at', '>', at)
        .where('people.active', '=', 1)
        .orderBy('people.name')
        .execute();
    }
    return db
      .selectFrom('positions')
      .innerJoin('people', 'people.id', 'positions.person_id')
      .select(['people.id as id', 'people.name as name'])
      .where('positions.role', '=', role)
      .where('positions.ended_at', 'is', null)
      .where('people.active', '=', 1)
      .orderBy('people.name')
      .execute();
  },

  /** The roles a person holds at an instant (positions, plus duty shifts covering it); none once deactivated. */
  async rolesOf(db: Db | Trx, personId: string, at: number): Promise<string[]> {
    const person = await db.selectFrom('people').select('active').where('id', '=', personId).executeTakeFirst();
    if (!person || person.active !== 1) return [];
    const held = await db
      .selectFrom('positions')
      .select('role')
      .where('person_id', '=', personId)
      .where('ended_at', 'is', null)
      .execute();
    const duty = await db
      .selectFrom('roster')
      .select('role')
      .where('person_id', '=', personId)
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .execute();
    return [...new Set([...held, ...duty].map((r) => r.role))].sort();
  },
};

/** The organization reads a transaction repeats: who holds a role, a unit's positions, contact points. */
export interface OrgLookup {
  holders(role: string, at: number, duty: boolean): Promise<{ id: string; name: string }[]>;
  unitPositions(unit: string): Promise<{ person_id: string; role: string }[]>;
  contacts(ids: readonly string[]): Promise<{ id: string; name: string; email: string | null; phone: string | null }[]>;
}

const lookups = new WeakMap<object, OrgLookup>();

/**
 * The organization reads of one transaction, each asked of the database once. A slice of
 * timers or a batch of commands summons the same principals and notifies the same people
 * hundreds of times; inside one transaction the organization cannot change under them, so
 * the first answer stands for the rest. Outside a transaction every read goes to the
 * database. Answers are copies: a caller may keep or change them.
 */
export function orgLookup(db: Db | Trx): OrgLookup {
  if (!db.isTransaction) return direct(db);
  let lookup = lookups.get(db);
  if (!lookup) lookups.set(db, (lookup = memoized(direct(db))));
  return lookup;
}

function direct(db: Db | Trx): OrgLookup {
  return {
    holders: (role, at, duty) => orgRepository.holders(db, role, at, duty),
    unitPositions: (unit) => orgRepository.unitPositions(db, unit),
    contacts: (ids) => orgRepository.contacts(db, ids),
  };
}

function memoized(inner: OrgLookup): OrgLookup {
  const cache = new Map<string, Promise<object[]>>();
  const once = <T extends object>(key: string, read: () => Promise<T[]>): Promise<T[]> => {
    let hit = cache.get(key) as Promise<T[]> | undefined;
    if (!hit) {
      hit = read();
      cache.set(key, hit);
      // A failed read is not remembered (the transaction fails with it anyway).
      hit.catch(() => cache.delete(key));
    }
    return hit.then((rows) => rows.map((r) => ({ ...r })));
  };
  return {
    // A position is held until it ends; a duty role depends on the instant (the roster).
    holders: (role, at, duty) => once(`h\0${role}\0${duty ? at : ''}`, () => inner.holders(role, at, duty)),
    unitPositions: (unit) => once(`u\0${unit}`, () => inner.unitPositions(unit)),
    contacts: (ids) => once(`c\0${[...ids].sort().join('\0')}`, () => inner.contacts(ids)),
  };
}

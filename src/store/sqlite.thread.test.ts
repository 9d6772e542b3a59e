import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteThreadDialect } from './sqlite.thread.js';

/*
 * SQLite on its own thread: statements, transactions and errors behave as with SQLite on the
 * event loop, and the event loop keeps turning while a statement runs (what the thread is for:
 * a COMMIT's fsync no longer stops requests and live events).
 */
interface Db {
  t: { id: number; v: string };
}

describe('SQLite on a worker thread', () => {
  let db: Kysely<Db>;

  beforeEach(async () => {
    db = new Kysely<Db>({ dialect: new SqliteThreadDialect(join(mkdtempSync(join(tmpdir(), 'yingji-thread-')), 'x.db')) });
    await db.schema.createTable('t').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('v', 'text', (c) => c.notNull()).execute();
  });
  afterEach(async () => db.destroy());

  it('reads what it wrote, with affected rows and the inserted id', async () => {
    const inserted = await db.insertInto('t').values({ id: 7, v: '七' }).executeTakeFirst();
    expect(inserted.insertId).toBe(7n);
    const updated = await db.updateTable('t').set({ v: '柒' }).where('id', '=', 7).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ id: 7, v: '柒' }]);
  });

  it('a failed statement rejects with SQLite’s code and leaves the connection usable', async () => {
    await db.insertInto('t').values({ id: 1, v: 'a' }).execute();
    await expect(db.insertInto('t').values({ id: 1, v: 'b' }).execute()).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await db.selectFrom('t').select('v').execute()).toEqual([{ v: 'a' }]);
  });

  it('a transaction that throws is rolled back, and a query outside it waits for it to end', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const failing = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 2, v: 'gone' }).execute();
      inside();
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('refused');
    });
    await entered;
    // Issued while the transaction holds the connection: answered after its rollback.
    const outside = db.selectFrom('t').selectAll().execute();
    await expect(failing).rejects.toThrow('refused');
    expect(await outside).toEqual([]);
  });

  it('the event loop keeps turning while a long statement runs', async () => {
    let turns = 0;
    let running = true;
    const spin = () => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const counted = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`.execute(db);
    const { rows } = await counted;
    running = false;
    expect(rows[0]!.n).toBe(3_000_000);
    // On the event loop the statement would block it: at most a turn or two before and after.
    expect(turns).toBeGreaterThan(20);
  });
});

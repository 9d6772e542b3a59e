import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteThreadDialect } from './sqlite.thread.js';

/*
 * SQLite on its own threads: statements, transactions and errors behave as with SQLite on the
 * event loop, and the event loop keeps turning while a statement runs (what the thread is for:
 * a COMMIT's fsync no longer stops requests and live events). Reads outside a transaction go
 * to a read-only connection and do not wait for the writer.
 */
interface Db {
  t: { id: number; v: string };
}

describe('SQLite on a worker thread', () => {
  let db: Kysely<Db>;
  let path: string;

  beforeEach(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'yingji-thread-')), 'x.db');
    db = new Kysely<Db>({ dialect: new SqliteThreadDialect(path) });
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

  it('a transaction that throws is rolled back, and a write outside it waits for it to end', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const order: string[] = [];
    const failing = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 2, v: 'gone' }).execute();
      inside();
      await new Promise((r) => setTimeout(r, 20));
      order.push('rolling back');
      throw new Error('refused');
    });
    await entered;
    // Issued while the transaction holds the writer: applied after its rollback.
    const outside = db
      .insertInto('t')
      .values({ id: 3, v: 'after' })
      .execute()
      .then(() => order.push('written'));
    await expect(failing).rejects.toThrow('refused');
    await outside;
    expect(order).toEqual(['rolling back', 'written']);
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ id: 3, v: 'after' }]);
  });

  it('a read outside a transaction is answered while a transaction holds the writer, and sees what was committed', async () => {
    await db.insertInto('t').values({ id: 1, v: 'committed' }).execute();
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const writing = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 2, v: 'pending' }).execute();
      inside();
      // The transaction stays open until the read below has been answered.
      await held;
    });
    await entered;
    expect(await db.selectFrom('t').select('v').orderBy('id').execute()).toEqual([{ v: 'committed' }]);
    finish();
    await writing;
    // A read after the commit returned sees it.
    expect(await db.selectFrom('t').select('v').orderBy('id').execute()).toEqual([{ v: 'committed' }, { v: 'pending' }]);
  });

  it('inside a transaction, reads see its own writes', async () => {
    const seen = await db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 4, v: 'mine' }).execute();
      return trx.selectFrom('t').select('v').execute();
    });
    expect(seen).toEqual([{ v: 'mine' }]);
  });

  it('committed pages reach the database file itself, copied from the WAL by the checkpointing connection', async () => {
    await db.transaction().execute((trx) => trx.insertInto('t').values({ id: 5, v: 'kept' }).execute());
    // The database file alone, without its WAL: it holds the row only once a checkpoint copied it
    // (the writer's own checkpoint waits for 10,000 pages).
    const fileAlone = () => {
      const copy = join(mkdtempSync(join(tmpdir(), 'yingji-file-')), 'copy.db');
      copyFileSync(path, copy);
      const file = new SQLite(copy, { readonly: true });
      try {
        return file.prepare('select v from t').all();
      } catch {
        return [];
      } finally {
        file.close();
      }
    };
    await vi.waitFor(() => expect(fileAlone()).toEqual([{ v: 'kept' }]), { timeout: 30_000, interval: 20 });
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

describe('SQLite in memory on a worker thread', () => {
  it('answers reads from its one connection (there is no second connection to an in-memory database)', async () => {
    const db = new Kysely<Db>({ dialect: new SqliteThreadDialect(':memory:') });
    try {
      await db.schema.createTable('t').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('v', 'text', (c) => c.notNull()).execute();
      await db.insertInto('t').values({ id: 1, v: 'one' }).execute();
      expect(await db.selectFrom('t').select('v').execute()).toEqual([{ v: 'one' }]);
    } finally {
      await db.destroy();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';

/**
 * The databases every store test runs on: SQLite always, PostgreSQL when `YINGJI_TEST_PG`
 * holds a connection URL (CI sets it). Each call to `fresh` gives an empty database.
 */
export const DIALECTS: ('sqlite' | 'postgres')[] = process.env.YINGJI_TEST_PG ? ['sqlite', 'postgres'] : ['sqlite'];

/** A URL to a brand-new empty database of the dialect, and a function that drops it. */
export async function freshDatabase(dialect: 'sqlite' | 'postgres'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'yingji-db-'));
    return { url: `sqlite:${join(dir, 'yingji.db')}`, drop: async () => {} };
  }
  const admin = process.env.YINGJI_TEST_PG!;
  const name = `yingji_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      // A pool's end() resolves before its sessions are gone: wait for them, then drop.
      for (let i = 0; i < 100; i++) {
        const { rows } = await c.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
        if (Number(rows[0]!.n) === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * For each test of the enclosing `describe`: a store on a fresh database of the dialect, handed
 * to `ready` (which keeps it and builds what the tests need), closed and dropped afterwards.
 */
export function storeForEachTest(dialect: 'sqlite' | 'postgres', ready: (store: Store) => void | Promise<void>): void {
  let store: Store | undefined;
  let drop = async () => {};
  beforeEach(async () => {
    const db = await freshDatabase(dialect);
    drop = db.drop;
    store = await openStore(db.url);
    await ready(store);
  });
  afterEach(async () => {
    await store?.close();
    await drop();
  });
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import type pg from 'pg';
import { migrationProvider } from './migrations.js';
import { SqliteThreadDialect } from './sqlite.thread.js';
import { eventsRepository, type ChainHead } from './events.repository.js';
import type { Database, NewEventRow } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** An open database: the query layer plus the few things that differ by dialect. */
export interface Store {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly url: string;
  /**
   * Takes the write lock inside a transaction and reads the chain head under it: appends are
   * serialized across processes so sequence numbers and the hash chain stay gap-free. On
   * PostgreSQL the lock is the chain head's row, locked and read in one statement; SQLite's
   * writers are serialized already (a plain read).
   */
  lockHead(trx: Trx): Promise<ChainHead>;
  /**
   * Inside the transaction that holds the lock: writes the rows and the new chain head, and
   * tells every process, at commit, that events up to `head.seq` exist (PostgreSQL: the last
   * 200 rows, the head and the notification in one statement).
   */
  append(trx: Trx, rows: NewEventRow[], head: { seq: number; hash: string }): Promise<void>;
  /** After commit: delivers the news to this process's listeners where `append` cannot announce it (SQLite). */
  committed(seq: number): void;
  /** Calls back on every committed append in any process sharing the database. */
  listen(onCommitted: (seq: number) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Reads rows by many ids, at most 500 ids a query (SQLite and PostgreSQL both cap bound
 * parameters), each id once; `read` runs one query for a slice of ids.
 */
export async function byIds<R>(ids: readonly string[], read: (slice: string[]) => Promise<R[]>): Promise<R[]> {
  const unique = [...new Set(ids)];
  const rows: R[] = [];
  for (let i = 0; i < unique.length; i += 500) rows.push(...(await read(unique.slice(i, i + 500))));
  return rows;
}

export const DEFAULT_SQLITE_URL = 'sqlite:./data/yingji.db';

/** Opens SQLite (`sqlite:PATH`, a bare path, or `:memory:`) or PostgreSQL (`postgres://…`) and migrates it. */
export async function openStore(url: string = DEFAULT_SQLITE_URL): Promise<Store> {
  // The PostgreSQL client loads only for a PostgreSQL URL: an embedded SQLite server starts sooner.
  const store = /^postgres(ql)?:\/\//.test(url) ? openPostgres((await import('pg')).default, url) : openSqlite(url);
  const result = await new Migrator({ db: store.db, provider: migrationProvider }).migrateToLatest();
  if (result.error) {
    await store.close();
    throw result.error instanceof Error ? result.error : new Error(String(result.error));
  }
  return store;
}

function openSqlite(url: string): Store {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // On its own threads (COMMIT's fsync off the event loop, reads beside the writer);
  // YINGJI_SQLITE_THREAD=off keeps it on the event loop and YINGJI_SQLITE_READER=off sends
  // reads to the writer, to compare in a benchmark.
  const dialect =
    process.env.YINGJI_SQLITE_THREAD === 'off' ? new SqliteDialect({ database: onEventLoop(path) }) : new SqliteThreadDialect(path, process.env.YINGJI_SQLITE_READER !== 'off');
  const db = new Kysely<Database>({ dialect });
  // One process owns a SQLite file, so listeners are in-process.
  const listeners = new Set<(seq: number) => void>();
  return {
    db,
    dialect: 'sqlite',
    url,
    lockHead: (trx) => eventsRepository.head(trx),
    append: (trx, rows, head) => eventsRepository.append(trx, rows, head),
    committed(seq) {
      for (const l of listeners) l(seq);
    },
    async listen(cb) {
      listeners.add(cb);
      return async () => void listeners.delete(cb);
    },
    async close() {
      await db.destroy();
    },
  };
}

const PG_CHANNEL = 'yingji_events';

/** SQLite on the event loop (WAL, synchronous=FULL, prepared statements reused). */
function onEventLoop(path: string) {
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // Every command is durable before it is answered.
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  // Kysely prepares every query afresh; reusing prepared statements saves that work.
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(query: string) {
      let stmt = statements.get(query);
      if (!stmt) {
        if (statements.size > 500) statements.clear();
        statements.set(query, (stmt = database.prepare(query)));
      }
      return stmt;
    },
  };
}

function openPostgres(pg: typeof import('pg').default, url: string): Store {
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      // int8 as a JS number: sequence numbers and epoch ms fit well within 2^53.
      if (oid === 20) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle connection the server dropped must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners: pg.Client[] = [];
  return {
    db,
    dialect: 'postgres',
    url,
    lockHead: (trx) => eventsRepository.lockHead(trx),
    append: (trx, rows, head) => eventsRepository.appendAndNotify(trx, rows, head, PG_CHANNEL),
    committed() {
      // LISTEN delivers this process's own notifications too.
    },
    async listen(cb) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (msg) => cb(Number(msg.payload)));
      client.on('error', () => {});
      await client.query(`LISTEN ${PG_CHANNEL}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => {})));
      await db.destroy();
    },
  };
}

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/*
 * SQLite on its own thread. better-sqlite3 is synchronous: on the event loop every statement,
 * and above all every COMMIT with its fsync (synchronous=FULL), stops the server from parsing
 * requests, writing answers and live events meanwhile. Here one worker thread owns the one
 * connection; the event loop sends it compiled statements and awaits the rows. Kysely sees an
 * ordinary single-connection dialect (SQLite's adapter, compiler and introspector), and a
 * mutex hands the connection to one transaction at a time, as Kysely's own SQLite driver does.
 *
 * The worker's code is a short CommonJS script run with `eval` so the same file works from
 * the TypeScript sources (tests) and from the build.
 */

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.path);
db.pragma('journal_mode = WAL');
// Every command is durable before it is answered.
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
// Kysely prepares every query afresh; reusing prepared statements saves that work.
const statements = new Map();
function prepare(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    if (statements.size > 500) statements.clear();
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.postMessage({ id: m.id, closed: true });
    return;
  }
  try {
    const stmt = prepare(m.sql);
    if (stmt.reader) parentPort.postMessage({ id: m.id, rows: stmt.all(m.params) });
    else {
      const r = stmt.run(m.params);
      parentPort.postMessage({ id: m.id, changes: r.changes, insertId: r.lastInsertRowid });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: e.message, code: e.code, name: e.name } });
  }
});
parentPort.postMessage({ ready: true });
`;

type Reply =
  | { id: number; rows: Record<string, unknown>[] }
  | { id: number; changes: number; insertId: number | bigint }
  | { id: number; error: { message: string; code?: string; name?: string } }
  | { id: number; closed: true };

/** The worker that owns the database file, and the statements waiting for its answers. */
class SqliteThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private next = 1;
  private failure: Error | null = null;
  readonly ready: Promise<void>;

  constructor(path: string) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { path, module } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', reject);
    });
    this.worker.on('message', (m: Reply | { ready: true }) => {
      if (!('id' in m)) return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      w?.resolve(m);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the SQLite thread exited (code ${code})`)));
  }

  /** Runs one statement on the thread. */
  async run(sql: string, params: readonly unknown[]): Promise<Reply> {
    if (this.failure) throw this.failure;
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, params });
    });
    if ('error' in reply) throw Object.assign(new Error(reply.error.message), { code: reply.error.code, name: reply.error.name ?? 'SqliteError' });
    return reply;
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const id = this.next++;
    await new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, close: true });
    });
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

class ThreadConnection implements DatabaseConnection {
  constructor(private readonly thread: SqliteThread) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.thread.run(query.sql, query.parameters);
    if ('rows' in reply) return { rows: reply.rows as R[] };
    if ('changes' in reply) return { rows: [], numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.insertId) };
    return { rows: [] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the SQLite thread');
  }
}

/** One connection, one holder at a time (transactions must not interleave on it). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  async lock(): Promise<void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const before = this.tail;
    this.tail = before.then(() => held);
    await before;
    this.release = release;
  }

  unlock(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }
}

class ThreadDriver implements Driver {
  private thread: SqliteThread | null = null;
  private connection: ThreadConnection | null = null;
  private readonly mutex = new Mutex();

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    this.thread = new SqliteThread(this.path);
    await this.thread.ready;
    this.connection = new ThreadConnection(this.thread);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection!;
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    // IMMEDIATE: the write lock is taken at the start, waiting (busy_timeout) for another
    // connection's transaction to end. A deferred transaction that read first and then wrote
    // would fail at once (SQLITE_BUSY) if another connection wrote in between.
    await c.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    await this.thread?.close();
  }
}

/** SQLite at `path` (WAL, synchronous=FULL) on a worker thread, for Kysely. */
export class SqliteThreadDialect implements Dialect {
  constructor(private readonly path: string) {}
  createDriver(): Driver {
    return new ThreadDriver(this.path);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}

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
 * SQLite on its own threads. better-sqlite3 is synchronous: on the event loop every statement,
 * and above all every COMMIT with its fsync (synchronous=FULL), stops the server from parsing
 * requests, writing answers and live events meanwhile. Here one worker thread owns the one
 * writing connection; the event loop sends it compiled statements and awaits the rows. Kysely
 * sees an ordinary single-connection dialect (SQLite's adapter, compiler and introspector), and
 * a mutex hands the writer to one transaction at a time, as Kysely's own SQLite driver does.
 *
 * A second thread holds a read-only connection to the same file. A SELECT outside a
 * transaction (a page's read, the live stream's read of new events, a sign-in check) goes
 * there: in WAL mode it reads the last committed state without waiting for the writer, so a
 * slice of due timers or a batch of commands in progress does not hold up the requests that
 * only read. A read that starts after a commit returned sees that commit. Statements inside a
 * transaction, and everything that is not a SELECT, go to the writer. An in-memory database
 * has no second connection to it: there the writer answers everything.
 *
 * A third connection checkpoints: after commits it copies what the WAL gained into the
 * database file (PASSIVE: it never waits for, nor blocks, the writer or the reader). Left to the
 * writer, SQLite checkpoints every 1,000 pages inside the COMMIT that crossed them, and a slice of
 * due timers writes more than that: each such COMMIT wrote and synced the pages twice, once to
 * the WAL and once to the file, before the next transaction could start. The writer keeps
 * SQLite's own checkpoint only as a backstop, at 10,000 pages, should the checkpointer fall behind.
 *
 * The worker's code is a short CommonJS script run with `eval` so the same file works from
 * the TypeScript sources (tests) and from the build.
 */

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.path, { readonly: workerData.role === 'read' });
if (workerData.role === 'write') {
  db.pragma('journal_mode = WAL');
  // Every command is durable before it is answered.
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 10000');
}
// The database file is synced after a checkpoint copied pages into it.
if (workerData.role === 'checkpoint') db.pragma('synchronous = FULL');
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
/** The least time between two checkpoints' starts, ms. */
const CHECKPOINT_INTERVAL_MS = 100;

class SqliteThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private next = 1;
  private failure: Error | null = null;
  readonly ready: Promise<void>;

  constructor(path: string, role: 'write' | 'read' | 'checkpoint') {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { path, module, role } });
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

const result = <R>(reply: Reply): QueryResult<R> => {
  if ('rows' in reply) return { rows: reply.rows as R[] };
  if ('changes' in reply) return { rows: [], numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.insertId) };
  return { rows: [] };
};

/**
 * What Kysely holds between acquiring and releasing a connection: the writer once it needs it
 * (a transaction, or any statement but a SELECT), the reader for a SELECT before that.
 */
class Lease implements DatabaseConnection {
  private holding = false;

  constructor(
    private readonly writer: SqliteThread,
    private readonly reader: SqliteThread | null,
    private readonly mutex: Mutex,
  ) {}

  /** Takes the writer for the rest of the lease (the writer's statements then all go there, in order). */
  async hold(): Promise<void> {
    if (this.holding) return;
    await this.mutex.lock();
    this.holding = true;
  }

  release(): void {
    if (!this.holding) return;
    this.holding = false;
    this.mutex.unlock();
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.holding && this.reader && query.query.kind === 'SelectQueryNode') return result<R>(await this.reader.run(query.sql, query.parameters));
    await this.hold();
    return result<R>(await this.writer.run(query.sql, query.parameters));
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the SQLite thread');
  }
}

/**
 * Runs PASSIVE checkpoints on its own connection, one at a time and at most one per
 * CHECKPOINT_INTERVAL_MS: commits in between are copied by the next run, so a page the
 * transactions of a busy moment rewrote many times is copied once, not once per commit.
 */
class Checkpointer {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private last = -Infinity;
  private stopped = false;

  constructor(private readonly thread: SqliteThread) {}

  /** After a commit: copies the WAL's new pages into the database file, off the writer's path. */
  poke(): void {
    if (this.stopped) return;
    if (this.running || this.timer) {
      this.again = true;
      return;
    }
    const wait = this.last + CHECKPOINT_INTERVAL_MS - performance.now();
    if (wait <= 0) return void this.run();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
    // A checkpoint still to come does not keep a finished process alive; the pages are in the WAL.
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    this.running = true;
    this.again = false;
    try {
      await this.thread.run('pragma wal_checkpoint(passive)', []);
    } catch {
      // A checkpoint that could not run leaves the pages in the WAL, where reads find them; the
      // next commit asks again, and the writer's own checkpoint is the backstop.
    } finally {
      this.running = false;
      this.last = performance.now();
      if (this.again) this.poke();
    }
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
  private writer: SqliteThread | null = null;
  private reader: SqliteThread | null = null;
  private checkpoints: { thread: SqliteThread; checkpointer: Checkpointer } | null = null;
  private readonly mutex = new Mutex();

  constructor(
    private readonly path: string,
    private readonly withReader: boolean,
  ) {}

  async init(): Promise<void> {
    this.writer = new SqliteThread(this.path, 'write');
    // The writer first: it makes the file and turns WAL on, which the others rely on.
    await this.writer.ready;
    if (this.path === ':memory:') return;
    const thread = new SqliteThread(this.path, 'checkpoint');
    this.checkpoints = { thread, checkpointer: new Checkpointer(thread) };
    if (this.withReader) this.reader = new SqliteThread(this.path, 'read');
    await Promise.all([thread.ready, this.reader?.ready]);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this.writer!, this.reader, this.mutex);
  }

  async beginTransaction(c: DatabaseConnection): Promise<void> {
    await (c as Lease).hold();
    // IMMEDIATE: the write lock is taken at the start, waiting (busy_timeout) for another
    // connection's transaction to end. A deferred transaction that read first and then wrote
    // would fail at once (SQLITE_BUSY) if another connection wrote in between.
    await c.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
    this.checkpoints?.checkpointer.poke();
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    (c as Lease).release();
  }

  async destroy(): Promise<void> {
    this.checkpoints?.checkpointer.stop();
    await Promise.all([this.writer?.close(), this.reader?.close(), this.checkpoints?.thread.close()]);
  }
}

/**
 * SQLite at `path` (WAL, synchronous=FULL) on worker threads, for Kysely: one writing
 * connection, and (`reader`, for a file) one read-only connection for SELECTs outside transactions.
 */
export class SqliteThreadDialect implements Dialect {
  constructor(
    private readonly path: string,
    private readonly reader = true,
  ) {}
  createDriver(): Driver {
    return new ThreadDriver(this.path, this.reader);
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

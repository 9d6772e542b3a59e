/**
 * The bare-stack baseline: what this stack (the same Fastify, Kysely and database driver)
 * does with the product's durability and nothing else, behind the product's own paths so
 * the same load generator drives both.
 *
 * - SQLite: WAL with `synchronous = FULL` (as the product); PostgreSQL: default fsync and
 *   synchronous_commit, a pool of 10 (as the product).
 * - Every command inserts one row through Kysely in its own transaction, committed before
 *   the answer (no group commit); then its JSON line is written to every open event stream.
 *
 * `tsx bench/bare/server.ts --db sqlite:/tmp/x.db` (or `--db postgres://…`); prints
 * "running on http://127.0.0.1:PORT" like the product. Used by bench/*.bench.ts only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';

interface Database {
  bare_incidents: { id: string; created_at: number; body: string };
  bare_events: { seq: number | undefined; stream_id: string; at: number; body: string };
}

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const url = arg('--db') ?? 'sqlite:/tmp/yingji-bare.db';
const port = Number(arg('--port') ?? 0);
const isPg = /^postgres(ql)?:\/\//.test(url);

let db: Kysely<Database>;
if (isPg) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await sql`create table if not exists bare_incidents (id text primary key, created_at bigint not null, body text not null)`.execute(db);
  await sql`create table if not exists bare_events (seq bigserial primary key, stream_id text not null, at bigint not null, body text not null)`.execute(db);
} else {
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await sql`create table if not exists bare_incidents (id text primary key, created_at integer not null, body text not null)`.execute(db);
  await sql`create table if not exists bare_events (seq integer primary key autoincrement, stream_id text not null, at integer not null, body text not null)`.execute(db);
}

const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
const sessions = new Map<string, string>();
const streams = new Set<ServerResponse>();

const session = (cookie: string | undefined) => {
  const m = /(?:^|;\s*)bare=([^;]+)/.exec(cookie ?? '');
  return m ? sessions.get(m[1]!) : undefined;
};

app.post('/api/login', async (req, reply) => {
  const { username } = req.body as { username: string };
  const token = randomBytes(16).toString('base64url');
  const csrf = randomBytes(16).toString('base64url');
  sessions.set(token, csrf);
  reply.header('set-cookie', `bare=${token}; Path=/; HttpOnly; SameSite=Lax`);
  return { csrf_token: csrf, user: { username } };
});

app.post('/api/incidents', async (req, reply) => {
  if (!session(req.headers.cookie)) return reply.code(401).send({ error: 'unauthenticated' });
  const id = randomUUID();
  await db.insertInto('bare_incidents').values({ id, created_at: Date.now(), body: JSON.stringify(req.body) }).execute();
  return { id };
});

app.post('/api/incidents/:id/commands', async (req, reply) => {
  const csrf = session(req.headers.cookie);
  if (!csrf || req.headers['x-csrf-token'] !== csrf) return reply.code(403).send({ error: 'forbidden' });
  const { id } = req.params as { id: string };
  const at = Date.now();
  const body = JSON.stringify(req.body);
  const row = await db
    .insertInto('bare_events')
    .values({ seq: undefined, stream_id: id, at, body })
    .returning('seq')
    .executeTakeFirstOrThrow();
  const seq = Number(row.seq);
  if (streams.size) {
    const line = `id: ${seq}\ndata: ${JSON.stringify({ seq, incident: id, at: new Date(at).toISOString(), ...(req.body as object) })}\n\n`;
    for (const s of streams) s.write(line);
  }
  return { id, seq };
});

app.get('/api/events/stream', (req, reply) => {
  if (!session(req.headers.cookie)) return reply.code(401).send({ error: 'unauthenticated' });
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write('retry: 2000\n\n');
  streams.add(res);
  req.raw.on('close', () => streams.delete(res));
});

const address = await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare ${isPg ? 'postgres' : 'sqlite'} server running on ${address}\n`);

const stop = async () => {
  for (const s of streams) s.end();
  await app.close();
  await db.destroy();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

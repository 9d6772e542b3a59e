/**
 * Start-up: spawn of `node bin/yingji.js serve` (the entry `npm start` runs) → listening, on
 * SQLite, in three situations, ROUNDS times each (interleaved):
 *
 * - fresh: an empty database (migrations, plan, demo organization and accounts);
 * - restart: the same database again (what a restarted server does);
 * - restart with timers: a database holding PENDING (default 100,000) pending timers.
 *
 * Two figures per start: ready (spawn → the "running on" line, printed once the port listens)
 * and answered (spawn → the first answer to GET /healthz). `npm run bench:startup`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, fmt, interleaved, log, report, spread, startServer } from './support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PENDING = Number(process.env.PENDING ?? 100_000);

const dir = mkdtempSync(join(tmpdir(), 'yingji-startup-'));
let fresh = 0;

interface Start {
  ready_ms: number;
  answered_ms: number;
}

/** Starts the product on the database, waits for the first answer, stops it. */
async function start(db: string): Promise<Start> {
  const t0 = performance.now();
  const server = await startServer(['--demo', '--db', `sqlite:${db}`]);
  const ready = performance.now() - t0;
  let answered = NaN;
  for (;;) {
    const res = await fetch(`${server.url}/healthz`).catch(() => null);
    if (res?.ok) {
      answered = performance.now() - t0;
      break;
    }
  }
  await server.stop();
  return { ready_ms: Math.round(ready), answered_ms: Math.round(answered) };
}

/** A database that has been started once: migrated, plan stored, demo seeded. */
async function prepared(name: string): Promise<string> {
  const db = join(dir, name);
  await start(db);
  return db;
}

log(`start-up bench, ${describeMachine()}`);
const existing = await prepared('existing.db');
const withTimers = await prepared('timers.db');
{
  // Pending timers far in the future: the scheduler keeps them, none falls due during the bench.
  const sqlite = new Database(withTimers);
  const insert = sqlite.prepare("INSERT INTO timers (stream, stream_id, key, due) VALUES ('incident', ?, 'bench', ?)");
  const due = Date.now() + 365 * 24 * 3600_000;
  sqlite.transaction(() => {
    for (let i = 0; i < PENDING; i++) insert.run(`bench-${i}`, due + i);
  })();
  sqlite.close();
}

const runs = await interleaved(ROUNDS, {
  fresh: () => start(join(dir, `fresh-${fresh++}.db`)),
  restart: () => start(existing),
  timers: () => start(withTimers),
});
rmSync(dir, { recursive: true, force: true });

const names = { fresh: 'fresh database', restart: 'restart', timers: `restart, ${PENDING.toLocaleString('en')} pending timers` } as const;
const result = Object.fromEntries(
  Object.entries(runs).map(([k, v]) => [k, { ready_ms: spread(v.map((r) => r.ready_ms)), answered_ms: spread(v.map((r) => r.answered_ms)), runs: v }]),
);
report(
  'startup',
  { rounds: ROUNDS, pending: PENDING, entry: 'node bin/yingji.js serve --demo --db sqlite:…', results: result },
  Object.entries(result).map(([k, r]) => `${names[k as keyof typeof names]}: ready ${fmt(r.ready_ms, ' ms')}, first answer ${fmt(r.answered_ms, ' ms')} (min / median / max of ${ROUNDS})`),
);

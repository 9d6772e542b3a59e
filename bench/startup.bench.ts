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
 *
 * DEMO=off starts without --demo (as a production server does: no demo accounts to seed).
 *
 * BASELINE=DIR (another checkout of Yingji, built) adds the same starts of DIR's
 * bin/yingji.js, interleaved start by start with this one's: the machine's other work falls on
 * both alike. Each database is prepared by the checkout that starts it.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeMachine, fmt, interleaved, log, report, spread, startProcess } from './support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PENDING = Number(process.env.PENDING ?? 100_000);
const DEMO = process.env.DEMO === 'off' ? [] : ['--demo'];
const BASELINE = process.env.BASELINE ? resolve(process.env.BASELINE) : null;

const dir = mkdtempSync(join(tmpdir(), 'yingji-startup-'));
let fresh = 0;

interface Start {
  ready_ms: number;
  answered_ms: number;
}

/** Starts the product (this checkout's, or the baseline's) on the database, waits for the first answer, stops it. */
async function start(db: string, root = process.cwd()): Promise<Start> {
  const t0 = performance.now();
  const server = await startProcess(process.execPath, [join(root, 'bin/yingji.js'), 'serve', '--port', '0', ...DEMO, '--db', `sqlite:${db}`]);
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

/** A database started once (migrated, plan stored, demo seeded); with pending timers if asked. */
async function prepared(name: string, root?: string, pending = 0): Promise<string> {
  const db = join(dir, name);
  await start(db, root);
  if (pending) {
    // Pending timers far in the future: the scheduler keeps them, none falls due during the bench.
    const sqlite = new Database(db);
    const insert = sqlite.prepare("INSERT INTO timers (stream, stream_id, key, due) VALUES ('incident', ?, 'bench', ?)");
    const due = Date.now() + 365 * 24 * 3600_000;
    sqlite.transaction(() => {
      for (let i = 0; i < pending; i++) insert.run(`bench-${i}`, due + i);
    })();
    sqlite.close();
  }
  return db;
}

log(`start-up bench, ${describeMachine()}${BASELINE ? `, baseline ${BASELINE}` : ''}`);
const variants: Record<string, () => Promise<Start>> = {};
for (const [suffix, root] of [['', undefined], ...(BASELINE ? [[' (baseline)', BASELINE]] : [])] as [string, string | undefined][]) {
  const existing = await prepared(`existing${suffix ? '-baseline' : ''}.db`, root);
  const withTimers = await prepared(`timers${suffix ? '-baseline' : ''}.db`, root, PENDING);
  variants[`fresh database${suffix}`] = () => start(join(dir, `fresh-${fresh++}.db`), root);
  variants[`restart${suffix}`] = () => start(existing, root);
  variants[`restart, ${PENDING.toLocaleString('en')} pending timers${suffix}`] = () => start(withTimers, root);
}

const runs = await interleaved(ROUNDS, variants);
rmSync(dir, { recursive: true, force: true });

const result = Object.fromEntries(
  Object.entries(runs).map(([k, v]) => [k, { ready_ms: spread(v.map((r) => r.ready_ms)), answered_ms: spread(v.map((r) => r.answered_ms)), runs: v }]),
);
report(
  'startup',
  { rounds: ROUNDS, pending: PENDING, baseline: BASELINE, entry: `node bin/yingji.js serve ${DEMO.join(' ')} --db sqlite:…`, results: result },
  Object.entries(result).map(([k, r]) => `${k}: ready ${fmt(r.ready_ms, ' ms')}, first answer ${fmt(r.answered_ms, ' ms')} (min / median / max of ${ROUNDS})`),
);

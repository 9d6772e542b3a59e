/**
 * Growth (issue 13 §4): what the number of active incidents costs. At 10, 1,000 and 10,000
 * active incidents on one server (seeded through the HTTP API, CONCURRENCY at once; each
 * incident reported with two units and its guidance failed, so its card has two summonses):
 *
 * - per-command latency: PROBES `note` commands on one incident, one at a time (p50/p99);
 * - the board's load: every page of `GET /api/board` (the compact view the board loads), time
 *   and bytes (as sent, uncompressed; and gzipped, about what a browser receives);
 * - for comparison, every page of the full views, `GET /api/incidents?status=open&limit=1000`.
 *
 * Each load is read LOADS times; the median is printed. Summonses nobody acknowledged are
 * escalated 5 minutes after they were issued: a level measured later than that is marked.
 * Runs on SQLite, and on PostgreSQL too when YINGJI_BENCH_PG (or YINGJI_TEST_PG) is set.
 * `npm run bench:growth` (runs the built server: `npm run build` first).
 */
import { gzipSync } from 'node:zlib';
import { DIALECTS, freshDatabase, latencies, log, login, pool, post, report, request, round2, startServer, type Dialect, type Session } from './support.js';

const LEVELS = (process.env.LEVELS ?? '10,1000,10000').split(',').map(Number);
const PROBES = Number(process.env.PROBES ?? 300);
const LOADS = Number(process.env.LOADS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
/** The plan's `escalate_after`: timers start firing this long after a summons was issued. */
const ESCALATION_MS = 5 * 60_000;

interface Load {
  pages: number;
  ms: number;
  bytes: number;
  gzip_bytes: number;
  incidents: number;
}

/** Reads every page of a paged read, following `next` (the board) or `X-Next-Cursor` (the list). */
async function readAll(base: string, s: Session, first: string, kind: 'board' | 'list'): Promise<Load> {
  const t0 = performance.now();
  let pages = 0;
  let bytes = 0;
  let gzip = 0;
  let incidents = 0;
  let path: string | null = first;
  while (path) {
    const r = await request(base, 'GET', path, s);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    pages++;
    bytes += Buffer.byteLength(r.body);
    gzip += gzipSync(r.body).length;
    if (kind === 'board') {
      const page = JSON.parse(r.body) as { cards: unknown[]; next: string | null };
      incidents += page.cards.length;
      path = page.next ? `/api/board?after=${page.next}` : null;
    } else {
      incidents += (JSON.parse(r.body) as unknown[]).length;
      const next = r.headers['x-next-cursor'];
      path = typeof next === 'string' ? `${first}&after=${next}` : null;
    }
  }
  return { pages, ms: round2(performance.now() - t0), bytes, gzip_bytes: gzip, incidents };
}

const median = (loads: Load[]): Load => [...loads].sort((a, b) => a.ms - b.ms)[Math.floor(loads.length / 2)]!;

async function run(dialect: Dialect) {
  const db = await freshDatabase(dialect);
  const server = await startServer(['--demo', '--db', db.url]);
  const base = server.url;
  try {
    const staffs = await Promise.all(Array.from({ length: CONCURRENCY }, () => login(base, 'petition-bureau.staff')));
    const reader = await login(base, 'working-group.leader');
    const probe = await post<{ id: string }>(base, staffs[0]!, '/api/incidents', { venue: 'venue-1', headcount: 3, units: ['dept-housing'], matter: 'growth probe' });
    let active = 1;
    let firstSeeded = 0;
    const levels = [];
    for (const level of LEVELS) {
      const seeding = performance.now();
      if (!firstSeeded) firstSeeded = Date.now();
      await pool(level - active, CONCURRENCY, async (i) => {
        const s = staffs[i % CONCURRENCY]!;
        const { id } = await post<{ id: string }>(base, s, '/api/incidents', { venue: ['residence', 'venue-1', 'venue-2'][i % 3], headcount: 5 + (i % 40), units: ['town-tanggou', 'dept-housing'], matter: `growth ${active + i}` });
        await post(base, s, `/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' });
      });
      const seedS = round2((performance.now() - seeding) / 1000);
      active = level;
      log(`${dialect}: ${level.toLocaleString('en')} active incidents (seeded in ${seedS} s); probing…`);

      const times: number[] = [];
      for (let n = 0; n < PROBES; n++) {
        const t1 = performance.now();
        const r = await request(base, 'POST', `/api/incidents/${probe.id}/commands`, staffs[0]!, { do: 'note', text: `probe ${n}` });
        times.push(performance.now() - t1);
        if (r.status !== 200) throw new Error(`probe: ${r.status} ${r.body.slice(0, 300)}`);
      }
      const boards: Load[] = [];
      const lists: Load[] = [];
      for (let k = 0; k < LOADS; k++) {
        boards.push(await readAll(base, reader, '/api/board', 'board'));
        lists.push(await readAll(base, reader, '/api/incidents?status=open&limit=1000', 'list'));
      }
      const board = median(boards);
      const list = median(lists);
      if (board.incidents !== level || list.incidents !== level) throw new Error(`${level} active, but the board read ${board.incidents} and the list ${list.incidents}`);
      levels.push({ active: level, seed_s: seedS, command: latencies(times), board, full_list: list, escalations_may_have_run: Date.now() - firstSeeded > ESCALATION_MS });
    }
    return { database: dialect, levels };
  } finally {
    await server.stop();
    await db.drop();
  }
}

const results = [];
for (const dialect of DIALECTS) results.push(await run(dialect));

const kb = (n: number) => `${(n / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} KB`;
const lines = [
  `note command: ${PROBES} one at a time on one incident; board: every page of GET /api/board; full: every page of GET /api/incidents?status=open&limit=1000 (median of ${LOADS} reads)`,
  '| database | active | command p50 / p99 | board: pages, time, size (gzip) | full views: pages, time, size (gzip) | board / full bytes |',
  '|---|---:|---|---|---|---:|',
  ...results.flatMap((r) =>
    r.levels.map(
      (l) =>
        `| ${r.database} | ${l.active.toLocaleString('en')} | ${l.command.p50_ms} / ${l.command.p99_ms} ms | ${l.board.pages}, ${l.board.ms} ms, ${kb(l.board.bytes)} (${kb(l.board.gzip_bytes)}) | ${l.full_list.pages}, ${l.full_list.ms} ms, ${kb(l.full_list.bytes)} (${kb(l.full_list.gzip_bytes)}) | ${round2(l.board.bytes / l.full_list.bytes)} |${l.escalations_may_have_run ? ' (escalations may have run)' : ''}`,
    ),
  ),
];
report('growth', { probes: PROBES, loads: LOADS, concurrency: CONCURRENCY, seeded_through: 'HTTP API', results }, lines);

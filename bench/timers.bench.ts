/**
 * Timers at scale: many pending timers, a burst falling due together, and a restart with
 * timers that fell due while the server was down.
 *
 * Design load (SCALE=1): 100,000 pending timers, 10,000 of them falling due within the same
 * minute. Default SCALE=0.1; the scale used is printed. Seeding goes through the HTTP API
 * (the server's internals are being rewritten; a direct seeding script can come later), with
 * a copy of the shipped plan whose guidance window is WINDOW seconds and whose other
 * deadlines are 11–12 h away, so only the burst falls due while the bench runs:
 *
 * 1. pending: (PENDING − BURST) / 6 incidents reported with three units and guide failed
 *    (three summonses: a deadline and an acknowledgement timer each, 6 timers, 11–12 h away);
 * 2. burst: BURST incidents reported evenly over BURST_S seconds (default 60 × SCALE: the
 *    design load's rate, 10,000 within one minute at SCALE=1; BURST_S=0: as fast as the API
 *    takes them, a denser burst the faster the server): their guidance windows fall due
 *    WINDOW s after each report, spread as they were reported (printed);
 * 3. while the burst fires: recorded lateness (the event's `at` against the timer's due time
 *    read from the timers table before, and `recorded_at − at`), lateness on the live stream
 *    (arrival at a signed-in SSE client − `at`), firing rate, and API latency (PROBE_CLIENTS
 *    clients alternating a note command and a read of an incident);
 * 4. restart: RESTART more incidents reported, the server stopped, their windows left to fall
 *    due while it is down, the server started again: time to ready (spawn → "running on",
 *    and → first answer), catch-up rate (timer events and all events recorded per second),
 *    API latency meanwhile.
 *
 * SQLite; PostgreSQL too when YINGJI_BENCH_PG (or YINGJI_TEST_PG) is set (fresh database).
 * `npm run bench:timers` (runs the built server). Env: SCALE, PENDING, BURST, RESTART,
 * BURST_S, WINDOW, CONCURRENCY, PROBE_CLIENTS.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  DIALECTS,
  freshDatabase,
  latencies,
  log,
  login,
  pool,
  post,
  report,
  request,
  round2,
  sleep,
  startServer,
  type Dialect,
  type ServerProcess,
  type Session,
} from './support.js';

const SCALE = Number(process.env.SCALE ?? 0.1);
const PENDING = Number(process.env.PENDING ?? Math.round(100_000 * SCALE));
const BURST = Number(process.env.BURST ?? Math.round(10_000 * SCALE));
const RESTART = Number(process.env.RESTART ?? BURST);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const PROBE_CLIENTS = Number(process.env.PROBE_CLIENTS ?? 4);
const FAR = Math.max(0, Math.ceil((PENDING - BURST) / 6));
/** Seconds over which the burst's reports are spread evenly (0: as fast as the API takes them). */
const BURST_S = Number(process.env.BURST_S ?? 60 * SCALE);
/** Guidance window, s: long enough that the burst is seeded before it starts falling due. */
const WINDOW = Number(process.env.WINDOW ?? Math.max(20, Math.ceil(Math.max(BURST, RESTART) / 100) + 15, Math.ceil(BURST_S) + 15));
const PLAN_DEFAULT = new URL('../plans/inspection-visit-petition-plan.yaml', import.meta.url).pathname;
const TIMER_EVENT = 'guidance_window_expired';

/** The shipped plan with a WINDOW-second guidance window and every other deadline hours away. */
function benchPlan(): string {
  const dir = mkdtempSync(join(tmpdir(), 'yingji-bench-plan-'));
  const text = readFileSync(PLAN_DEFAULT, 'utf8');
  const replaced = text
    .replace('window: 10m', `window: ${WINDOW}s`)
    .replace('township: 1h', 'township: 12h')
    .replace('county-department: 15m', 'county-department: 12h')
    .replace('default: 15m', 'default: 12h')
    .replace('police: { limit: 15m', 'police: { limit: 12h')
    .replace('update_interval: 15m', 'update_interval: 12h')
    .replace('escalate_after: 5m', 'escalate_after: 11h')
    .replace('version: "2017.1"', 'version: "2017.1-bench-timers"');
  if (!replaced.includes(`window: ${WINDOW}s`) || !replaced.includes('escalate_after: 11h')) throw new Error('the shipped plan changed: update benchPlan()');
  writeFileSync(join(dir, 'plan.yaml'), replaced);
  writeFileSync(join(dir, 'demo-organization.yaml'), readFileSync(join(dirname(PLAN_DEFAULT), 'demo-organization.yaml')));
  return join(dir, 'plan.yaml');
}

/** Read-only queries on the server's database, SQL with `?` placeholders. */
async function reader(dialect: Dialect, url: string) {
  if (dialect === 'sqlite') {
    const db = new SQLite(url.replace(/^sqlite:(\/\/)?/, ''), { readonly: true });
    db.pragma('busy_timeout = 5000');
    return {
      all: async <T>(q: string, ...params: unknown[]) => db.prepare(q).all(...params) as T[],
      close: async () => db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    all: async <T>(q: string, ...params: unknown[]) => {
      let n = 0;
      return (await client.query(q.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    },
    close: () => client.end(),
  };
}
type Reader = Awaited<ReturnType<typeof reader>>;
const count = async (r: Reader, q: string, ...p: unknown[]) => Number((await r.all<{ n: number | string }>(q, ...p))[0]!.n);

/** API latency while something else happens: alternating a note command and a read. */
function probes(base: string, sessions: Session[], incidents: string[]) {
  const samples: { at: number; ms: number; ok: boolean; read: boolean }[] = [];
  let running = true;
  const done = Promise.all(
    sessions.map(async (s, i) => {
      for (let n = 0; running; n++) {
        const id = incidents[(i * 7 + n) % incidents.length]!;
        const t0 = performance.now();
        const r = n % 2 ? await request(base, 'GET', `/api/incidents/${id}`, s) : await request(base, 'POST', `/api/incidents/${id}/commands`, s, { do: 'note', text: `probe ${n}` });
        samples.push({ at: Date.now(), ms: performance.now() - t0, ok: r.status === 200, read: n % 2 === 1 });
        await sleep(20);
      }
    }),
  );
  return {
    between: (from: number, to: number) => samples.filter((x) => x.at >= from && x.at <= to),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** The probes' latencies: all, reads and commands apart, and the errors. */
function apiLatencies(samples: { ms: number; ok: boolean; read: boolean }[]) {
  const p99 = (xs: typeof samples) => latencies(xs.map((x) => x.ms)).p99_ms;
  return { ...latencies(samples.map((x) => x.ms)), read_p99_ms: p99(samples.filter((x) => x.read)), command_p99_ms: p99(samples.filter((x) => !x.read)), errors: samples.filter((x) => !x.ok).length };
}

/** A signed-in SSE client noting when each timer event arrives (wall clock) and its `at`. */
function liveClient(base: string, cookie: string) {
  const lateness: number[] = [];
  const req = http.get(`${base}/api/events/stream`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (chunk: string) => {
      const now = Date.now();
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (!block.includes(TIMER_EVENT)) continue;
        const data = /^data: (.*)$/m.exec(block);
        if (!data) continue;
        const e = JSON.parse(data[1]!) as { type: string; at: string };
        if (e.type === TIMER_EVENT) lateness.push(now - Date.parse(e.at));
      }
    });
  });
  req.on('error', () => {});
  return { lateness, close: () => req.destroy() };
}

const report1 = (incident: string) => ({ venue: 'residence', headcount: 5, units: ['dept-housing', 'dept-education', 'town-hengbu'], matter: `bench timers ${incident}` });

/**
 * Counts the timer events recorded so far, reading only the rows appended since its last look.
 * The bench's SQLite reads are synchronous, on the event loop that also times the probes and
 * the live client: a count over the whole log took 130–200 ms at 400,000 events, and polled
 * every 50 ms it held that loop most of the time and inflated every latency measured meanwhile.
 */
function timerEvents(r: Reader): () => Promise<number> {
  let seen = 0;
  let n = 0;
  // One look at a time: two at once would count the same rows twice.
  let last: Promise<number> = Promise.resolve(0);
  const look = async (): Promise<number> => {
    const top = Number((await r.all<{ m: number | string | null }>('select max(seq) as m from events'))[0]?.m ?? 0);
    if (top > seen) {
      n += await count(r, 'select count(*) as n from events where seq > ? and seq <= ? and type = ?', seen, top, TIMER_EVENT);
      seen = top;
    }
    return n;
  };
  return () => (last = last.then(look, look));
}

async function waitFor(recorded: () => Promise<number>, expected: number, timeoutMs: number, what: string): Promise<number> {
  const until = Date.now() + timeoutMs;
  let n = 0;
  let last = -1;
  while (Date.now() < until) {
    n = await recorded();
    if (n >= expected) return n;
    if (n !== last) log(`  ${what}: ${n.toLocaleString('en')} / ${expected.toLocaleString('en')} timer events recorded`);
    last = n;
    await sleep(1000);
  }
  log(`  ${what}: timed out with ${n} of ${expected}`);
  return n;
}

async function bench(dialect: Dialect) {
  const db = await freshDatabase(dialect);
  const plan = benchPlan();
  let server: ServerProcess | null = await startServer(['--demo', '--db', db.url, '--plan', plan]);
  const r = await reader(dialect, db.url);
  const recorded = timerEvents(r);
  try {
    const base = server.url;
    const sessions = await Promise.all(Array.from({ length: Math.max(CONCURRENCY, PROBE_CLIENTS) }, () => login(base, 'petition-bureau.staff')));

    // 1. Pending timers far away.
    log(`${dialect}: seeding ${FAR.toLocaleString('en')} incidents with 6 pending timers each…`);
    const far: string[] = [];
    let t0 = performance.now();
    await pool(FAR, CONCURRENCY, async (i) => {
      const s = sessions[i % CONCURRENCY]!;
      const { id } = await post<{ id: string }>(base, s, '/api/incidents', report1(`far ${i}`));
      await post(base, s, `/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' });
      far.push(id);
    });
    const farSeconds = (performance.now() - t0) / 1000;
    const pendingBefore = await count(r, 'select count(*) as n from timers');
    log(`${dialect}: ${pendingBefore.toLocaleString('en')} pending timers after ${farSeconds.toFixed(1)} s (${Math.round((FAR * 2) / farSeconds)} requests/s)`);

    // 2. The burst.
    const live = liveClient(base, sessions[0]!.cookie);
    await sleep(300);
    log(`${dialect}: seeding the burst: ${BURST.toLocaleString('en')} incidents ${BURST_S ? `over ${BURST_S} s` : 'as fast as the API takes them'}, whose guidance windows (${WINDOW} s) fall due as they were reported…`);
    t0 = performance.now();
    const burstStart = t0;
    await pool(BURST, CONCURRENCY, async (i) => {
      // Paced: report i goes out at its share of BURST_S, so the windows fall due at that rate.
      const at = burstStart + (i * BURST_S * 1000) / BURST;
      if (at > performance.now()) await sleep(at - performance.now());
      await post(base, sessions[i % CONCURRENCY]!, '/api/incidents', report1(`burst ${i}`));
    });
    const burstSeeding = (performance.now() - t0) / 1000;
    const dues = new Map((await r.all<{ stream_id: string; due: number | string }>(`select stream_id, due from timers where key = 'guidance'`)).map((t) => [t.stream_id, Number(t.due)]));
    const pendingAtBurst = await count(r, 'select count(*) as n from timers');
    const firstDue = Math.min(...dues.values());
    const lastDue = Math.max(...dues.values());
    log(`${dialect}: ${pendingAtBurst.toLocaleString('en')} pending; ${dues.size.toLocaleString('en')} due within ${((lastDue - firstDue) / 1000).toFixed(1)} s, the first in ${((firstDue - Date.now()) / 1000).toFixed(1)} s`);
    if (firstDue < Date.now()) log(`  WARNING: the burst started falling due while it was seeded: raise WINDOW`);

    // 3. While the burst fires.
    const probe = probes(base, sessions.slice(0, PROBE_CLIENTS), far.length ? far : [...dues.keys()]);
    await waitFor(recorded, BURST, Math.max(120_000, lastDue - Date.now() + BURST * 50), 'burst');
    const fired = await r.all<{ stream_id: string; at: number | string; recorded_at: number | string }>(`select stream_id, at, recorded_at from events where type = ?`, TIMER_EVENT);
    const lastRecorded = Math.max(...fired.map((e) => Number(e.recorded_at)));
    await sleep(1000);
    const during = probe.between(firstDue, lastRecorded);
    await probe.stop();
    live.close();
    const atVsDue = fired.flatMap((e) => (dues.has(e.stream_id) ? [Number(e.at) - dues.get(e.stream_id)!] : []));
    const recordedLate = fired.map((e) => Number(e.recorded_at) - Number(e.at));
    const burst = {
      pending_timers: pendingAtBurst,
      due: dues.size,
      due_spread_s: round2((lastDue - firstDue) / 1000),
      seeding_s: round2(burstSeeding),
      fired: fired.length,
      fired_per_second: Math.round(fired.length / Math.max(0.001, (lastRecorded - firstDue) / 1000)),
      at_minus_due: latencies(atVsDue),
      recorded_lateness: latencies(recordedLate),
      live_lateness: latencies(live.lateness),
      api: apiLatencies(during),
    };
    log(`${dialect} burst: ${JSON.stringify(burst)}`);

    // 4. Restart with timers that fell due while the server was down.
    log(`${dialect}: restart: ${RESTART.toLocaleString('en')} incidents whose window falls due while the server is down…`);
    await pool(RESTART, CONCURRENCY, async (i) => {
      await post(base, sessions[i % CONCURRENCY]!, '/api/incidents', report1(`restart ${i}`));
    });
    await server.stop();
    server = null;
    const overdue = await r.all<{ due: number | string }>(`select due from timers where key = 'guidance'`);
    const pendingAtStop = await count(r, 'select count(*) as n from timers');
    const lastOverdue = Math.max(...overdue.map((t) => Number(t.due)));
    await sleep(Math.max(0, lastOverdue - Date.now() + 1000));
    const eventsBefore = await count(r, 'select count(*) as n from events');
    // Watched from spawn on (overdue timers may fire before the server listens): when the
    // first and the last overdue timer's event became visible in the database.
    const expected = BURST + overdue.length;
    const seen = { first: 0, done: 0 };
    let watching = true;
    const watcher = (async () => {
      while (watching && !seen.done) {
        const n = await recorded().catch(() => 0);
        if (n > BURST && !seen.first) seen.first = Date.now();
        if (n >= expected) seen.done = Date.now();
        await sleep(50);
      }
    })();
    const spawnedAt = Date.now();
    server = await startServer(['--demo', '--db', db.url, '--plan', plan]);
    const readyAt = Date.now();
    const t1 = performance.now();
    let answer = await request(server.url, 'GET', '/api/incidents?limit=1', sessions[0]!).catch(() => null);
    while (!answer || answer.status >= 500) answer = await request(server.url, 'GET', '/api/incidents?limit=1', sessions[0]!).catch(() => null);
    const firstAnswerMs = performance.now() - t1;
    // Sessions live in the database: the same cookies work after the restart.
    const probe2 = probes(server.url, sessions.slice(0, PROBE_CLIENTS), far.length ? far : [...dues.keys()]);
    await waitFor(recorded, expected, Math.max(120_000, overdue.length * 50), 'catch-up');
    watching = false;
    await watcher;
    const caught = await r.all<{ recorded_at: number | string; type: string }>(`select recorded_at, type from events where seq > ?`, eventsBefore);
    const caughtTimers = caught.filter((e) => e.type === TIMER_EVENT);
    // Overdue timers may fire before the server listens, or after: the span from the first
    // timer event recorded after the restart to the last.
    const catchUpStart = Math.min(...caughtTimers.map((e) => Number(e.recorded_at)));
    const catchUpEnd = Math.max(...caughtTimers.map((e) => Number(e.recorded_at)));
    const catchUpSeconds = Math.max(0.001, (catchUpEnd - catchUpStart) / 1000);
    const duringCatchUp = probe2.between(readyAt, catchUpEnd);
    await sleep(500);
    await probe2.stop();
    const restart = {
      pending_timers_at_stop: pendingAtStop,
      overdue_at_start: overdue.length,
      ready_ms: Math.round(readyAt - spawnedAt),
      first_answer_after_ready_ms: Math.round(firstAnswerMs),
      catch_up_s: round2(catchUpSeconds),
      catch_up_started_after_spawn_ms: catchUpStart - spawnedAt,
      // Polled every 50 ms from spawn: the first overdue timer event seen, and the last.
      first_seen_after_spawn_ms: seen.first ? seen.first - spawnedAt : null,
      caught_up_after_spawn_ms: seen.done ? seen.done - spawnedAt : null,
      /** Overdue timers per second from spawn until all were recorded: a lower bound when they fire before the server listens. */
      timers_per_second_since_spawn: seen.done ? Math.round(overdue.length / ((seen.done - spawnedAt) / 1000)) : null,
      timers_per_second: Math.round(caughtTimers.length / catchUpSeconds),
      events_per_second: Math.round(caught.filter((e) => Number(e.recorded_at) >= catchUpStart && Number(e.recorded_at) <= catchUpEnd).length / catchUpSeconds),
      api: apiLatencies(duringCatchUp),
    };
    log(`${dialect} restart: ${JSON.stringify(restart)}`);
    return { database: dialect, seeding: { far_incidents: FAR, far_seconds: round2(farSeconds), pending_before_burst: pendingBefore }, burst, restart };
  } finally {
    await server?.stop();
    await r.close();
    await db.drop();
  }
}

const results = [];
const lines = [
  `scale ${SCALE} (design load is 1): ${PENDING.toLocaleString('en')} pending timers, ${BURST.toLocaleString('en')} due ${BURST_S ? `over ${BURST_S} s` : 'as fast as they were reported'} (guidance window ${WINDOW} s), ${RESTART.toLocaleString('en')} overdue at restart; seeded through the HTTP API, ${CONCURRENCY} at once`,
];
for (const dialect of DIALECTS) {
  const x = await bench(dialect);
  results.push(x);
  const b = x.burst;
  const rs = x.restart;
  lines.push(
    `${dialect} burst: ${b.pending_timers.toLocaleString('en')} pending, ${b.due.toLocaleString('en')} due within ${b.due_spread_s} s; ${b.fired.toLocaleString('en')} fired at ${b.fired_per_second.toLocaleString('en')}/s`,
    `  recorded lateness (recorded_at − at) p50 ${b.recorded_lateness.p50_ms} ms, p99 ${b.recorded_lateness.p99_ms} ms, max ${b.recorded_lateness.max_ms} ms (goal p99 ≤ 20 ms); at − due p99 ${b.at_minus_due.p99_ms} ms (must be 0)`,
    `  on the live stream p50 ${b.live_lateness.p50_ms} ms, p99 ${b.live_lateness.p99_ms} ms (${b.live_lateness.n} events; goal p99 ≤ 50 ms); API meanwhile p50 ${b.api.p50_ms} ms, p99 ${b.api.p99_ms} ms over ${b.api.n} requests (goal p99 ≤ 50 ms; reads ${b.api.read_p99_ms} ms, commands ${b.api.command_p99_ms} ms)`,
    `${dialect} restart with ${rs.pending_timers_at_stop.toLocaleString('en')} pending, ${rs.overdue_at_start.toLocaleString('en')} overdue: ready in ${rs.ready_ms} ms (spawn → listening; goal ≤ 1 s), first answer ${rs.first_answer_after_ready_ms} ms later`,
    `  overdue timer events seen ${rs.first_seen_after_spawn_ms} ms after spawn, all ${rs.caught_up_after_spawn_ms} ms after spawn: ${rs.timers_per_second_since_spawn?.toLocaleString('en')} timers/s since spawn (goal ≥ 20,000/s); by recorded_at ${rs.catch_up_s} s, ${rs.timers_per_second.toLocaleString('en')} timers/s, ${rs.events_per_second.toLocaleString('en')} events/s (one recorded_at per batch makes these unbounded); API meanwhile p50 ${rs.api.p50_ms} ms, p99 ${rs.api.p99_ms} ms over ${rs.api.n} requests (reads ${rs.api.read_p99_ms} ms, commands ${rs.api.command_p99_ms} ms)`,
  );
}
report('timers', { scale: SCALE, pending: PENDING, burst: BURST, burst_s: BURST_S, restart: RESTART, window_s: WINDOW, concurrency: CONCURRENCY, seeded_through: 'HTTP API', results }, lines);
process.exit(0);

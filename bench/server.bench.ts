/**
 * Server throughput and latency through the HTTP API, from a separate process, against the
 * product and against the bare stack (bench/bare/server.ts: the same Fastify, Kysely and
 * driver, one row per command with the same durability), in interleaved rounds
 * (product, bare, product, bare, … ROUNDS times), each on a fresh database.
 *
 * 1. Load: CLIENTS concurrent clients, each with its own incident, issue commands (notes and
 *    head counts) back to back for SECONDS; commands/s and p50/p99 latency.
 * 2. Live: STREAMS SSE clients connected; PROBES probe commands 50 ms apart; the delay from
 *    sending the command to its event arriving at all of them (p50/p99). (bench:live measures
 *    this properly, at 1,000 clients and with the CPU per event.)
 *
 * Prints min / median / max over the rounds and the ratio product / bare (of the medians).
 * Runs on SQLite, and on PostgreSQL too when YINGJI_BENCH_PG (or YINGJI_TEST_PG) is set.
 * `npm run bench:server` (runs the built server: `npm run build` first).
 */
import http from 'node:http';
import {
  DIALECTS,
  fmt,
  freshDatabase,
  interleaved,
  latencies,
  log,
  login,
  post,
  report,
  request,
  round2,
  sleep,
  spread,
  startBare,
  startServer,
  type Dialect,
  type ServerProcess,
} from './support.js';

const CLIENTS = Number(process.env.CLIENTS ?? 32);
const SECONDS = Number(process.env.SECONDS ?? 10);
const STREAMS = Number(process.env.STREAMS ?? 100);
const PROBES = Number(process.env.PROBES ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** The same load for both servers: the product's paths and bodies. */
async function load(base: string) {
  const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => login(base, 'petition-bureau.staff')));
  const incidents: string[] = [];
  for (const s of sessions) {
    const created = await post<{ id: string }>(base, s, '/api/incidents', { venue: 'residence', headcount: 3, units: ['town-tanggou'], matter: 'bench' });
    incidents.push(created.id);
  }
  const times: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  await Promise.all(
    sessions.map(async (s, i) => {
      let n = 0;
      while (performance.now() < until) {
        const command = n % 4 === 3 ? { do: 'headcount', value: 3 + (n % 5) } : { do: 'note', text: `update ${n}` };
        const t1 = performance.now();
        const r = await request(base, 'POST', `/api/incidents/${incidents[i]}/commands`, s, command);
        times.push(performance.now() - t1);
        if (r.status !== 200) errors++;
        n++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { commands: times.length, errors, commands_per_second: Math.round(times.length / elapsed), ...latencies(times) };
}

async function live(base: string) {
  const s = await login(base, 'petition-bureau.staff');
  const { id } = await post<{ id: string }>(base, s, '/api/incidents', { venue: 'venue-1', headcount: 3, units: ['dept-housing'], matter: 'bench live' });
  const arrivals = new Map<string, number[]>();
  const streams: http.ClientRequest[] = [];
  await Promise.all(
    Array.from({ length: STREAMS }, () =>
      new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/api/events/stream`, { headers: { cookie: s.cookie, accept: 'text/event-stream' } }, (res) => {
          res.setEncoding('utf8');
          let buf = '';
          res.on('data', (chunk: string) => {
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const m = /"text":"(probe \d+)"/.exec(block);
              if (m) (arrivals.get(m[1]!) ?? arrivals.set(m[1]!, []).get(m[1]!)!).push(performance.now());
            }
          });
          resolve();
        });
        req.on('error', reject);
        streams.push(req);
      }),
    ),
  );
  await sleep(300);
  const delays: number[] = [];
  for (let p = 0; p < PROBES; p++) {
    const text = `probe ${p}`;
    const t0 = performance.now();
    await request(base, 'POST', `/api/incidents/${id}/commands`, s, { do: 'note', text });
    const deadline = performance.now() + 5000;
    while ((arrivals.get(text)?.length ?? 0) < STREAMS && performance.now() < deadline) await sleep(1);
    const got = arrivals.get(text) ?? [];
    if (got.length === STREAMS) delays.push(Math.max(...got) - t0);
    await sleep(50);
  }
  for (const r of streams) r.destroy();
  return { sse_clients: STREAMS, probes: PROBES, delivered_to_all: delays.length, ...latencies(delays) };
}

type Run = { start_ms: number; load: Awaited<ReturnType<typeof load>>; live: Awaited<ReturnType<typeof live>> | null };

async function run(dialect: Dialect, start: (db: string) => Promise<ServerProcess>, label: string): Promise<Run> {
  const db = await freshDatabase(dialect);
  let server: ServerProcess | null = null;
  try {
    server = await start(db.url);
    log(`  ${label} ${dialect}: load with ${CLIENTS} clients for ${SECONDS} s…`);
    const l = await load(server.url);
    log(`  ${label} ${dialect}: ${l.commands_per_second} commands/s, p50 ${l.p50_ms} ms, p99 ${l.p99_ms} ms${l.errors ? `, ${l.errors} errors` : ''}`);
    let v = null;
    if (STREAMS > 0 && PROBES > 0) {
      v = await live(server.url);
      log(`  ${label} ${dialect}: ${STREAMS} SSE clients, command → event at all p50 ${v.p50_ms} ms, p99 ${v.p99_ms} ms`);
    }
    return { start_ms: Math.round(server.startMs), load: l, live: v };
  } finally {
    await server?.stop();
    await db.drop();
  }
}

function summarize(runs: Run[]) {
  return {
    commands_per_second: spread(runs.map((r) => r.load.commands_per_second)),
    p50_ms: spread(runs.map((r) => r.load.p50_ms)),
    p99_ms: spread(runs.map((r) => r.load.p99_ms)),
    errors: runs.reduce((a, r) => a + r.load.errors, 0),
    live_p50_ms: spread(runs.flatMap((r) => (r.live ? [r.live.p50_ms] : []))),
    live_p99_ms: spread(runs.flatMap((r) => (r.live ? [r.live.p99_ms] : []))),
  };
}

const results = [];
const lines: string[] = [`${CLIENTS} clients × ${SECONDS} s per run, ${ROUNDS} interleaved rounds; ${STREAMS} SSE clients × ${PROBES} probes; min / median / max`];
for (const dialect of DIALECTS) {
  const rounds = await interleaved(ROUNDS, {
    product: () => run(dialect, (db) => startServer(['--demo', '--db', db]), 'product'),
    bare: () => run(dialect, (db) => startBare(db), 'bare'),
  });
  const product = summarize(rounds.product!);
  const bare = summarize(rounds.bare!);
  const ratio = round2(product.commands_per_second.median / bare.commands_per_second.median);
  results.push({ database: dialect, product, bare, ratio_commands_per_second: ratio, rounds });
  lines.push(
    `${dialect} product: ${fmt(product.commands_per_second)} commands/s; p50 ${fmt(product.p50_ms, ' ms')}; p99 ${fmt(product.p99_ms, ' ms')}${product.errors ? `; ${product.errors} errors` : ''}`,
    `${dialect} bare:    ${fmt(bare.commands_per_second)} commands/s; p50 ${fmt(bare.p50_ms, ' ms')}; p99 ${fmt(bare.p99_ms, ' ms')}${bare.errors ? `; ${bare.errors} errors` : ''}`,
    `${dialect} ratio product/bare (median commands/s): ${ratio} (goal ≥ 0.5)`,
  );
  if (STREAMS > 0 && PROBES > 0) {
    lines.push(`${dialect} live, ${STREAMS} SSE clients, command → event at all: product p50 ${fmt(product.live_p50_ms, ' ms')}, p99 ${fmt(product.live_p99_ms, ' ms')}; bare p50 ${fmt(bare.live_p50_ms, ' ms')}, p99 ${fmt(bare.live_p99_ms, ' ms')}`);
  }
}
report('server', { clients: CLIENTS, seconds: SECONDS, rounds: ROUNDS, sse_clients: STREAMS, probes: PROBES, results }, lines);
process.exit(0);

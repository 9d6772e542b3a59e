/**
 * Live delivery: command → event at all of N SSE clients, product against the bare stack.
 *
 * For each N in LIVE_CLIENTS (default 100 and 1,000) and each of ROUNDS interleaved rounds
 * (product, bare, product, bare, …, a fresh SQLite database each): N signed-in clients hold
 * `/api/events/stream` open (raw sockets spread over WORKERS worker threads, so the client
 * side is not the bottleneck); PROBES note commands, GAP_MS apart, each timed from sending
 * the command until its event has arrived at every one of the N clients. Also the server
 * process's CPU time (utime + stime from /proc/<pid>/stat) over the probes, per event.
 *
 * The bare server (bench/bare/server.ts) inserts a row (committed, same durability) and writes
 * one JSON line to every open stream. Prints p50/p99 min / median / max over rounds, CPU per
 * event, and the ratios product / bare. `npm run bench:live` (runs the built server).
 */
import { Worker } from 'node:worker_threads';
import { execSync } from 'node:child_process';
import {
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
  cpuMs,
  type ServerProcess,
} from './support.js';

const SIZES = (process.env.LIVE_CLIENTS ?? '100,1000').split(',').map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PROBES = Number(process.env.PROBES ?? 100);
const GAP_MS = Number(process.env.GAP_MS ?? 50);
const WORKERS = Number(process.env.WORKERS ?? 2);
const DIALECT = (process.env.LIVE_DB ?? 'sqlite') as 'sqlite' | 'postgres';

const openFiles = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());
const largest = Math.max(...SIZES);
if (openFiles < largest + 200) {
  throw new Error(`ulimit -n is ${openFiles}: ${largest} SSE clients need at least ${largest + 200} open files in this process (raise it: ulimit -n 65536)`);
}

/**
 * A worker's code (plain JavaScript, so no loader is needed in the thread): opens its share
 * of streams over raw sockets and reports, per probe, when the last of its sockets saw it.
 * Times are wall-clock ms (timeOrigin + now), comparable across threads.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { host, port, cookie, count } = workerData;
const now = () => performance.timeOrigin + performance.now();
const seen = new Map(); // probe -> [count, last arrival]
let connected = 0;
const sockets = [];
for (let i = 0; i < count; i++) {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  let tail = '';
  let last = -1;
  let headers = false;
  socket.on('connect', () => socket.write('GET /api/events/stream HTTP/1.1\\r\\nHost: ' + host + ':' + port + '\\r\\nAccept: text/event-stream\\r\\nCookie: ' + cookie + '\\r\\n\\r\\n'));
  socket.on('data', (chunk) => {
    const t = now();
    const text = tail + chunk.toString('latin1');
    if (!headers) {
      if (!/^HTTP\\/1\\.1 200/.test(text)) { parentPort.postMessage({ error: 'stream: ' + text.slice(0, 200) }); return; }
      headers = true;
      if (++connected === count) parentPort.postMessage({ connected });
    }
    const re = /probe-(\\d+)-x/g;
    let m;
    while ((m = re.exec(text))) {
      const p = Number(m[1]);
      if (p <= last) continue;
      last = p;
      const s = seen.get(p) || [0, 0];
      s[0]++;
      s[1] = Math.max(s[1], t);
      seen.set(p, s);
      if (s[0] === count) { parentPort.postMessage({ probe: p, at: s[1] }); seen.delete(p); }
    }
    tail = text.slice(-32);
  });
  socket.on('error', (err) => parentPort.postMessage({ error: String(err) }));
  sockets.push(socket);
}
parentPort.on('message', (m) => { if (m === 'close') { for (const s of sockets) s.destroy(); parentPort.close(); } });
`;

interface Clients {
  /** Resolves with the wall-clock time the probe reached the last client. */
  arrival(probe: number): Promise<number>;
  close(): Promise<void>;
}

async function openClients(base: string, cookie: string, n: number): Promise<Clients> {
  const { hostname, port } = new URL(base);
  const waiting = new Map<number, { left: number; at: number; resolve: (t: number) => void }>();
  const early = new Map<number, number[]>();
  const workers: Worker[] = [];
  const shares = Array.from({ length: WORKERS }, (_, i) => Math.floor(n / WORKERS) + (i < n % WORKERS ? 1 : 0)).filter((c) => c > 0);
  await Promise.all(
    shares.map(
      (count) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(WORKER, { eval: true, workerData: { host: hostname, port: Number(port), cookie, count } });
          workers.push(w);
          w.on('error', reject);
          w.on('message', (m: { error?: string; connected?: number; probe?: number; at?: number }) => {
            if (m.error) return reject(new Error(m.error));
            if (m.connected) return resolve();
            if (m.probe !== undefined) {
              const entry = waiting.get(m.probe);
              if (!entry) return void (early.get(m.probe) ?? early.set(m.probe, []).get(m.probe)!).push(m.at!);
              entry.left--;
              entry.at = Math.max(entry.at, m.at!);
              if (entry.left === 0) {
                waiting.delete(m.probe);
                entry.resolve(entry.at);
              }
            }
          });
        }),
    ),
  );
  return {
    arrival(probe) {
      return new Promise((resolve) => {
        const got = early.get(probe) ?? [];
        early.delete(probe);
        const entry = { left: shares.length - got.length, at: Math.max(0, ...got), resolve };
        if (entry.left === 0) return resolve(entry.at);
        waiting.set(probe, entry);
      });
    },
    async close() {
      for (const w of workers) w.postMessage('close');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

const wall = () => performance.timeOrigin + performance.now();

async function measure(start: (db: string) => Promise<ServerProcess>, n: number, label: string) {
  const db = await freshDatabase(DIALECT);
  let server: ServerProcess | null = null;
  let clients: Clients | null = null;
  try {
    server = await start(db.url);
    const s = await login(server.url, 'petition-bureau.staff');
    const { id } = await post<{ id: string }>(server.url, s, '/api/incidents', { venue: 'venue-1', headcount: 3, units: ['dept-housing'], matter: 'bench live' });
    clients = await openClients(server.url, s.cookie, n);
    await sleep(500);
    // Probe numbers only grow (each socket ignores numbers it has seen); the first WARM are not counted.
    const WARM = 5;
    for (let p = 0; p < WARM; p++) {
      const arrived = clients.arrival(p);
      await request(server.url, 'POST', `/api/incidents/${id}/commands`, s, { do: 'note', text: `probe-${p}-x` });
      await Promise.race([arrived, sleep(10_000)]);
    }
    const delays: number[] = [];
    let missed = 0;
    const cpu0 = cpuMs(server.pid);
    const t0 = performance.now();
    for (let p = WARM; p < WARM + PROBES; p++) {
      const arrived = clients.arrival(p);
      const sent = wall();
      const r = await request(server.url, 'POST', `/api/incidents/${id}/commands`, s, { do: 'note', text: `probe-${p}-x` });
      if (r.status !== 200) throw new Error(`command: ${r.status} ${r.body.slice(0, 300)}`);
      const at = await Promise.race([arrived, sleep(10_000).then(() => null)]);
      if (at === null) missed++;
      else delays.push(at - sent);
      await sleep(GAP_MS);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuMs(server.pid) - cpu0;
    const result = { clients: n, ...latencies(delays), missed, cpu_ms_per_event: round2(cpu / PROBES), server_cpu_share: round2(cpu / 1000 / seconds) };
    log(`  ${label} ${n} clients: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${result.cpu_ms_per_event} ms CPU per event${missed ? `, ${missed} probes missed` : ''}`);
    return result;
  } finally {
    await clients?.close();
    await server?.stop();
    await db.drop();
  }
}

const results = [];
const lines = [`${PROBES} probes ${GAP_MS} ms apart per run, ${ROUNDS} interleaved rounds, ${DIALECT}, client sockets over ${WORKERS} worker threads; min / median / max over rounds`];
for (const n of SIZES) {
  const rounds = await interleaved(ROUNDS, {
    product: () => measure((db) => startServer(['--demo', '--db', db]), n, 'product'),
    bare: () => measure((db) => startBare(db), n, 'bare'),
  });
  const sum = (runs: Awaited<ReturnType<typeof measure>>[]) => ({
    p50_ms: spread(runs.map((r) => r.p50_ms)),
    p99_ms: spread(runs.map((r) => r.p99_ms)),
    cpu_ms_per_event: spread(runs.map((r) => r.cpu_ms_per_event)),
    missed: runs.reduce((a, r) => a + r.missed, 0),
  });
  const product = sum(rounds.product!);
  const bare = sum(rounds.bare!);
  const ratio = { p99: round2(product.p99_ms.median / bare.p99_ms.median), cpu_per_event: round2(product.cpu_ms_per_event.median / bare.cpu_ms_per_event.median) };
  results.push({ clients: n, product, bare, ratio_product_to_bare: ratio, rounds });
  lines.push(
    `${n} SSE clients, command → event at all:`,
    `  product p50 ${fmt(product.p50_ms, ' ms')}; p99 ${fmt(product.p99_ms, ' ms')}; CPU per event ${fmt(product.cpu_ms_per_event, ' ms')}${product.missed ? `; ${product.missed} probes missed` : ''}`,
    `  bare    p50 ${fmt(bare.p50_ms, ' ms')}; p99 ${fmt(bare.p99_ms, ' ms')}; CPU per event ${fmt(bare.cpu_ms_per_event, ' ms')}${bare.missed ? `; ${bare.missed} probes missed` : ''}`,
    `  ratio product/bare (medians): p99 ${ratio.p99}, CPU per event ${ratio.cpu_per_event}${n === 1000 ? ' (goal: p99 ≤ 50 ms)' : ''}`,
  );
}
report('live', { sizes: SIZES, rounds: ROUNDS, probes: PROBES, gap_ms: GAP_MS, database: DIALECT, workers: WORKERS, results }, lines);
process.exit(0);

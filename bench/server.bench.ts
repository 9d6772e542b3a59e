/**
 * Server throughput and latency through the HTTP API, from a separate process.
 *
 * 1. Load: CLIENTS concurrent clients, each with its own incident, issue commands (notes and
 *    head counts) back to back for SECONDS; prints commands/s and p50/p99 latency.
 * 2. Live: 100 SSE clients connected; a probe command every 50 ms; prints the delay from
 *    sending the command to its event arriving at all 100 clients (p50/p99).
 *
 * Runs on SQLite, and on PostgreSQL too when YINGJI_BENCH_PG (or YINGJI_TEST_PG) is set.
 * `npm run bench:server`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const CLIENTS = Number(process.env.CLIENTS ?? 32);
const SECONDS = Number(process.env.SECONDS ?? 10);
const STREAMS = Number(process.env.STREAMS ?? 100);
const PROBES = Number(process.env.PROBES ?? 100);
const PASSWORD = 'bench-password-123';
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });

interface Session {
  cookie: string;
  csrf: string;
}

function request(base: string, method: string, path: string, session: Session | null, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(`${base}${path}`, {
      method,
      agent,
      headers: {
        ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, ...{ headers: res.headers } }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function login(base: string, username: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ username, password: PASSWORD });
    const req = http.request(`${base}/api/login`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`login: ${res.statusCode} ${data}`));
        const cookie = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
        resolve({ cookie, csrf: (JSON.parse(data) as { csrf_token: string }).csrf_token });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number) => Math.round(n * 100) / 100;

async function startServer(db: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/yingji.js', 'serve', '--demo', '--port', '0', '--db', db], {
    env: { ...process.env, YINGJI_DEMO_PASSWORD: PASSWORD, YINGJI_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function load(base: string) {
  const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => login(base, 'petition-bureau.staff')));
  const incidents: string[] = [];
  for (const s of sessions) {
    const r = await request(base, 'POST', '/api/incidents', s, { venue: 'residence', headcount: 3, units: ['town-tanggou'], matter: 'bench' });
    incidents.push((JSON.parse(r.body) as { id: string }).id);
  }
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    sessions.map(async (s, i) => {
      let n = 0;
      while (performance.now() < until) {
        const command = n % 4 === 3 ? { do: 'headcount', value: 3 + (n % 5) } : { do: 'note', text: `update ${n}` };
        const t0 = performance.now();
        const r = await request(base, 'POST', `/api/incidents/${incidents[i]}/commands`, s, command);
        latencies.push(performance.now() - t0);
        if (r.status !== 200) errors++;
        n++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    clients: CLIENTS,
    seconds: SECONDS,
    commands: latencies.length,
    errors,
    commands_per_second: Math.round(latencies.length / SECONDS),
    p50_ms: round(pct(latencies, 50)),
    p99_ms: round(pct(latencies, 99)),
  };
}

async function live(base: string) {
  const s = await login(base, 'petition-bureau.staff');
  const created = await request(base, 'POST', '/api/incidents', s, { venue: 'venue-1', headcount: 3, units: ['dept-housing'], matter: 'bench live' });
  const id = (JSON.parse(created.body) as { id: string }).id;
  const arrivals = new Map<string, number[]>();
  const streams: http.ClientRequest[] = [];
  await Promise.all(
    Array.from({ length: STREAMS }, () =>
      new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/api/events/stream`, { headers: { cookie: s.cookie } }, (res) => {
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
  await new Promise((r) => setTimeout(r, 300));
  const delays: number[] = [];
  for (let p = 0; p < PROBES; p++) {
    const text = `probe ${p}`;
    const t0 = performance.now();
    await request(base, 'POST', `/api/incidents/${id}/commands`, s, { do: 'note', text });
    const deadline = performance.now() + 5000;
    while ((arrivals.get(text)?.length ?? 0) < STREAMS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const got = arrivals.get(text) ?? [];
    if (got.length === STREAMS) delays.push(Math.max(...got) - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const r of streams) r.destroy();
  delays.sort((a, b) => a - b);
  return { sse_clients: STREAMS, probes: PROBES, delivered_to_all: delays.length, p50_ms: round(pct(delays, 50)), p99_ms: round(pct(delays, 99)) };
}

async function bench(label: string, db: string) {
  const server = await startServer(db);
  try {
    process.stderr.write(`${label}: load with ${CLIENTS} clients for ${SECONDS}s…\n`);
    const l = await load(server.url);
    process.stderr.write(`${label}: ${STREAMS} SSE clients, ${PROBES} probes…\n`);
    const v = await live(server.url);
    return { database: label, load: l, live: v };
  } finally {
    await server.stop();
  }
}

const results = [];
results.push(await bench('sqlite', `sqlite:${join(mkdtempSync(join(tmpdir(), 'yingji-bench-')), 'bench.db')}`));
const pgUrl = process.env.YINGJI_BENCH_PG ?? process.env.YINGJI_TEST_PG;
if (pgUrl) {
  const name = `yingji_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  try {
    results.push(await bench('postgres', url.toString()));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
agent.destroy();
console.log(JSON.stringify({ node: process.version, results }, null, 2));

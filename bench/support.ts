/**
 * What every benchmark shares: the machine it ran on, starting the built server (or a bare
 * baseline server) as its own process, fresh databases, signing in, HTTP requests over a
 * keep-alive agent, percentiles, interleaved rounds, the server's CPU time, and the JSON
 * written to artifacts/bench-<name>.json.
 *
 * Benchmarks are not tests: nothing under test/ depends on them or on the machine's speed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PASSWORD = process.env.YINGJI_DEMO_PASSWORD ?? 'bench-password-123';
export const ARTIFACTS = join(process.cwd(), 'artifacts');

// ---------------------------------------------------------------------------------------
// The machine

export interface Machine {
  cpus: number;
  model: string;
  node: string;
  /** 1-, 5- and 15-minute load averages when the bench started. */
  load_average_at_start: number[];
}

const LOAD_AT_START = loadavg().map((l) => Number(l.toFixed(2)));

export function machine(): Machine {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model.trim() ?? 'unknown CPU',
    node: process.version,
    load_average_at_start: LOAD_AT_START,
  };
}

export function describeMachine(m: Machine = machine()): string {
  return `${m.cpus}× ${m.model}, Node ${m.node}, load average at start ${m.load_average_at_start.join(' / ')} (now ${loadavg()[0]!.toFixed(2)})`;
}

/** Prints the figures' summary lines and writes the whole result to artifacts/bench-<name>.json. */
export function report(name: string, result: Record<string, unknown>, lines: string[]): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `bench-${name}.json`);
  const full = { bench: name, at: new Date().toISOString(), machine: machine(), load_average_at_end: loadavg().map((l) => Number(l.toFixed(2))), ...result };
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  console.log(`\n== ${name} — ${describeMachine()}`);
  for (const l of lines) console.log(l);
  console.log(`(all figures: ${file})`);
  return file;
}

export const log = (msg: string) => process.stderr.write(`${msg}\n`);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// Statistics

/** The p-th percentile of values sorted ascending (nearest rank). */
export const pct = (sorted: readonly number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
export const round2 = (n: number) => Math.round(n * 100) / 100;

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { min: round2(s[0] ?? NaN), median: round2(pct(s, 50)), max: round2(s.at(-1) ?? NaN) };
}

/** p50/p99/max of a list of latencies in ms. */
export function latencies(values: readonly number[]): { n: number; p50_ms: number; p99_ms: number; max_ms: number } {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50_ms: round2(pct(s, 50)), p99_ms: round2(pct(s, 99)), max_ms: round2(s.at(-1) ?? NaN) };
}

export const fmt = (s: Spread, unit = '') => `${s.min.toLocaleString('en')} / ${s.median.toLocaleString('en')} / ${s.max.toLocaleString('en')}${unit}`;

/**
 * Interleaved rounds: a, b, a, b, … `rounds` times each, so drift in what else the machine
 * does falls on both alike. Returns each variant's results in round order.
 */
export async function interleaved<T>(rounds: number, variants: Record<string, (round: number) => Promise<T>>): Promise<Record<string, T[]>> {
  const out: Record<string, T[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(variants)) {
      log(`round ${r + 1}/${rounds}: ${name}`);
      out[name]!.push(await run(r));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Processes

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** From spawn to the "running on" line, ms. */
  startMs: number;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** Spawns a process and waits for its "running on http://…" line. */
export async function startProcess(command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<ServerProcess> {
  const t0 = performance.now();
  const child = spawn(command, args, {
    env: { ...process.env, YINGJI_DEMO_PASSWORD: PASSWORD, YINGJI_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: a busy 2-core machine may take many seconds to start Node, migrate and seed.
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`));
    });
  });
  const startMs = performance.now() - t0;
  return {
    child,
    pid: child.pid!,
    url,
    startMs,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * The built product (`dist/`, run `npm run build` first): `yingji serve --port 0 …`. With
 * BENCH_PROFILE=dir each product server writes a CPU profile there when it stops.
 */
export function startServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return startProcess(process.execPath, [...profile, 'bin/yingji.js', 'serve', '--port', '0', ...args], env);
}

/** The bare-stack baseline (bench/bare/server.ts) on the given database URL. */
export function startBare(db: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  return startProcess(process.execPath, ['--import', 'tsx', 'bench/bare/server.ts', '--db', db], env);
}

/** CPU time (user + system) a process has used so far, ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

// ---------------------------------------------------------------------------------------
// Databases

export type Dialect = 'sqlite' | 'postgres';
export const PG_URL = process.env.YINGJI_BENCH_PG ?? process.env.YINGJI_TEST_PG;
/** SQLite always; PostgreSQL too when YINGJI_BENCH_PG (or YINGJI_TEST_PG) holds an admin URL. */
export const DIALECTS: Dialect[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** A URL to a brand-new empty database, and a function that drops it. */
export async function freshDatabase(dialect: Dialect): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    return { url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'yingji-bench-')), 'bench.db')}`, drop: async () => {} };
  }
  if (!PG_URL) throw new Error('PostgreSQL benches need YINGJI_BENCH_PG or YINGJI_TEST_PG');
  const name = `yingji_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// ---------------------------------------------------------------------------------------
// HTTP

export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Session {
  cookie: string;
  csrf: string;
}

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request over the shared keep-alive agent; JSON body when given. */
export function request(base: string, method: string, path: string, session: Session | null, body?: unknown): Promise<Answer> {
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
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST that must succeed; the parsed JSON answer. */
export async function post<T = any>(base: string, session: Session, path: string, body: unknown): Promise<T> {
  const r = await request(base, 'POST', path, session, body);
  if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${r.body.slice(0, 500)}`);
  return JSON.parse(r.body) as T;
}

/** Signs in (a demo account, PASSWORD unless given) and keeps the cookies and CSRF token. */
export async function login(base: string, username: string, password = PASSWORD): Promise<Session> {
  const r = await request(base, 'POST', '/api/login', null, { username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
  const cookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: (JSON.parse(r.body) as { csrf_token: string }).csrf_token };
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

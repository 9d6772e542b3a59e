import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_PLAN_FILE } from '../../src/plan/plan.loader.js';

export const PASSWORD = 'process-test-password';

/**
 * A copy of the shipped plan with deadlines in seconds, so tests can let real deadlines pass:
 * guidance window 2 s, townships 4 s, everyone else 3 s.
 */
export function fastPlan(): string {
  const dir = mkdtempSync(join(tmpdir(), 'yingji-fastplan-'));
  const text = readFileSync(DEFAULT_PLAN_FILE, 'utf8')
    .replace('window: 10m', 'window: 2s')
    .replace('township: 1h', 'township: 4s')
    .replace('county-department: 15m', 'county-department: 3s')
    .replace('default: 15m', 'default: 3s')
    .replace('police: { limit: 15m', 'police: { limit: 3s')
    .replace('update_interval: 15m', 'update_interval: 1h')
    .replace('version: "2017.1"', 'version: "2017.1-fast"');
  writeFileSync(join(dir, 'plan.yaml'), text);
  writeFileSync(join(dir, 'demo-organization.yaml'), readFileSync(join(dirname(DEFAULT_PLAN_FILE), 'demo-organization.yaml')));
  return join(dir, 'plan.yaml');
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `yingji serve` as a real process and waits until it listens. */
export async function startServerProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/yingji.js', 'serve', '--port', '0', ...args], {
    env: { ...process.env, YINGJI_DEMO_PASSWORD: PASSWORD, YINGJI_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: a busy 2-core machine may take many seconds to start Node, migrate and seed.
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const check = () => {
      const m = /running on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, url, output: () => out, exited };
}

/** A minimal signed-in HTTP client over fetch. */
export class HttpClient {
  private cookie = '';
  private csrf = '';
  constructor(readonly base: string) {}

  static async login(base: string, username: string, password = PASSWORD): Promise<HttpClient> {
    const c = new HttpClient(base);
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    c.cookie = res.headers.getSetCookie().map((x) => x.split(';')[0]).join('; ');
    c.csrf = ((await res.json()) as { csrf_token: string }).csrf_token;
    return c;
  }

  get cookieHeader(): string {
    return this.cookie;
  }

  async get<T = any>(path: string): Promise<T> {
    const res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }
}

export interface SseEvent {
  id: number;
  data: any;
}

/**
 * Reads a Server-Sent Events stream over a real HTTP connection. `close()` drops the
 * connection abruptly, like a phone losing its network.
 */
export function openStream(base: string, cookie: string, lastEventId?: number) {
  const events: SseEvent[] = [];
  let buffer = '';
  let heartbeats = 0;
  const req = http.get(`${base}/api/events/stream`, {
    headers: { cookie, accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) },
  });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream: ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (block.startsWith(':')) heartbeats++;
          const id = /^id: (\d+)$/m.exec(block);
          const data = /^data: (.*)$/m.exec(block);
          if (id && data) events.push({ id: Number(id[1]), data: JSON.parse(data[1]!) });
        }
      });
      resolve();
    });
    req.on('error', () => {});
  });
  return {
    events,
    ready,
    heartbeats: () => heartbeats,
    close: () => req.destroy(),
    async waitFor(pred: (e: SseEvent[]) => boolean, ms = 30_000): Promise<void> {
      const until = Date.now() + ms;
      while (!pred(events)) {
        if (Date.now() > until) throw new Error(`timed out; got ${events.length} events`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

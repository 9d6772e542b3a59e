import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from './support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from './support/process.js';

/*
 * What `yingji serve` prints: start-up, a plain warning when links in messages would point at
 * an address phones cannot open, and no line per request unless asked for.
 */

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }
});

/** Starts the server at the default log level (info), as `npm start` does. */
async function start(args: string[] = [], env: Record<string, string> = {}) {
  const db = await freshDatabase('sqlite');
  const s = await startServerProcess(['--demo', '--db', db.url, ...args], { YINGJI_LOG_LEVEL: 'info', ...env });
  running.push(s);
  return s;
}

/** A few ordinary requests, then a graceful stop: everything printed is in `output()` once it exits. */
async function browseAndStop(s: ServerProcess): Promise<string> {
  const staff = await HttpClient.login(s.url, 'petition-bureau.staff');
  await staff.get('/api/incidents');
  await staff.get('/api/plan');
  await fetch(`${s.url}/healthz`);
  await fetch(`${s.url}/`);
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  return s.output();
}

describe('the console of yingji serve', { timeout: 180_000 }, () => {
  it('warns plainly when links in messages point at a loopback address, and says how to fix it', async () => {
    const s = await start();
    const out = s.output();
    expect(out).toMatch(/WARNING: links in messages will not open on phones/);
    expect(out).toContain('YINGJI_PUBLIC_URL');
    expect(out).toContain('--host 0.0.0.0');
  });

  it('does not warn when YINGJI_PUBLIC_URL names the address phones open', async () => {
    const s = await start([], { YINGJI_PUBLIC_URL: 'https://yingji.example.gov.cn' });
    expect(s.output()).not.toContain('WARNING: links');
  });

  it('listening on every interface, points links at the machine’s network address', async () => {
    const s = await start(['--host', '0.0.0.0']);
    const lan = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (lan) {
      expect(s.output()).toContain(`links in messages: http://${lan.address}:`);
      expect(s.output()).not.toContain('WARNING: links');
    } else {
      expect(s.output()).toContain('WARNING: links in messages will not open on phones');
    }
  });

  it('prints start-up but no line per request by default', async () => {
    const out = await browseAndStop(await start());
    expect(out).toContain('Server listening at');
    expect(out).toContain('is running on');
    expect(out).toContain('shutting down');
    expect(out).not.toContain('incoming request');
    expect(out).not.toContain('request completed');
    expect(out).not.toContain('/api/incidents');
  });

  it('prints a line per request with YINGJI_LOG_REQUESTS=1', async () => {
    const out = await browseAndStop(await start([], { YINGJI_LOG_REQUESTS: '1' }));
    expect(out).toContain('incoming request');
    expect(out).toContain('request completed');
    expect(out).toContain('/api/incidents');
  });
});

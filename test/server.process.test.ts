import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from './support/databases.js';
import { fastPlan, HttpClient, openStream, sleep, startServerProcess, type ServerProcess } from './support/process.js';

/*
 * The server as a real process: durable timers across a crash, graceful shutdown, the live
 * stream over real HTTP, concurrent clients, and configuration errors.
 */

const running: ServerProcess[] = [];
const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }
  for (const d of drops.splice(0)) await d();
});

async function start(args: string[], env: Record<string, string> = {}) {
  const s = await startServerProcess(args, env);
  running.push(s);
  return s;
}

async function database(dialect: 'sqlite' | 'postgres') {
  const db = await freshDatabase(dialect);
  drops.push(db.drop);
  return db.url;
}

const report = (units: string[]) => ({ venue: 'residence', headcount: 6, units, matter: '拖欠工资' });

for (const dialect of DIALECTS) {
  // Generous: each test starts one or two server processes, slow on a busy machine.
  describe(`yingji serve on ${dialect}`, { timeout: 180_000 }, () => {
    it('fires deadlines that passed during a crash once, at their original time', async () => {
      const db = await database(dialect);
      const plan = fastPlan();
      const first = await start(['--demo', '--db', db, '--plan', plan]);
      const staff = await HttpClient.login(first.url, 'petition-bureau.staff');
      const ids: string[] = [];
      for (const units of [['town-tanggou'], ['dept-housing', 'town-fushan']]) {
        const created = await staff.post('/api/incidents', report(units));
        expect(created.status).toBe(201);
        ids.push(created.body.id);
        const guided = await staff.post(`/api/incidents/${created.body.id}/commands`, { do: 'guide', result: 'failed' });
        expect(guided.status).toBe(200);
      }
      first.child.kill('SIGKILL');
      await first.exited;
      await sleep(5_000); // every deadline (3 s and 4 s) passes while the server is down

      const second = await start(['--demo', '--db', db, '--plan', plan]);
      const reader = await HttpClient.login(second.url, 'working-group.leader');
      let incidents: any[] = [];
      for (let i = 0; i < 600; i++) {
        incidents = await Promise.all(ids.map((id) => reader.get(`/api/incidents/${id}`)));
        if (incidents.every((x) => x.summons.every((s: any) => s.status === 'missed'))) break;
        await sleep(100);
      }
      const events = await reader.get<any[]>('/api/events?after=0');
      const missed = events.filter((e) => e.type === 'deadline_missed');
      expect(missed.map((e) => e.role).sort()).toEqual(['dept-housing/principal', 'town-fushan/principal', 'town-tanggou/principal']);
      for (const incident of incidents) {
        for (const s of incident.summons) {
          expect(s.status).toBe('missed');
          const fired = missed.filter((e) => e.incident === incident.id && e.role === s.role);
          expect(fired).toHaveLength(1);
          expect(Date.parse(fired[0].at)).toBe(Date.parse(s.deadline));
          expect(incident.alerts).toContainEqual({ at: s.deadline, kind: 'deadline_missed', role: s.role });
        }
      }
      // A while later nothing has fired twice.
      await sleep(1_500);
      const again = (await reader.get<any[]>('/api/events?after=0')).filter((e) => e.type === 'deadline_missed');
      expect(again).toHaveLength(3);
    });

    it('takes 50 parallel commands from 50 clients on one incident, each exactly once', async () => {
      const db = await database(dialect);
      const server = await start(['--demo', '--db', db]);
      const clients = await Promise.all(Array.from({ length: 50 }, () => HttpClient.login(server.url, 'petition-bureau.staff')));
      const created = await clients[0]!.post('/api/incidents', report(['town-tanggou']));
      const id = created.body.id as string;
      const answers = await Promise.all(clients.map((c, i) => c.post(`/api/incidents/${id}/commands`, { do: 'note', text: `client ${i}` })));
      expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
      const events = (await clients[0]!.get<any[]>('/api/events?after=0')).filter((e) => e.incident === id);
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      const notes = events.filter((e) => e.type === 'note_posted').map((e) => e.text).sort();
      expect(notes).toEqual(Array.from({ length: 50 }, (_, i) => `client ${i}`).sort());
      const incident = await clients[0]!.get(`/api/incidents/${id}`);
      expect(incident.incident.version).toBe(51);
    });
  });
}

describe('yingji serve', { timeout: 180_000 }, () => {
  it('streams live events; a client that reconnects with Last-Event-ID gets every event after it once, in order', async () => {
    const server = await start(['--demo', '--db', await database('sqlite')], { YINGJI_SSE_HEARTBEAT_MS: '200' });
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    const first = openStream(server.url, staff.cookieHeader);
    await first.ready;
    const created = await staff.post('/api/incidents', report(['town-tanggou']));
    const id = created.body.id as string;
    await first.waitFor((e) => e.length >= 1);
    expect(first.events[0]!.data).toMatchObject({ type: 'incident_reported', incident: id });
    await first.waitFor(() => first.heartbeats() >= 1);

    // The connection drops; events keep happening.
    const last = first.events.at(-1)!.id;
    first.close();
    for (let i = 0; i < 5; i++) await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: `while away ${i}` });
    const second = openStream(server.url, staff.cookieHeader, last);
    await second.ready;
    for (let i = 5; i < 8; i++) await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: `after ${i}` });
    await second.waitFor((e) => e.length >= 8);
    await sleep(300);
    const ids = second.events.map((e) => e.id);
    expect(ids).toEqual(Array.from({ length: 8 }, (_, i) => last + 1 + i));
    expect(second.events.map((e) => e.data.text)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i < 5 ? `while away ${i}` : `after ${i}`)));
    second.close();
  });

  it('shuts down gracefully on SIGTERM and starts again on the same database', async () => {
    const db = await database('sqlite');
    const server = await start(['--demo', '--db', db]);
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    const stream = openStream(server.url, staff.cookieHeader);
    await stream.ready;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const again = await start(['--demo', '--db', db]);
    const health = await fetch(`${again.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
  });

  it('keeps the version an administrator activated across a restart', async () => {
    const db = await database('sqlite');
    const first = await start(['--demo', '--db', db]);
    const admin = await HttpClient.login(first.url, 'admin');
    const source = readFileSync('plans/inspection-visit-petition-plan.yaml', 'utf8').replace('version: "2017.1"', 'version: "2017.9"');
    const stored = await admin.post('/api/plans', { source, name: 'plan.yaml' });
    expect(stored.status).toBe(201);
    expect((await admin.post(`/api/plans/${stored.body.id}/activate`, {})).status).toBe(200);
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await start(['--demo', '--db', db]);
    const reader = await HttpClient.login(second.url, 'admin');
    expect((await reader.get('/api/plan')).version).toBe('2017.9');
  });

  it('prints every configuration problem at once and exits non-zero', () => {
    const r = spawnSync(process.execPath, ['bin/yingji.js', 'serve', '--port', 'eighty', '--db', 'ftp://nowhere'], {
      encoding: 'utf8',
      env: { ...process.env, YINGJI_DEMO_PASSWORD: 'short', YINGJI_LOG_LEVEL: 'loud' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid configuration');
    for (const field of ['port:', 'db:', 'demoPassword:', 'logLevel:']) expect(r.stderr).toContain(field);
  });

  it('without --demo, the first start says how to create the first administrator', async () => {
    const server = await start(['--db', await database('sqlite')]);
    expect(server.output()).toContain('yingji user create --username admin --admin');
  });
});

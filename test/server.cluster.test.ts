import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from './support/databases.js';
import { fastPlan, HttpClient, openStream, sleep, startServerProcess, type ServerProcess } from './support/process.js';

/*
 * Two server processes on one PostgreSQL database: each timer fires exactly once (claimed
 * with FOR UPDATE SKIP LOCKED under the append lock), and live events reach the clients of
 * both processes (LISTEN/NOTIFY). Runs when YINGJI_TEST_PG is set.
 */

const running: ServerProcess[] = [];
let drop: (() => Promise<void>) | null = null;
afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }
  await drop?.();
  drop = null;
});

describe.runIf(Boolean(process.env.YINGJI_TEST_PG))('two processes on one PostgreSQL database', { timeout: 180_000 }, () => {
  it('fire each timer once and stream each other’s events', async () => {
    const db = await freshDatabase('postgres');
    drop = db.drop;
    const plan = fastPlan();
    const a = await startServerProcess(['--demo', '--db', db.url, '--plan', plan]);
    running.push(a);
    const b = await startServerProcess(['--demo', '--db', db.url, '--plan', plan]);
    running.push(b);
    const staffA = await HttpClient.login(a.url, 'petition-bureau.staff');
    const staffB = await HttpClient.login(b.url, 'petition-bureau.staff');

    const streamB = openStream(b.url, staffB.cookieHeader);
    const streamA = openStream(a.url, staffA.cookieHeader);
    await Promise.all([streamA.ready, streamB.ready]);

    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const client = i % 2 ? staffB : staffA;
      const created = await client.post('/api/incidents', { venue: 'venue-1', headcount: 4, units: ['dept-housing', 'town-hengbu'], matter: `事项 ${i}` });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
      await client.post(`/api/incidents/${created.body.id}/commands`, { do: 'guide', result: 'failed' });
    }
    // A command on A reaches B's client, and B's on A's, without reloads.
    await streamB.waitFor((e) => ids.every((id) => e.some((x) => x.data.incident === id && x.data.type === 'incident_reported')));
    await streamA.waitFor((e) => ids.every((id) => e.some((x) => x.data.incident === id && x.data.type === 'summons_issued')));

    // Deadlines (3 s and 4 s) pass with both schedulers running: wait until all twelve have fired,
    // then a while longer, so that one firing twice would show.
    const missedNow = async () => (await staffA.get<any[]>('/api/events?after=0&limit=5000')).filter((e) => e.type === 'deadline_missed');
    for (let i = 0; i < 600 && (await missedNow()).length < 12; i++) await sleep(100);
    await sleep(1_500);
    const events = await staffA.get<any[]>('/api/events?after=0&limit=5000');
    const missed = events.filter((e) => e.type === 'deadline_missed');
    expect(missed).toHaveLength(12);
    const keys = missed.map((e) => `${e.incident} ${e.role}`);
    expect(new Set(keys).size).toBe(12);
    // Both streams saw the same events in the same order, none twice.
    await streamA.waitFor((e) => e.length >= events.length);
    await streamB.waitFor((e) => e.length >= events.length);
    expect(streamA.events.map((e) => e.id)).toEqual(events.map((e) => e.seq));
    expect(streamB.events.map((e) => e.id)).toEqual(events.map((e) => e.seq));
    streamA.close();
    streamB.close();
  });
});

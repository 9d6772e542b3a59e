import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../store/audit.js';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/*
 * Commands sent from a phone's queue (issue 14 §3): an `Idempotency-Key` makes a repeat answer
 * the first outcome without appending anything, under races too; `X-Made-At` is recorded
 * beside the arrival, in the hash chain, and never judges a deadline.
 */

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const STAFF = 'petition-bureau.staff';

for (const dialect of DIALECTS) {
  describe(`commands with Idempotency-Key and X-Made-At on ${dialect}`, () => {
    let t: TestApp;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      staff = await Client.as(t.app, STAFF);
    });
    afterEach(async () => {
      await t.close();
    });

    const events = async (id: string) => {
      const res = await staff.get(`/api/incidents/${id}/events`);
      expect(res.statusCode).toBe(200);
      return res.json() as any[];
    };
    const allEvents = async () => (await staff.get('/api/events?after=0&limit=5000')).json() as any[];
    const keyed = (key: string, madeAt?: string) => ({ 'idempotency-key': key, ...(madeAt ? { 'x-made-at': madeAt } : {}) });

    it('a repeated report with the same key answers the same incident, 201, and records one', async () => {
      const first = await staff.post('/api/incidents', reportBody(), keyed('report-key-0001'));
      expect(first.statusCode, first.body).toBe(201);
      expect(first.headers['idempotent-replay']).toBeUndefined();
      const again = await staff.post('/api/incidents', reportBody(), keyed('report-key-0001'));
      expect(again.statusCode, again.body).toBe(201);
      expect(again.headers['idempotent-replay']).toBe('true');
      expect(again.json().id).toBe(first.json().id);
      const list = (await staff.get('/api/incidents')).json() as any[];
      expect(list).toHaveLength(1);
      expect((await allEvents()).filter((e) => e.type === 'incident_reported')).toHaveLength(1);
    });

    it('a repeated command answers the stream as it stands now and appends nothing', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody())).json();
      const first = await staff.post(`/api/incidents/${id}/commands`, { do: 'headcount', value: 40 }, keyed('headcount-40-a'));
      expect(first.statusCode, first.body).toBe(200);
      const note = await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: '人群情绪平稳' });
      expect(note.statusCode).toBe(200);
      const before = (await events(id)).length;
      const again = await staff.post(`/api/incidents/${id}/commands`, { do: 'headcount', value: 40 }, keyed('headcount-40-a'));
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replay']).toBe('true');
      expect(again.json().incident.version).toBe(note.json().incident.version);
      expect((await events(id)).length).toBe(before);
    });

    it('a rejected command stays rejected once: a repeat answers 409 with the same reason and records no second rejection', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody())).json();
      expect((await staff.post(`/api/incidents/${id}/commands`, { do: 'clear' })).statusCode).toBe(200);
      const first = await staff.post(`/api/incidents/${id}/commands`, { do: 'headcount', value: 9 }, keyed('late-headcount'));
      expect(first.statusCode).toBe(409);
      const reason = first.json().error.reason;
      expect(reason).toEqual(expect.any(String));
      const count = (await events(id)).length;
      for (let i = 0; i < 2; i++) {
        const again = await staff.post(`/api/incidents/${id}/commands`, { do: 'headcount', value: 9 }, keyed('late-headcount'));
        expect(again.statusCode).toBe(409);
        expect(again.headers['idempotent-replay']).toBe('true');
        expect(again.json().error).toMatchObject({ code: 'rejected', reason });
      }
      expect((await events(id)).length).toBe(count);
      expect((await staff.get(`/api/incidents/${id}`)).json().rejected).toHaveLength(first.json().error.incident.rejected.length);
    });

    it('the same key from another user, for another incident or another command is refused with 422 and changes nothing', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody())).json();
      const { id: other } = (await staff.post('/api/incidents', reportBody({ venue: 'residence', headcount: 3 }))).json();
      expect((await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: '第一条' }, keyed('shared-key-1'))).statusCode).toBe(200);
      const count = (await allEvents()).length;
      const leader = await Client.as(t.app, 'county-party.leader');
      for (const [who, url, body] of [
        [leader, `/api/incidents/${id}/commands`, { do: 'note', text: '第一条' }],
        [staff, `/api/incidents/${other}/commands`, { do: 'note', text: '第一条' }],
        [staff, `/api/incidents/${id}/commands`, { do: 'note', text: '第二条' }],
        [staff, '/api/incidents', reportBody()],
      ] as const) {
        const res = await who.post(url, body, keyed('shared-key-1'));
        expect(res.statusCode, `${url} ${res.body}`).toBe(422);
        expect(res.json().error.code).toBe('idempotency_key_reused');
      }
      expect((await allEvents()).length).toBe(count);
    });

    it('malformed headers are refused with 400 and stable codes, nothing recorded', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody())).json();
      const count = (await allEvents()).length;
      for (const key of ['short', 'x'.repeat(65), 'has space in it', 'ключ-ключ-ключ']) {
        const res = await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: 'x' }, { 'idempotency-key': key });
        expect(res.statusCode, key).toBe(400);
        expect(res.json().error.code).toBe('invalid_idempotency_key');
      }
      for (const made of ['yesterday', '2026-03-02T09:00:00', '2026-01-01T09:00:00+08:00', '2026-03-04T09:00:00+08:00', `2026-03-02T09:00:00+08:00${' '.repeat(40)}`]) {
        const res = await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: 'x' }, { 'x-made-at': made });
        expect(res.statusCode, made).toBe(400);
        expect(res.json().error.code).toBe('invalid_made_at');
      }
      expect((await allEvents()).length).toBe(count);
    });

    it('identical requests racing (one batch) apply once; the others replay', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody())).json();
      const before = (await events(id)).length;
      const sent = await Promise.all(Array.from({ length: 6 }, () => staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: '同时发送' }, keyed('racing-note-1'))));
      expect(sent.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
      expect(sent.filter((r) => r.headers['idempotent-replay'] === 'true')).toHaveLength(5);
      expect((await events(id)).filter((e) => e.type === 'note_posted')).toHaveLength(1);
      expect((await events(id)).length).toBe(before + 1);
      const reports = await Promise.all(Array.from({ length: 4 }, () => staff.post('/api/incidents', reportBody({ headcount: 21 }), keyed('racing-report'))));
      expect(new Set(reports.map((r) => r.json().id)).size).toBe(1);
      expect(reports.map((r) => r.statusCode)).toEqual(Array(4).fill(201));
      expect((await staff.get('/api/incidents')).json()).toHaveLength(2);
    });

    it('records when the command was made on the phone beside its arrival, in the hash chain', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody(), keyed('made-report-1', '2026-03-02T08:52:10+08:00'))).json();
      t.clock.now = T0 + 5 * MINUTE;
      const res = await staff.post(`/api/incidents/${id}/commands`, { do: 'headcount', value: 30 }, keyed('made-head-1', '2026-03-02T00:53:00Z'));
      expect(res.statusCode, res.body).toBe(200);
      const evs = await events(id);
      expect(evs.find((e) => e.type === 'incident_reported')).toMatchObject({ at: '2026-03-02T09:00:00+08:00', made_at: '2026-03-02T08:52:10+08:00', recorded_at: '2026-03-02T09:00:00+08:00' });
      expect(evs.find((e) => e.type === 'headcount_updated')).toMatchObject({ at: '2026-03-02T09:05:00+08:00', made_at: '2026-03-02T08:53:00+08:00' });
      // What the clock did, and commands sent without the header, carry none.
      expect((await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: '无时间' })).statusCode).toBe(200);
      const all = await events(id);
      expect(all.filter((e) => e.actor === null || e.type === 'note_posted').every((e) => !('made_at' in e))).toBe(true);
      expect((await verifyChain(t.store.db)).ok).toBe(true);
      // The chain covers it: an edited made_at is caught.
      await t.store.db.updateTable('events').set({ made_at: T0 - 60 * MINUTE }).where('stream_id', '=', id).where('version', '=', 1).execute();
      const audit = await verifyChain(t.store.db);
      expect(audit.ok).toBe(false);
    });

    it('late is late: a check-in made on the phone before the deadline that arrives after it is late', async () => {
      const { id } = (await staff.post('/api/incidents', reportBody())).json();
      t.clock.now = T0 + 4 * MINUTE;
      const guided = (await staff.post(`/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' })).json();
      const summons = guided.summons[0];
      expect(summons).toMatchObject({ role: 'town-tanggou/principal', deadline: '2026-03-02T10:04:00+08:00' });
      // Made on the phone ten minutes before the deadline, sent when the phone found a signal 20 minutes after it.
      t.clock.now = T0 + 84 * MINUTE;
      const principal = await Client.as(t.app, 'town-tanggou.principal');
      const res = await principal.post(`/api/incidents/${id}/commands`, { do: 'arrive', role: 'town-tanggou/principal' }, keyed('arrive-key-1', '2026-03-02T09:54:00+08:00'));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().summons[0]).toMatchObject({ status: 'late', arrived_at: '2026-03-02T10:24:00+08:00' });
      expect(res.json().accountability[0]).toMatchObject({ on_time: 0, late: 1 });
      const arrived = (await events(id)).find((e) => e.type === 'arrival_recorded');
      expect(arrived).toMatchObject({ at: '2026-03-02T10:24:00+08:00', made_at: '2026-03-02T09:54:00+08:00', on_time: false });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/*
 * Approvals keep a history (§5.1, safeguards 2): `GET /api/approvals` lists the major measures
 * awaiting a decision; `?state=decided` lists those decided (approved, declined) and the measures
 * taken without prior approval, each with who asked, on what basis, who decided and when.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const MINUTE = 60_000;

describe('GET /api/approvals: pending, and the history (sqlite)', () => {
  let t: TestApp;
  let staff: Client;
  let police: Client;
  let party: Client;
  let government: Client;
  let id: string;

  beforeAll(async () => {
    t = await testApp('sqlite', T0);
    staff = await Client.as(t.app, 'petition-bureau.staff');
    police = await Client.as(t.app, 'police-bureau.principal');
    party = await Client.as(t.app, 'county-party.leader');
    government = await Client.as(t.app, 'county-government.leader');
    id = (await staff.post('/api/incidents', reportBody({ behaviors: ['banner'] }))).json().id;
    const must = async (c: Client, body: unknown) => {
      const res = await c.post(`/api/incidents/${id}/commands`, body);
      expect(res.statusCode, res.body).toBe(200);
    };
    await must(staff, { do: 'guide', result: 'failed' });
    await must(staff, { do: 'persuade', result: 'failed' });
    await must(police, { do: 'request_measure', id: 'm1', kind: 'take_items', basis: '现场收缴横幅' });
    await must(police, { do: 'request_measure', id: 'm2', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
    await must(police, { do: 'request_measure', id: 'm3', kind: 'transfer', basis: '扰乱秩序' });
    await must(police, { do: 'request_measure', id: 'm4', kind: 'warning', basis: '口头警告' });
    t.clock.now += 5 * MINUTE;
    await must(government, { do: 'approve_measure', id: 'm1', by: 'county-government/leader' });
    t.clock.now += 1 * MINUTE;
    await must(party, { do: 'decline_measure', id: 'm2', by: 'county-party/leader', reason: '先行劝导' });
    t.clock.now += 1 * MINUTE;
    // Taken in an emergency before anyone decided: flagged.
    await must(police, { do: 'take_measure', id: 'm3' });
  }, 60_000);
  afterAll(async () => t?.close());

  it('pending lists only the major measure nobody decided yet, and taken measures stay until decided', async () => {
    const pending = (await party.get('/api/approvals')).json() as { measure: { id: string } }[];
    expect(pending.map((p) => p.measure.id)).toEqual(['m3']);
    expect((await party.get('/api/approvals?state=pending')).json()).toEqual(pending);
  });

  it('decided lists approved, declined and taken-without-approval measures, latest first, with who asked, the basis, who decided and when', async () => {
    const res = await party.get('/api/approvals?state=decided');
    expect(res.statusCode, res.body).toBe(200);
    const history = res.json() as any[];
    expect(history.map((h) => h.measure.id)).toEqual(['m3', 'm2', 'm1']);
    const [m3, m2, m1] = history;
    const asked = { at: '2026-03-02T09:00:00+08:00', actor: { user: 'police-bureau.principal', role: 'police-bureau/principal', on_behalf: false } };
    expect(m1).toMatchObject({
      incident: { id, venue: 'residence' },
      measure: { id: 'm1', kind: 'take_items', basis: '现场收缴横幅', approved_by: 'county-government/leader' },
      requested: asked,
      decision: { result: 'approved', at: '2026-03-02T09:05:00+08:00', by: 'county-government/leader', actor: { user: 'county-government.leader', role: 'county-government/leader' }, after_the_fact: false, reason: null },
      taken: null,
    });
    expect(m2).toMatchObject({
      measure: { id: 'm2', kind: 'removal', basis: '《治安管理处罚法》第二十三条' },
      requested: asked,
      decision: { result: 'declined', at: '2026-03-02T09:06:00+08:00', by: 'county-party/leader', actor: { user: 'county-party.leader' }, reason: '先行劝导' },
      taken: null,
    });
    expect(m3).toMatchObject({
      measure: { id: 'm3', kind: 'transfer', taken_without_approval: true, flagged: true },
      requested: asked,
      decision: null,
      taken: { at: '2026-03-02T09:07:00+08:00', actor: { user: 'police-bureau.principal', role: 'police-bureau/principal' }, flagged: true },
    });
    // A warning is not a major measure: never in the approvals.
    expect(history.some((h) => h.measure.id === 'm4')).toBe(false);
  });

  it('a later approval after the fact keeps the measure in the history, marked so', async () => {
    t.clock.now += 1 * MINUTE;
    expect((await party.post(`/api/incidents/${id}/commands`, { do: 'approve_measure', id: 'm3', by: 'county-party/leader' })).statusCode).toBe(200);
    const history = (await party.get('/api/approvals?state=decided')).json() as any[];
    expect(history[0]).toMatchObject({ measure: { id: 'm3', taken_without_approval: true, flagged: false }, decision: { result: 'approved', after_the_fact: true, at: '2026-03-02T09:08:00+08:00' } });
    expect((await party.get('/api/approvals')).json()).toEqual([]);
    expect((await party.get('/api/approvals?state=other')).statusCode).toBe(400);
  });
});

describe('work lists never stop at some count (sqlite)', { timeout: 120_000 }, () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('the oldest of 1,201 incidents still shows in approvals and in my summons', async () => {
    t = await testApp('sqlite', T0);
    const staff = await Client.as(t.app, 'petition-bureau.staff');
    const police = await Client.as(t.app, 'police-bureau.principal');
    const oldest = (await staff.post('/api/incidents', reportBody({ behaviors: ['banner'] }))).json().id as string;
    for (const [who, c] of [[staff, { do: 'guide', result: 'failed' }], [staff, { do: 'persuade', result: 'failed' }], [police, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' }]] as const) {
      const res = await who.post(`/api/incidents/${oldest}/commands`, c);
      expect(res.statusCode, res.body).toBe(200);
    }
    // 1,200 newer incidents, seeded through the processor (hundreds per transaction).
    t.clock.now += MINUTE;
    const actor = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };
    const newer = await Promise.all(
      Array.from({ length: 1_200 }, (_, i) => t.processor.submit(null, { do: 'report', ...reportBody(), matter: `另一事项 ${i}`, category: 'claim', behaviors: [] } as never, actor)),
    );
    expect(newer.every((o) => o.kind === 'accepted')).toBe(true);

    const party = await Client.as(t.app, 'county-party.leader');
    const pending = (await party.get('/api/approvals')).json() as { incident: { id: string }; measure: { id: string } }[];
    expect(pending.map((p) => [p.incident.id, p.measure.id])).toEqual([[oldest, 'm1']]);

    // The township's principal was summoned when guidance failed on the oldest (§4.1 step 2).
    const principal = await Client.as(t.app, 'town-tanggou.principal');
    const mine = (await principal.get('/api/my/summons')).json() as { incident: { id: string } }[];
    expect(mine.map((m) => m.incident.id)).toContain(oldest);
  });
});

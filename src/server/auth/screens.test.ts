import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import type { Screens } from './screens.js';

/*
 * `GET /api/me` → `can`: the screens each kind of user is offered (issue 11 §2), and the server
 * agreeing with itself: whatever `can` says no to, the request behind that screen is refused
 * (403), and whatever it says yes to is not.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');

/** Every kind of user of the demo county, and what each is offered. */
const EXPECTED: Record<string, Omit<Screens, 'drills'>> = {
  'petition-bureau.staff': { report: true, approvals: false, register: true, reports: true, cases: true, my: true, admin: false },
  'town-tanggou.principal': { report: false, approvals: false, register: true, reports: false, cases: true, my: true, admin: false },
  'dept-housing.principal': { report: false, approvals: false, register: true, reports: false, cases: true, my: true, admin: false },
  'working-group.leader': { report: true, approvals: false, register: true, reports: true, cases: true, my: true, admin: false },
  'county-party.leader': { report: false, approvals: true, register: true, reports: true, cases: true, my: true, admin: false },
  'police-bureau.principal': { report: true, approvals: false, register: false, reports: false, cases: false, my: true, admin: false },
  'discipline-commission.principal': { report: false, approvals: false, register: false, reports: false, cases: true, my: true, admin: false },
  'joint-office.principal': { report: false, approvals: false, register: false, reports: false, cases: true, my: true, admin: false },
  admin: { report: true, approvals: true, register: true, reports: true, cases: true, my: false, admin: true },
};

describe('GET /api/me → can: what each person is offered (sqlite)', () => {
  let t: TestApp;
  const clients = new Map<string, Client>();
  const me = async (name: string) => (await clients.get(name)!.get('/api/me')).json() as { can: Screens; designations: string[] };

  beforeAll(async () => {
    t = await testApp('sqlite', T0);
    for (const name of Object.keys(EXPECTED)) clients.set(name, await Client.as(t.app, name));
  }, 60_000);
  afterAll(async () => t?.close());

  it('offers each kind of user the screens their roles may use', async () => {
    for (const [name, expected] of Object.entries(EXPECTED)) {
      expect((await me(name)).can, name).toEqual({ ...expected, drills: true });
    }
  });

  it('agrees with the server: a screen not offered is refused (403), one offered is not', async () => {
    for (const [name, client] of clients) {
      const { can } = await me(name);
      const refused = async (res: Promise<{ statusCode: number; body: string }>) => (await res).statusCode === 403;
      // The report form's request: a township principal would be refused on submit, so is never offered it.
      expect(await refused(client.post('/api/incidents', reportBody({ matter: `probe by ${name}` }))), `${name} report`).toBe(!can.report);
      expect(await refused(client.get('/api/reports/accountability?from=2026-03-01&to=2026-03-31')), `${name} reports`).toBe(!can.reports);
      expect(await refused(client.get('/api/risks')), `${name} register`).toBe(!can.register);
      expect(await refused(client.get('/api/users')), `${name} admin`).toBe(!can.admin);
    }
  });

  it('a leader assigned a matter of the register is offered the register; a unit a case reached is offered cases', async () => {
    const police = 'police-bureau.principal';
    expect((await me(police)).can).toMatchObject({ register: false, cases: false });
    const town = clients.get('town-tanggou.principal')!;
    const matter = await town.post('/api/risks', { unit: 'town-tanggou', matter: '某企业拖欠工资', place: '汤沟镇工业园', affected: 40, leader: 'police-bureau/principal' });
    expect(matter.statusCode, matter.body).toBe(201);
    expect((await me(police)).can.register).toBe(true);
    expect((await clients.get(police)!.get('/api/risks')).statusCode).toBe(200);

    const registered = await clients.get('joint-office.principal')!.post('/api/cases', { matter: '反映派出所办案拖延', units: ['police-bureau'] });
    expect(registered.statusCode, registered.body).toBe(201);
    expect((await me(police)).can.cases).toBe(true);
  });
});

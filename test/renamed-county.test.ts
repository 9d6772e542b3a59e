import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillJson } from '../src/drill/drill.report.js';
import { runDrill } from '../src/drill/drill.runner.js';
import { loadScenario } from '../src/drill/scenario.js';
import { loadPlanOrThrow } from '../src/plan/plan.loader.js';
import type { Plan } from '../src/plan/plan.js';
import { DIALECTS } from './support/databases.js';
import { renamedCounty, SCENARIOS, type RenamedCounty } from './support/renamed-county.js';
import { Client, reportBody, testApp, type TestApp } from './support/server.js';

/*
 * A county whose unit ids are all different from the demo county's must work everywhere: the
 * drills, and every step of an incident, its case, the register and the reports over HTTP,
 * with the accounts its own organization gives. Nothing in the product may name a demo id.
 */

const county: RenamedCounty = renamedCounty();
const demoPlan = loadPlanOrThrow();
const otherPlan = loadPlanOrThrow(county.planFile);

function drill(dir: string, file: string, plan: Plan) {
  const loaded = loadScenario(join(dir, file), plan);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n'));
  return drillJson(runDrill(loaded.scenario, plan));
}

describe('another county with every unit id renamed', () => {
  it('has none of the demo ids left in its plan and organization', () => {
    expect([...otherPlan.units.keys()].every((id) => id.startsWith('xa-unit-'))).toBe(true);
    expect([...otherPlan.units.keys()].some((id) => demoPlan.units.has(id))).toBe(false);
  });

  const files = readdirSync(SCENARIOS).filter((f) => /\.ya?ml$/.test(f)).sort();
  it.each(files)('runs %s with the same outcome, under the renaming', (file) => {
    const demo = drill(SCENARIOS, file, demoPlan);
    const other = drill(county.scenarioDir, file, otherPlan);
    // The plans differ only by the ids, hence by their digest.
    const expected = JSON.parse(county.rename(JSON.stringify(demo)).replaceAll(demoPlan.digest, otherPlan.digest));
    expect(other).toEqual(expected);
    expect(other.summons.length + other.cases.length).toBeGreaterThan(0);
  });
});

describe.each(DIALECTS)('another county over HTTP (%s)', (dialect) => {
  let t: TestApp;
  const id = (old: string) => county.id(old);
  const user = (role: string) => id(role).replace('/', '.');
  const as = (role: string) => Client.as(t.app, user(role));

  beforeAll(async () => {
    t = await testApp(dialect, undefined, { planFile: county.planFile });
  });
  afterAll(async () => t?.close());

  it('has its own demo accounts, and none of the demo county', async () => {
    await expect(as('petition-bureau/staff')).resolves.toBeInstanceOf(Client);
    const demo = await new Client(t.app).post('/api/login', { username: 'petition-bureau.staff', password: 'demo-password-for-tests' });
    expect(demo.statusCode).toBe(401);
  });

  it('runs the whole incident: report, summons, check-in, activation, tiers, an approved measure, lingering, clearing, the case', async () => {
    const staff = await as('petition-bureau/staff');
    const principal = await as('town-tanggou/principal');
    const group = await as('working-group/leader');
    const leader = await as('county-party/leader');
    const police = await as('police-bureau/principal');
    const me = (await staff.get('/api/me')).json();
    expect(me.designations).toContain('venue_staff');

    const reported = await staff.post('/api/incidents', reportBody({ units: [id('town-tanggou')] }));
    expect(reported.statusCode, reported.body).toBe(201);
    const incident = reported.json().incident.id as string;
    const cmd = async (c: Client, body: Record<string, unknown>, status = 200) => {
      const res = await c.post(`/api/incidents/${incident}/commands`, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      return res.json();
    };

    let view = await cmd(staff, { do: 'guide', result: 'failed' });
    expect(view.summons.map((s: { role: string }) => s.role)).toEqual([id('town-tanggou/principal')]);
    await cmd(principal, { do: 'ack', role: id('town-tanggou/principal') });
    view = await cmd(principal, { do: 'arrive', role: id('town-tanggou/principal') });
    expect(view.summons[0].status).toBe('on_time');

    view = await cmd(staff, { do: 'persuade', result: 'failed' });
    expect(view.incident.activated_at).not.toBeNull();
    view = await cmd(staff, { do: 'headcount', value: 30 });
    expect(view.incident.tier).toBe(3);
    expect(view.summons.map((s: { role: string }) => s.role)).toEqual(
      expect.arrayContaining([id('police-bureau/duty-leader'), id('police-special-patrol/principal'), id('police-public-order/principal'), id('police-station-zongyang/principal')]),
    );

    await cmd(group, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
    const approvals = (await leader.get('/api/approvals')).json();
    expect(approvals.map((a: { measure: { id: string } }) => a.measure.id)).toEqual(['m1']);
    expect(approvals[0].approve_as).toEqual([id('county-party/leader')]);
    await cmd(leader, { do: 'approve_measure', id: 'm1', by: id('county-party/leader') });
    view = await cmd(police, { do: 'take_measure', id: 'm1' });
    expect(view.measures[0]).toMatchObject({ approved_by: id('county-party/leader'), flagged: false });

    await cmd(staff, { do: 'behavior', kind: 'lingering' });
    const refused = await cmd(principal, { do: 'leave', role: id('town-tanggou/principal') }, 409);
    expect(refused.error.message).toContain('§4.1.1');
    view = await cmd(group, { do: 'clear' });
    expect(view.cases).toHaveLength(1);
    expect(view.cases[0]).toMatchObject({ route: 'responsible_unit', handler: id('town-tanggou') });
    await cmd(principal, { do: 'leave', role: id('town-tanggou/principal') });

    // The handling unit accepts its case; the head approves an extension.
    const mine = (await principal.get('/api/cases')).json();
    expect(mine).toHaveLength(1);
    const caseId = mine[0].id as string;
    expect(mine[0].head).toBe(id('town-tanggou/principal'));
    const accepted = await principal.post(`/api/cases/${caseId}/commands`, { do: 'accept' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const extended = await principal.post(`/api/cases/${caseId}/commands`, { do: 'extend', days: 10, reason: '需补充调查', approved_by: id('town-tanggou/principal') });
    expect(extended.statusCode, extended.body).toBe(200);
  });

  it('routes an accusation to its discipline organ, which alone sees it', async () => {
    const staff = await as('petition-bureau/staff');
    const group = await as('working-group/leader');
    const res = await staff.post('/api/incidents', reportBody({ units: [id('town-hengbu')], category: 'accusation', matter: '举报镇干部截留补偿款' }));
    expect(res.statusCode, res.body).toBe(201);
    const view = (await group.post(`/api/incidents/${res.json().incident.id}/commands`, { do: 'clear' })).json();
    expect(view.cases[0]).toMatchObject({ route: 'discipline_inspection', handler: id('discipline-commission') });
    const discipline = await as('discipline-commission/principal');
    const cases = (await discipline.get('/api/cases')).json();
    expect(cases.map((c: { route: string }) => c.route)).toContain('discipline_inspection');
    const caseId = cases.find((c: { route: string }) => c.route === 'discipline_inspection').id;
    expect((await (await as('town-hengbu/principal')).get(`/api/cases/${caseId}`)).statusCode).toBe(404);
  });

  it('registers walk-in visits, keeps the register and reads the reports by its own designations', async () => {
    const intake = await as('petition-bureau/principal');
    const walkIn = await intake.post('/api/cases', { matter: '拖欠工资', units: [id('dept-human-resources')] });
    expect(walkIn.statusCode, walkIn.body).toBe(201);

    const town = await as('town-fushan/principal');
    const risk = await town.post('/api/risks', { unit: id('town-fushan'), matter: '企业欠薪', place: '工业园', affected: 40 });
    expect(risk.statusCode, risk.body).toBe(201);
    const group = await as('working-group/leader');
    expect(((await group.get('/api/risks')).json() as unknown[]).length).toBe(1);

    const reports = await group.get('/api/reports/accountability?from=2026-03-01&to=2026-03-31');
    expect(reports.statusCode, reports.body).toBe(200);
    expect((await (await as('town-fushan/principal')).get('/api/reports/accountability?from=2026-03-01&to=2026-03-31')).statusCode).toBe(403);
  });
});

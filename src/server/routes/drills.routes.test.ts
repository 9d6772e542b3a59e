import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import { drillJson } from '../../drill/drill.report.js';
import { runDrill } from '../../drill/drill.runner.js';
import { loadScenario } from '../../drill/scenario.js';
import { loadPlanOrThrow } from '../../plan/plan.loader.js';
import { SCENARIO_DIR } from './drills.routes.js';

/*
 * Drills through the API: bundled and uploaded scenarios run on the active plan exactly as
 * `yingji drill` runs them, invalid ones come back with located errors, a drill never touches
 * the real record, and reports are saved, listed and downloaded.
 */

const T0 = Date.parse('2026-05-11T10:00:00+08:00');
const BUNDLED = readdirSync(SCENARIO_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
/** Scenarios compared with the real CLI: lateness and a miss; a rejection and a flagged measure. */
const VIA_CLI = ['unit-late-and-unit-never-arrives.yaml', 'measure-taken-without-approval-is-flagged.yaml'];
/** The tables of the real record, which a drill must leave alone. */
const RECORD = ['incidents', 'events', 'cases', 'timers', 'chain_head', 'outbox'] as const;

const UPLOAD = `name: 上传的演练
start: 2026-03-02T09:00:00+08:00
steps:
  - { at: 0m, do: report, venue: residence, headcount: 12, units: [town-tanggou, dept-housing], matter: 拆迁安置 }
  - { at: 2m, do: guide, result: failed }
  - { at: 15m, do: arrive, role: dept-housing/principal }
  - { at: 30m, do: behavior, kind: lingering }
  - { at: 40m, do: leave, role: dept-housing/principal }
run_until: 2h
`;

/** The JSON `yingji drill --json` prints for a bundled scenario. */
async function cliJson(file: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/yingji.js', 'drill', '--scenario', join('scenarios', file), '--json'], { encoding: 'utf8' });
  return JSON.parse(stdout);
}

let fromCli: Map<string, unknown>;
// Starting the CLI a few times may take a while on a busy machine: a condition, not a timing.
beforeAll(async () => {
  fromCli = new Map(await Promise.all(VIA_CLI.map(async (f) => [f, await cliJson(f)] as const)));
}, 120_000);

for (const dialect of DIALECTS) {
  describe(`drills on ${dialect}`, () => {
    let t: TestApp;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      staff = await Client.as(t.app, 'petition-bureau.staff');
    });
    afterEach(async () => {
      await t.close();
    });

    const counts = async () => {
      const out: Record<string, number> = {};
      for (const table of RECORD) {
        const row = await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        out[table] = Number(row.n);
      }
      return out;
    };

    it('lists the bundled scenarios with name and step count; every one fits the active plan', async () => {
      const res = await staff.get('/api/drills/scenarios');
      expect(res.statusCode).toBe(200);
      const list = res.json() as { file: string; name: string; steps: number; valid: boolean }[];
      expect(list.map((x) => x.file)).toEqual(BUNDLED);
      const crowd = list.find((x) => x.file === 'crowd-grows-at-residence.yaml');
      // Named and described in Chinese and English; `name` is the one text the drill output shows (the Chinese).
      expect(crowd).toMatchObject({
        name: '巡视组驻地聚集人数增加',
        title: { zh: '巡视组驻地聚集人数增加', en: 'crowd grows at the residence' },
        description: { zh: expect.stringContaining('§4.1'), en: expect.stringContaining('§4.1') },
        steps: 5,
        valid: true,
      });
      expect(list.every((x) => x.valid && x.steps > 0 && x.name.length > 0)).toBe(true);
      const yaml = await staff.get('/api/drills/scenarios/crowd-grows-at-residence.yaml');
      expect(yaml.statusCode).toBe(200);
      expect(yaml.body).toBe(readFileSync(join(SCENARIO_DIR, 'crowd-grows-at-residence.yaml'), 'utf8'));
    });

    it('a bundled scenario gives exactly the JSON of `yingji drill --json` for the same file', async () => {
      for (const file of VIA_CLI) {
        const res = await staff.post('/api/drills', { scenario: file });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().drill).toEqual(fromCli.get(file));
      }
    });

    it('every bundled scenario gives the same drill JSON as running it on the shipped plan file', async () => {
      const plan = loadPlanOrThrow();
      // The discipline commission reads rehearsed accusations too; everyone else reads them withheld (below).
      const discipline = await Client.as(t.app, 'discipline-commission.principal');
      for (const file of BUNDLED) {
        const loaded = loadScenario(join(SCENARIO_DIR, file), plan);
        if (!loaded.ok) throw new Error(`${file} does not load`);
        const res = await discipline.post('/api/drills', { scenario: file });
        expect(res.statusCode, file).toBe(200);
        const expected = drillJson(runDrill(loaded.scenario, plan));
        // An accusation against the discipline commission itself is withheld from it too.
        const accused = expected.incident?.category === 'accusation' && expected.incident.units.includes('discipline-commission');
        const text = JSON.stringify(expected);
        const shown = accused ? text.split(JSON.stringify(expected.incident!.matter).slice(1, -1)).join('检举控告类事项,内容仅纪检监察机关可见') : text;
        expect(res.json().drill, file).toEqual(JSON.parse(shown));
      }
    });

    it("withholds a rehearsed accusation's text from everyone but the discipline organs, in the report, its texts and its source", async () => {
      const file = 'accusation-routed-to-discipline-commission.yaml';
      const loaded = loadScenario(join(SCENARIO_DIR, file), loadPlanOrThrow());
      if (!loaded.ok) throw new Error(`${file} does not load`);
      const matter = drillJson(runDrill(loaded.scenario, loadPlanOrThrow())).incident!.matter;
      const run = await staff.post('/api/drills', { scenario: file });
      expect(run.body).not.toContain(matter);
      expect(run.json().drill.incident.matter).toBe('检举控告类事项,内容仅纪检监察机关可见');
      const saved = (await staff.post('/api/drills/reports', { scenario: file })).json();
      for (const url of [`/api/drills/reports/${saved.id}`, `/api/drills/reports/${saved.id}/download`, `/api/drills/reports/${saved.id}/download?format=text&lang=zh`, '/api/drills/reports']) {
        expect((await staff.get(url)).body, url).not.toContain(matter);
      }
      const discipline = await Client.as(t.app, 'discipline-commission.principal');
      expect((await discipline.get(`/api/drills/reports/${saved.id}`)).body).toContain(matter);
    });

    it('answers with a readable timeline on the virtual clock and a compliance summary', async () => {
      const res = await staff.post('/api/drills', { scenario: 'unit-late-and-unit-never-arrives.yaml' });
      const body = res.json();
      expect(body.scenario).toMatchObject({ file: 'unit-late-and-unit-never-arrives.yaml', origin: 'bundled', start: '2026-03-02T09:00:00+08:00' });
      // One line per event, in order, at the scenario's virtual times, in both languages.
      expect(body.timeline.map((e: any) => [e.seq, e.at, e.type])).toEqual(body.drill.events.map((e: any) => [e.seq, e.at, e.type]));
      expect(body.timeline[0]).toMatchObject({ seq: 1, since: '+0s', type: 'incident_reported' });
      expect(body.timeline[0].text.zh).toContain('巡视组驻地');
      const missed = body.timeline.find((e: any) => e.type === 'deadline_missed');
      expect(missed.text.en).toMatch(/missed the deadline/);
      expect(missed.text.zh).toMatch(/超过时限未到场/);
      expect(missed.clause).toMatch(/^§/);
      expect(missed.since).toMatch(/^\+\d+[hm]/);
      expect(body.timeline.filter((e: any) => e.alert).map((e: any) => e.type)).toEqual(['deadline_missed', 'deadline_missed']);
      // Who came on time, late, or never: the same counts as the contract's accountability.
      const s = body.summary;
      expect(s.units.map(({ name: _name, ...row }: any) => row)).toEqual(body.drill.accountability);
      expect(s.units.find((u: any) => u.unit === 'dept-education')).toMatchObject({ late: 1, name: { zh: expect.any(String), en: expect.any(String) } });
      expect(s.units.find((u: any) => u.unit === 'town-hengbu')).toMatchObject({ missed: 1 });
      expect(s.totals).toEqual({ summoned: 3, on_time: 1, late: 1, missed: 1, pending: 0 });
      expect(s.alerts.deadline_missed).toBe(body.drill.alerts.filter((a: any) => a.kind === 'deadline_missed').length);
      expect(s.compliant).toBe(false);

      const flagged = (await staff.post('/api/drills', { scenario: 'measure-taken-without-approval-is-flagged.yaml' })).json();
      expect(flagged.summary.unapproved_measures).toEqual([expect.objectContaining({ id: flagged.drill.measures[0].id, taken_at: flagged.drill.measures[0].taken_at })]);
      expect(flagged.summary.alerts.unapproved_measure).toBe(1);
      expect(flagged.timeline.filter((e: any) => e.alert).map((e: any) => e.type)).toEqual(['measure_taken']);
      expect(flagged.summary.rejections).toEqual([
        expect.objectContaining({ do: flagged.drill.rejected[0].do, code: flagged.drill.rejected[0].code, reason: { zh: expect.any(String), en: expect.any(String) } }),
      ]);
      expect(flagged.summary.compliant).toBe(false);

      const clean = (await staff.post('/api/drills', { scenario: 'units-summoned-persuasion-succeeds.yaml' })).json();
      expect(clean.summary).toMatchObject({ compliant: true, unapproved_measures: [], rejections: [] });
    });

    it('an uploaded scenario runs; refused commands are part of the run', async () => {
      const res = await staff.post('/api/drills', { source: UPLOAD, name: 'mine.yaml' });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.scenario).toMatchObject({ file: 'mine.yaml', origin: 'uploaded', name: '上传的演练', steps: 5, until: '2026-03-02T11:00:00+08:00' });
      // The people are still there: the principal may not leave (§4.1.1).
      expect(body.drill.rejected).toEqual([expect.objectContaining({ do: 'leave', code: 'lingering' })]);
      expect(body.summary.rejections[0].reason.zh).toContain('§4.1.1');
      // town-tanggou never came within its hour.
      expect(body.summary.units.find((u: any) => u.unit === 'town-tanggou')).toMatchObject({ missed: 1 });
      expect(body.summary.units.find((u: any) => u.unit === 'dept-housing')).toMatchObject({ on_time: 1 });
    });

    it('an invalid scenario is refused with 400 `invalid_scenario`, each error located by line and column', async () => {
      const bad = UPLOAD.replace('units: [town-tanggou, dept-housing]', 'units: [town-tanggou, dept-nowhere]').replace('arrive, role: dept-housing/principal', 'arrive, role: dept-housing/boss');
      const res = await staff.post('/api/drills', { source: bad, name: 'bad.yaml' });
      expect(res.statusCode).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe('invalid_scenario');
      expect(error.errors).toEqual([
        { file: 'bad.yaml', line: 4, column: bad.split('\n')[3]!.indexOf('dept-nowhere') + 1, message: 'unknown unit "dept-nowhere"' },
        { file: 'bad.yaml', line: 6, column: bad.split('\n')[5]!.indexOf('dept-housing/boss') + 1, message: expect.stringContaining('unknown role "dept-housing/boss"') },
      ]);

      const broken = await staff.post('/api/drills', { source: 'name: x\nsteps: [unclosed\n' });
      expect(broken.statusCode).toBe(400);
      expect(broken.json().error.code).toBe('invalid_scenario');
      expect(broken.json().error.errors[0]).toEqual({ file: 'scenario.yaml', line: expect.any(Number), column: expect.any(Number), message: expect.any(String) });

      const tooLong = await staff.post('/api/drills', { source: `${UPLOAD.replace('run_until: 2h', 'run_until: 40d')}` });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json().error.errors).toEqual([expect.objectContaining({ line: 9, column: 1, message: expect.stringMatching(/at most 31 days/) })]);
    });

    it('an unknown bundled scenario is 404, a body with both or neither is 400, and nobody signed in gets 401', async () => {
      for (const scenario of ['no-such.yaml', '../plans/inspection-visit-petition-plan.yaml']) {
        const res = await staff.post('/api/drills', { scenario });
        expect(res.statusCode, scenario).toBe(404);
        expect(res.json().error.code).toBe('not_found');
      }
      expect((await staff.post('/api/drills', { scenario: 'guided-away-at-once.yaml', source: UPLOAD })).statusCode).toBe(400);
      expect((await staff.post('/api/drills', {})).statusCode).toBe(400);
      const anonymous = await t.app.inject({ method: 'POST', url: '/api/drills', payload: { scenario: 'guided-away-at-once.yaml' } });
      expect(anonymous.statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/api/drills/reports' })).statusCode).toBe(401);
    });

    it('a drill writes nothing to incidents, events, cases or timers, and leaves the real record as it was', async () => {
      const real = await staff.post('/api/incidents', reportBody());
      expect(real.statusCode).toBe(201);
      const before = await counts();
      expect(before).toMatchObject({ incidents: 1, timers: expect.any(Number), events: expect.any(Number) });
      expect(before.events).toBeGreaterThan(0);
      expect(before.timers).toBeGreaterThan(0);
      const feed = (await staff.get('/api/events?after=0')).json();
      const incidents = (await staff.get('/api/incidents')).json();

      const drillIncidents: string[] = [];
      for (const file of BUNDLED) {
        const res = await staff.post('/api/drills', { scenario: file });
        expect(res.statusCode).toBe(200);
        drillIncidents.push(res.json().drill.incident.id);
      }
      expect((await staff.post('/api/drills', { source: UPLOAD })).statusCode).toBe(200);
      expect((await staff.post('/api/drills/reports', { scenario: 'crowd-grows-at-residence.yaml' })).statusCode).toBe(201);
      expect((await staff.post('/api/drills/reports', { source: UPLOAD, name: 'mine.yaml' })).statusCode).toBe(201);

      expect(await counts()).toEqual(before);
      expect((await staff.get('/api/events?after=0')).json()).toEqual(feed);
      expect((await staff.get('/api/incidents')).json()).toEqual(incidents);
      for (const id of drillIncidents) expect((await staff.get(`/api/incidents/${id}`)).statusCode).toBe(404);
    });

    it('saves a report, lists it, shows it and downloads it as JSON and as text', async () => {
      const ran = (await staff.post('/api/drills', { scenario: 'unit-late-and-unit-never-arrives.yaml' })).json();
      const saved = await staff.post('/api/drills/reports', { scenario: 'unit-late-and-unit-never-arrives.yaml', plan_digest: ran.drill.plan.digest });
      expect(saved.statusCode, saved.body).toBe(201);
      const report = saved.json();
      expect(report).toMatchObject({
        id: expect.any(String),
        scenario: { name: ran.scenario.name, file: 'unit-late-and-unit-never-arrives.yaml', origin: 'bundled' },
        plan: ran.drill.plan,
        virtual_start: '2026-03-02T09:00:00+08:00',
        created_at: '2026-05-11T10:00:00+08:00',
        created_by: 'petition-bureau.staff',
        summary: ran.summary,
      });

      t.clock.now = T0 + 60_000;
      const other = await Client.as(t.app, 'working-group.leader');
      const second = await other.post('/api/drills/reports', { source: UPLOAD, name: 'mine.yaml' });
      expect(second.statusCode).toBe(201);

      const list = (await staff.get('/api/drills/reports')).json() as any[];
      expect(list.map((r) => [r.id, r.scenario.name, r.created_by])).toEqual([
        [second.json().id, '上传的演练', 'working-group.leader'],
        [report.id, ran.scenario.name, 'petition-bureau.staff'],
      ]);
      expect(list[1].summary.totals).toEqual({ summoned: 3, on_time: 1, late: 1, missed: 1, pending: 0 });

      const one = (await other.get(`/api/drills/reports/${report.id}`)).json();
      expect(one.report).toEqual(ran);
      expect(one.source).toBe(readFileSync(join(SCENARIO_DIR, 'unit-late-and-unit-never-arrives.yaml'), 'utf8'));

      const json = await staff.get(`/api/drills/reports/${report.id}/download?format=json`);
      expect(json.statusCode).toBe(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.headers['content-disposition']).toMatch(/^attachment; filename="drill-unit-late-and-unit-never-arrives-[0-9a-f]{8}\.json"/);
      expect(JSON.parse(json.body)).toEqual(ran);

      const zh = await staff.get(`/api/drills/reports/${report.id}/download?format=text`);
      expect(zh.headers['content-type']).toMatch(/^text\/plain/);
      expect(zh.headers['content-disposition']).toMatch(/^attachment; filename=".*\.zh\.txt"/);
      for (const s of ['== 时间线 ==', '== 到场考核 ==', '迟到', '未到场']) expect(zh.body).toContain(s);
      const en = await staff.get(`/api/drills/reports/${report.id}/download?format=text&lang=en`);
      for (const s of ['== Timeline ==', '== Accountability ==', 'missed the deadline']) expect(en.body).toContain(s);

      expect((await staff.get('/api/drills/reports/no-such-report')).statusCode).toBe(404);
      expect((await staff.get('/api/drills/reports/no-such-report/download?format=text')).statusCode).toBe(404);
      expect((await staff.get(`/api/drills/reports/${report.id}/download?format=pdf`)).statusCode).toBe(400);
    });

    it('saving refuses when the active plan changed since the drill ran (409), and saves nothing', async () => {
      const stale = `sha256:${'0'.repeat(64)}`;
      const res = await staff.post('/api/drills/reports', { scenario: 'guided-away-at-once.yaml', plan_digest: stale });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('conflict');
      expect((await staff.get('/api/drills/reports')).json()).toEqual([]);
      const invalid = await staff.post('/api/drills/reports', { source: 'name: x\n', name: 'x.yaml' });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.code).toBe('invalid_scenario');
      expect((await staff.get('/api/drills/reports')).json()).toEqual([]);
    });
  });
}

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import { DEFAULT_PLAN_FILE } from '../../plan/plan.loader.js';

/*
 * Plan versions through the API: the active plan, uploads validated with located errors,
 * explicit activation, and running incidents keeping the plan they started with (checked by
 * digest and by when their guidance window actually expires).
 */

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const SOURCE = readFileSync(DEFAULT_PLAN_FILE, 'utf8');

/** Replaces exactly one occurrence of `from`, so an edit never silently misses. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once in the plan`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

for (const dialect of DIALECTS) {
  describe(`plan versions on ${dialect}`, () => {
    let t: TestApp;
    let admin: Client;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      admin = await Client.as(t.app, 'admin');
      staff = await Client.as(t.app, 'petition-bureau.staff');
    });
    afterEach(async () => {
      await t.close();
    });

    const activePlan = async () => {
      const res = await staff.get('/api/plan');
      expect(res.statusCode).toBe(200);
      return res.json();
    };

    it('GET /api/plan returns the active plan: id, version, digest', async () => {
      const plan = await activePlan();
      expect(plan).toMatchObject({
        id: 'inspection-visit-petition-plan',
        version: '2017.1',
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        version_id: expect.any(String),
      });
      expect(plan.digest).toBe((await t.plans.current()).digest);
      expect(plan.explain.zh).toEqual(expect.any(String));
      expect(plan.organization.units.map((u: any) => u.id)).toContain('town-tanggou');
    });

    it('an invalid plan is refused with 400 `invalid_plan`, every error located by line and column', async () => {
      const source = edit(SOURCE, 'min: 11\n', 'min: 10\n');
      const before = (await admin.get('/api/plans')).json();
      const res = await admin.post('/api/plans', { source });
      expect(res.statusCode).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe('invalid_plan');
      expect(error.errors.length).toBeGreaterThan(0);
      for (const e of error.errors) {
        expect(e).toEqual(expect.objectContaining({ line: expect.any(Number), col: expect.any(Number), message: expect.any(String) }));
        expect(e.line).toBeGreaterThan(0);
        expect(e.col).toBeGreaterThan(0);
      }
      // The overlap, pointed at the offending `min`.
      expect(error.errors).toEqual([expect.objectContaining({ line: lineOf(source, 'min: 10\n        max: 20'), col: 14, message: expect.stringMatching(/overlapping tier 1/) })]);
      // Not stored, and the active plan is unchanged.
      expect((await admin.get('/api/plans')).json()).toEqual(before);
      expect((await activePlan()).version).toBe('2017.1');
    });

    it('YAML that does not parse, or names an unknown unit, is refused with a located error', async () => {
      const broken = await admin.post('/api/plans', { source: 'id: [unclosed\nversion: "1"\n' });
      expect(broken.statusCode).toBe(400);
      expect(broken.json().error.code).toBe('invalid_plan');
      expect(broken.json().error.errors[0]).toEqual(expect.objectContaining({ line: expect.any(Number), col: expect.any(Number), message: expect.any(String) }));

      const unknown = await admin.post('/api/plans', { source: edit(SOURCE, 'command: [police-bureau/principal]', 'command: [police-hq/principal]') });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.code).toBe('invalid_plan');
      expect(unknown.json().error.errors.map((e: any) => e.message).join('\n')).toMatch(/police-hq/);
    });

    it('only an administrator uploads or activates a plan (403 otherwise)', async () => {
      const source = edit(SOURCE, 'version: "2017.1"', 'version: "2017.2"');
      for (const user of ['working-group.leader', 'county-party.leader', 'petition-bureau.staff']) {
        const c = user === 'petition-bureau.staff' ? staff : await Client.as(t.app, user);
        const res = await c.post('/api/plans', { source });
        expect(res.statusCode, user).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
      const invalid = await staff.post('/api/plans', { source: edit(SOURCE, 'min: 11\n', 'min: 10\n') });
      expect(invalid.statusCode).toBe(403);
      const stored = await admin.post('/api/plans', { source });
      expect(stored.statusCode).toBe(201);
      const activate = await staff.post(`/api/plans/${stored.json().id}/activate`);
      expect(activate.statusCode).toBe(403);
      expect(activate.json().error.code).toBe('forbidden');
      expect((await activePlan()).version).toBe('2017.1');
      // Nobody signed in: 401.
      const anonymous = await t.app.inject({ method: 'POST', url: '/api/plans', payload: { source } });
      expect(anonymous.statusCode).toBe(401);
    });

    it('activating an unknown version answers 404', async () => {
      const res = await admin.post('/api/plans/no-such-version/activate');
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    });

    it('a new version is stored inactive; after activation new incidents run under it, running ones keep theirs', async () => {
      const old = await activePlan();
      const source = edit(edit(SOURCE, 'version: "2017.1"', 'version: "2017.2"'), 'window: 10m', 'window: 5m');

      // Reported under 2017.1 (guidance window 10 min).
      const before = await staff.post('/api/incidents', reportBody());
      expect(before.statusCode).toBe(201);
      const A = before.json().id as string;
      expect(before.json().incident.plan).toEqual({ id: old.id, version: '2017.1', digest: old.digest });

      const stored = await admin.post('/api/plans', { source, name: 'plan-2017.2.yaml' });
      expect(stored.statusCode, stored.body).toBe(201);
      const version = stored.json();
      expect(version).toMatchObject({ id: expect.any(String), plan_id: old.id, version: '2017.2', digest: expect.stringMatching(/^sha256:/), active: false });
      expect(version.digest).not.toBe(old.digest);

      // Stored but not active: GET /api/plan and new incidents still use 2017.1.
      expect((await activePlan()).digest).toBe(old.digest);
      const versions = (await admin.get('/api/plans')).json() as any[];
      expect(versions.map((v) => [v.version, v.active]).sort()).toEqual([
        ['2017.1', true],
        ['2017.2', false],
      ]);
      const one = (await staff.get(`/api/plans/${version.id}`)).json();
      expect(one).toMatchObject({ id: version.id, version: '2017.2', active: false, source });
      const stillOld = await staff.post('/api/incidents', reportBody({ units: ['town-hengbu'] }));
      expect(stillOld.json().incident.plan.digest).toBe(old.digest);
      const C = stillOld.json().id as string;

      const activated = await admin.post(`/api/plans/${version.id}/activate`);
      expect(activated.statusCode, activated.body).toBe(200);
      expect(activated.json()).toEqual({ id: version.id, plan_id: old.id, version: '2017.2', digest: version.digest, active: true });
      expect(await activePlan()).toMatchObject({ version: '2017.2', digest: version.digest, version_id: version.id });
      expect(((await admin.get('/api/plans')).json() as any[]).filter((v) => v.active).map((v) => v.version)).toEqual(['2017.2']);

      // Reported a minute later, under 2017.2 (guidance window 5 min).
      t.clock.now = T0 + MINUTE;
      const after = await staff.post('/api/incidents', reportBody({ units: ['town-fushan'] }));
      expect(after.statusCode).toBe(201);
      const B = after.json().id as string;
      expect(after.json().incident.plan).toEqual({ id: old.id, version: '2017.2', digest: version.digest });

      const view = async (id: string) => (await staff.get(`/api/incidents/${id}`)).json();
      // 09:06: B's 5-minute window has expired; A's and C's 10-minute windows have not.
      t.clock.now = T0 + 6 * MINUTE;
      await t.processor.fireDueTimers();
      expect((await view(B)).summons).toEqual([expect.objectContaining({ role: 'town-fushan/principal', issued_at: '2026-03-02T09:06:00+08:00' })]);
      expect((await view(A)).summons).toEqual([]);
      expect((await view(C)).summons).toEqual([]);
      // 09:10: now A's and C's, under the plan they started with.
      t.clock.now = T0 + 10 * MINUTE;
      await t.processor.fireDueTimers();
      expect((await view(A)).summons).toEqual([expect.objectContaining({ role: 'town-tanggou/principal', issued_at: '2026-03-02T09:10:00+08:00' })]);
      expect((await view(C)).summons).toEqual([expect.objectContaining({ role: 'town-hengbu/principal', issued_at: '2026-03-02T09:10:00+08:00' })]);
      // Each incident still names its own plan.
      expect((await view(A)).incident.plan.digest).toBe(old.digest);
      expect((await view(C)).incident.plan.digest).toBe(old.digest);
      expect((await view(B)).incident.plan.digest).toBe(version.digest);
      const events = (await staff.get('/api/events?after=0')).json() as any[];
      const windows = events.filter((e) => e.type === 'guidance_window_expired').map((e) => [e.incident, e.at]);
      expect(windows[0]).toEqual([B, '2026-03-02T09:06:00+08:00']);
      expect(windows.slice(1)).toHaveLength(2);
      expect(windows.slice(1)).toEqual(expect.arrayContaining([[A, '2026-03-02T09:10:00+08:00'], [C, '2026-03-02T09:10:00+08:00']]));
    });
  });
}

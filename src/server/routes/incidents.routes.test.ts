import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, DEMO_PASSWORD, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/*
 * The incident API of contract §5 on every database: the incident view, rejections (409),
 * malformed input (400, nothing recorded), 404, CSRF, sign-in limits and sign-out, timers
 * fired through the processor, the duty roster on summons, and the public tracking lookup.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const STAFF = 'petition-bureau.staff';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;

for (const dialect of DIALECTS) {
  describe(`incidents API on ${dialect}`, () => {
    let t: TestApp;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      staff = await Client.as(t.app, STAFF);
    });
    afterEach(async () => {
      await t.close();
    });

    const events = async () => {
      const res = await staff.get('/api/events?after=0&limit=5000');
      expect(res.statusCode).toBe(200);
      return res.json() as any[];
    };
    const report = async (over: Record<string, unknown> = {}) => {
      const res = await staff.post('/api/incidents', reportBody(over));
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const command = (c: Client, id: string, body: unknown) => c.post(`/api/incidents/${id}/commands`, body);
    const must = async (c: Client, id: string, body: unknown) => {
      const res = await command(c, id, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(200);
      return res.json();
    };
    const view = async (id: string) => {
      const res = await staff.get(`/api/incidents/${id}`);
      expect(res.statusCode).toBe(200);
      return res.json();
    };

    it('POST /api/incidents answers 201 with the incident view of the contract', async () => {
      const res = await staff.post('/api/incidents', reportBody({ units: ['town-tanggou', 'dept-housing'], headcount: 12 }));
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          incident: expect.any(Object),
          summons: [],
          tiers: [{ at: '2026-03-02T09:00:00+08:00', tier: 2 }],
          alerts: [],
          measures: [],
          rejected: [],
          cases: [],
        }),
      );
      expect(body.incident).toMatchObject({
        id: body.id,
        venue: 'residence',
        status: 'open',
        max_headcount: 12,
        tier: 2,
        activated_at: null,
        cleared_at: null,
        units: ['town-tanggou', 'dept-housing'],
        matter: '征地补偿款未发放',
        category: 'claim',
      });
      expect(body.incident.plan).toMatchObject({ id: 'inspection-visit-petition-plan', version: '2017.1', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
      // The same view is read back, and listed.
      expect(await view(body.id)).toEqual(body);
      const list = (await staff.get('/api/incidents?status=open')).json();
      expect(list.map((x: any) => x.id)).toEqual([body.id]);
      expect((await staff.get('/api/incidents?status=cleared')).json()).toEqual([]);
    });

    it('a command the rules refuse answers 409 `rejected` with the reason, and is listed in `rejected`', async () => {
      const { id } = await report({ behaviors: ['lingering'] });
      const principal = await Client.as(t.app, 'town-tanggou.principal');
      await must(staff, id, { do: 'guide', result: 'failed' });
      t.clock.now += 20 * MINUTE;
      await must(principal, id, { do: 'arrive', role: 'town-tanggou/principal' });
      t.clock.now += 5 * MINUTE;
      const before = await events();
      const res = await command(principal, id, { do: 'leave', role: 'town-tanggou/principal' });
      expect(res.statusCode).toBe(409);
      const error = res.json().error;
      expect(error.code).toBe('rejected');
      expect(error.reason).toBe('lingering');
      // Said in Chinese when the client names no language (refusals.ts); the engine's own reason is recorded.
      expect(error.message).toBe('上访人员仍滞留现场,责任单位主要负责同志须坚守现场,待人员撤离后方可离开(§4.1.1)');
      // The incident as it stands comes with the refusal, and lists it.
      const after = await view(id);
      expect(after.rejected).toEqual([{ at: '2026-03-02T09:25:00+08:00', do: 'leave', code: 'lingering', reason: expect.stringMatching(/lingering.*§4\.1\.1/) }]);
      expect(error.incident).toEqual(after);
      // The state is otherwise unchanged: the principal is still on site.
      expect(after.summons[0]).toMatchObject({ role: 'town-tanggou/principal', left_at: null });
      const recorded = (await events()).slice(before.length);
      expect(recorded).toEqual([expect.objectContaining({ type: 'command_rejected', do: 'leave', code: 'lingering', reason: after.rejected[0].reason, incident: id })]);
      // A client that asks for English is refused in English.
      const en = (await principal.post(`/api/incidents/${id}/commands`, { do: 'leave', role: 'town-tanggou/principal' }, { 'accept-language': 'en-US,en;q=0.9' })).json().error;
      expect(en).toMatchObject({ code: 'rejected', reason: 'lingering', message: "people are still lingering: the responsible unit's principal stays on site until they have left (§4.1.1)" });

      // Once the people have left, the principal may leave.
      await must(staff, id, { do: 'clear' });
      const left = await must(principal, id, { do: 'leave', role: 'town-tanggou/principal' });
      expect(left.summons[0].left_at).toBe('2026-03-02T09:25:00+08:00');
    });

    it('malformed input answers 400 `bad_request` and records nothing', async () => {
      const { id } = await report();
      const before = await events();
      const incidents = (await staff.get('/api/incidents')).json();
      const bad: [string, unknown][] = [
        ['/api/incidents', { headcount: 8, units: ['town-tanggou'], matter: 'x' }], // no venue
        ['/api/incidents', reportBody({ headcount: '8' })], // wrong type
        ['/api/incidents', reportBody({ headcount: 0 })],
        ['/api/incidents', reportBody({ units: [] })],
        ['/api/incidents', reportBody({ units: 'town-tanggou' })],
        ['/api/incidents', reportBody({ category: 'riot' })],
        ['/api/incidents', reportBody({ behaviors: ['shouting'] })],
        ['/api/incidents', reportBody({ venue: 'city-hall' })], // unknown venue
        ['/api/incidents', reportBody({ units: ['town-atlantis'] })], // unknown unit
        ['/api/incidents', reportBody({ petitioner: '张三' })], // no such field
        ['/api/incidents', { do: 'headcount', value: 3 }],
        [`/api/incidents/${id}/commands`, { do: 'dance' }], // unknown `do`
        [`/api/incidents/${id}/commands`, {}],
        [`/api/incidents/${id}/commands`, { do: 'headcount' }], // missing field
        [`/api/incidents/${id}/commands`, { do: 'headcount', value: '30' }], // wrong type
        [`/api/incidents/${id}/commands`, { do: 'headcount', value: -1 }],
        [`/api/incidents/${id}/commands`, { do: 'guide', result: 'maybe' }],
        [`/api/incidents/${id}/commands`, { do: 'ack', role: 'nobody' }],
        [`/api/incidents/${id}/commands`, { do: 'request_measure', id: 'm1', kind: 'tear_gas', basis: 'x' }],
        [`/api/incidents/${id}/commands`, { do: 'clear', extra: true }],
        [`/api/incidents/${id}/commands`, { ...reportBody(), do: 'report' }],
      ];
      for (const [url, body] of bad) {
        const res = await staff.post(url, body);
        expect(res.statusCode, `${url} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('bad_request');
        expect(res.json().error.message).toEqual(expect.any(String));
      }
      const unknownVenue = await staff.post('/api/incidents', reportBody({ venue: 'city-hall' }));
      expect(unknownVenue.json().error.message).toBe('没有这个地点');
      const unknownVenueEn = await staff.post('/api/incidents', reportBody({ venue: 'city-hall' }), { 'accept-language': 'en' });
      expect(unknownVenueEn.json().error.message).toMatch(/city-hall/);
      const notJson = await staff.post('/api/incidents', '{"venue":', { 'content-type': 'application/json' });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().error.code).toBe('bad_request');

      expect(await events()).toEqual(before);
      expect((await staff.get('/api/incidents')).json()).toEqual(incidents);
      expect((await view(id)).rejected).toEqual([]);
    });

    it('an unknown incident id answers 404 `not_found`', async () => {
      const before = await events();
      const read = await staff.get('/api/incidents/no-such-incident');
      expect(read.statusCode).toBe(404);
      expect(read.json().error.code).toBe('not_found');
      const cmd = await staff.post('/api/incidents/no-such-incident/commands', { do: 'headcount', value: 3 });
      expect(cmd.statusCode).toBe(404);
      expect(cmd.json().error.code).toBe('not_found');
      const timeline = await staff.get('/api/incidents/no-such-incident/events');
      expect(timeline.statusCode).toBe(404);
      expect(timeline.json().error.code).toBe('not_found');
      expect(await events()).toEqual(before);
    });

    it('CSRF: a state-changing request with the session cookie but without X-CSRF-Token is refused (403 `csrf`), nothing changes', async () => {
      const { id } = await report();
      const before = await events();
      const token = staff.csrf;
      staff.csrf = '';
      try {
        for (const [url, body] of [
          ['/api/incidents', reportBody()],
          [`/api/incidents/${id}/commands`, { do: 'clear' }],
          ['/api/logout', {}],
        ] as const) {
          const res = await staff.post(url, body);
          expect(res.statusCode, `${url}: ${res.body}`).toBe(403);
          expect(res.json().error.code).toBe('csrf');
        }
        const wrong = await staff.post(`/api/incidents/${id}/commands`, { do: 'clear' }, { 'x-csrf-token': 'not-the-token' });
        expect(wrong.statusCode).toBe(403);
        expect(wrong.json().error.code).toBe('csrf');
        // Reading needs no token.
        expect((await staff.get(`/api/incidents/${id}`)).statusCode).toBe(200);
      } finally {
        staff.csrf = token;
      }
      expect(await events()).toEqual(before);
      expect((await view(id)).incident.status).toBe('open');
      expect((await staff.get('/api/incidents')).json()).toHaveLength(1);
      // The session survived the refused sign-out, and with the token the command goes through.
      expect((await command(staff, id, { do: 'clear' })).statusCode).toBe(200);
    });

    it('a wrong password answers 401; repeated failures slow that address down (429 `rate_limited`), never lock the account', async () => {
      const login = (password: string, remoteAddress = '10.0.0.66') =>
        t.app.inject({ method: 'POST', url: '/api/login', remoteAddress, payload: { username: 'working-group.leader', password } });
      for (let i = 1; i <= 5; i++) {
        const res = await login(`wrong-${i}`);
        expect(res.statusCode, `attempt ${i}`).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
        expect(res.cookies.find((c) => c.name === 'yingji_session')).toBeUndefined();
      }
      const sixth = await login('wrong-6');
      expect(sixth.statusCode).toBe(429);
      expect(sixth.json().error).toMatchObject({ code: 'rate_limited', retry_after: 1 });
      expect(sixth.headers['retry-after']).toBe('1');
      // From that address even the right password waits (the server cannot tell who types)…
      expect((await login(DEMO_PASSWORD)).statusCode).toBe(429);
      // …but only briefly, and from another address the right password goes straight in.
      expect((await login(DEMO_PASSWORD, '10.0.0.7')).statusCode).toBe(200);
      // Another user name from the same address is not slowed.
      const other = await t.app.inject({ method: 'POST', url: '/api/login', remoteAddress: '10.0.0.66', payload: { username: 'county-party.leader', password: DEMO_PASSWORD } });
      expect(other.statusCode).toBe(200);
      // Once the wait is over, the right password signs in from the attacker's address too.
      t.clock.now += 1000;
      const later = await login(DEMO_PASSWORD);
      expect(later.statusCode, later.body).toBe(200);
      expect(later.json().csrf_token).toEqual(expect.any(String));
    });

    it('an unknown user name answers 401 like a wrong password', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'nobody', password: DEMO_PASSWORD } });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({ code: 'unauthenticated', message: '用户名或密码错误' });
    });

    it('logout ends the session: the same cookie then answers 401', async () => {
      const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'working-group.leader', password: DEMO_PASSWORD } });
      expect(login.statusCode).toBe(200);
      const cookie = `yingji_session=${login.cookies.find((c) => c.name === 'yingji_session')!.value}`;
      const csrf = login.json().csrf_token as string;
      const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ username: 'working-group.leader', roles: ['working-group/leader'], csrf_token: csrf });

      const out = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf } });
      expect(out.statusCode).toBe(200);
      // The old cookie (kept by the client against the server's wish) no longer works.
      for (const url of ['/api/me', '/api/incidents']) {
        const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
        expect(res.statusCode, url).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
      const post = await t.app.inject({ method: 'POST', url: '/api/incidents', headers: { cookie, 'x-csrf-token': csrf }, payload: reportBody() });
      expect(post.statusCode).toBe(401);
      // Also through the test client, which drops the cleared cookie.
      const c = await Client.as(t.app, 'county-party.leader');
      expect((await c.post('/api/logout')).statusCode).toBe(200);
      expect((await c.get('/api/incidents')).statusCode).toBe(401);
    });

    it("a township principal who has not arrived within 1 h is `missed`, with a `deadline_missed` alert at the deadline", async () => {
      const { id } = await report();
      t.clock.now += 4 * MINUTE;
      const guided = await must(staff, id, { do: 'guide', result: 'failed' });
      expect(guided.summons).toEqual([
        expect.objectContaining({
          role: 'town-tanggou/principal',
          unit: 'town-tanggou',
          reason: 'unit_summoned',
          issued_at: '2026-03-02T09:04:00+08:00',
          deadline: '2026-03-02T10:04:00+08:00',
          arrived_at: null,
          status: 'pending',
        }),
      ]);
      // A minute before the deadline nothing fires.
      t.clock.now = T0 + 63 * MINUTE;
      await t.processor.fireDueTimers();
      expect((await view(id)).summons[0].status).toBe('pending');
      expect((await view(id)).alerts).toEqual([]);
      // At the deadline the alert is raised, at the deadline's time.
      t.clock.now = T0 + 64 * MINUTE;
      await t.processor.fireDueTimers();
      const missed = await view(id);
      expect(missed.summons[0].status).toBe('missed');
      expect(missed.alerts).toEqual([{ at: '2026-03-02T10:04:00+08:00', kind: 'deadline_missed', role: 'town-tanggou/principal' }]);
      expect(missed.accountability).toEqual([{ unit: 'town-tanggou', summoned: 1, on_time: 0, late: 0, missed: 1, stood_down: 0, pending: 0 }]);
      const fired = (await events()).filter((e) => e.type === 'deadline_missed');
      expect(fired).toEqual([expect.objectContaining({ incident: id, role: 'town-tanggou/principal', at: '2026-03-02T10:04:00+08:00', actor: null })]);
      // Firing again does nothing; arriving later is late, not on time.
      t.clock.now += 30 * MINUTE;
      await t.processor.fireDueTimers();
      expect((await events()).filter((e) => e.type === 'deadline_missed')).toHaveLength(1);
      const principal = await Client.as(t.app, 'town-tanggou.principal');
      const arrived = await must(principal, id, { do: 'arrive', role: 'town-tanggou/principal' });
      expect(arrived.summons[0]).toMatchObject({ status: 'late', arrived_at: '2026-03-02T10:34:00+08:00' });
    });

    it('without a successful guide, the guidance window (10 min) expires and the principal is summoned then', async () => {
      const { id } = await report({ units: ['dept-housing'] });
      t.clock.now = T0 + 9 * MINUTE;
      await t.processor.fireDueTimers();
      expect((await view(id)).summons).toEqual([]);
      t.clock.now = T0 + 30 * MINUTE;
      await t.processor.fireDueTimers();
      const v = await view(id);
      // Timers fire at their own time, not at the time they are noticed.
      expect(v.summons).toEqual([
        expect.objectContaining({ role: 'dept-housing/principal', issued_at: '2026-03-02T09:10:00+08:00', deadline: '2026-03-02T09:25:00+08:00', status: 'missed' }),
      ]);
      expect(v.alerts).toEqual([{ at: '2026-03-02T09:25:00+08:00', kind: 'deadline_missed', role: 'dept-housing/principal' }]);
    });

    it('the summons of police-bureau/duty-leader (tier 3) names the demo person on duty', async () => {
      const roster = (await staff.get('/api/org/roster')).json() as any[];
      const shifts = roster.filter((s) => s.role === 'police-bureau/duty-leader');
      expect(shifts).toHaveLength(1);
      const people = (await staff.get('/api/org/people')).json() as any[];
      const onDuty = people.find((p) => p.id === shifts[0].person_id);
      expect(onDuty).toMatchObject({ unit_id: 'police-bureau', name: expect.stringContaining('值班局领导') });

      const { id, incident } = await report({ headcount: 30 });
      expect(incident.tier).toBe(3);
      const leader = await Client.as(t.app, 'working-group.leader');
      const escalated = await must(leader, id, { do: 'escalate', reason: '人数较多' });
      expect(escalated.incident.activated_at).toBe('2026-03-02T09:00:00+08:00');
      const duty = escalated.summons.find((s: any) => s.role === 'police-bureau/duty-leader');
      expect(duty).toMatchObject({ reason: 'tier_command', unit: 'police-bureau', deadline: '2026-03-02T09:15:00+08:00' });
      expect(duty.persons).toEqual([{ id: onDuty.id, name: onDuty.name }]);
      // The assisting principals of tier 3 and the township's principal are summoned too.
      expect(escalated.summons.map((s: any) => [s.role, s.reason])).toEqual(
        expect.arrayContaining([
          ['police-special-patrol/principal', 'tier_assist'],
          ['police-public-order/principal', 'tier_assist'],
          ['police-station-zongyang/principal', 'tier_assist'],
          ['town-tanggou/principal', 'unit_summoned'],
        ]),
      );
      // The duty leader sees the summons as theirs.
      const duty_leader = await Client.as(t.app, 'police-bureau.duty-leader');
      const mine = (await duty_leader.get('/api/my/summons')).json() as any[];
      expect(mine.map((m) => m.summons.role)).toEqual(['police-bureau/duty-leader']);
    });

    it('clearing opens a case whose tracking code answers GET /api/track/:code without sign-in, with no personal data', async () => {
      const { id } = await report({ matter: '拖欠工资三个月,联系人王五 13900000000' });
      t.clock.now += 20 * MINUTE;
      const cleared = await must(staff, id, { do: 'clear' });
      expect(cleared.incident).toMatchObject({ status: 'cleared', cleared_at: '2026-03-02T09:20:00+08:00' });
      expect(cleared.cases).toHaveLength(1);
      // The staff who cleared it see the case but not its code: that is the petitioner's and the handler's.
      expect(cleared.cases[0]).toMatchObject({ route: 'responsible_unit', handler: 'town-tanggou', opened_at: '2026-03-02T09:20:00+08:00', tracking_code: null });
      const handler = await Client.as(t.app, 'town-tanggou.principal');
      const c = (await handler.get(`/api/incidents/${id}`)).json().cases[0];
      expect(c).toMatchObject({ route: 'responsible_unit', handler: 'town-tanggou', tracking_code: expect.stringMatching(/^YJ-[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/) });
      expect(c.accept_by).toMatch(ISO);
      expect(Date.parse(c.accept_by) - Date.parse(c.opened_at)).toBe(15 * 24 * HOUR);

      const anonymous = await t.app.inject({ method: 'GET', url: `/api/track/${c.tracking_code}` });
      expect(anonymous.statusCode, anonymous.body).toBe(200);
      const tracked = anonymous.json();
      expect(tracked).toMatchObject({
        tracking_code: c.tracking_code,
        status: 'registered',
        route: 'responsible_unit',
        handler: 'town-tanggou',
        handler_name: { zh: '汤沟镇', en: 'Tanggou Town' },
        registered_at: c.opened_at,
        accept_by: c.accept_by,
        accepted_at: null,
        due: null,
        can_rate: false,
      });
      // Nothing about the matter, the incident or any person.
      for (const secret of ['王五', '13900000000', '拖欠工资', id, 'persons', 'matter', STAFF, '演示']) {
        expect(anonymous.body).not.toContain(secret);
      }
      // The code can be typed in lower case with spaces around it.
      const typed = await t.app.inject({ method: 'GET', url: `/api/track/${encodeURIComponent(` ${c.tracking_code.toLowerCase()} `)}` });
      expect(typed.statusCode).toBe(200);
      // A wrong code reveals nothing.
      const wrong = await t.app.inject({ method: 'GET', url: '/api/track/YJ-0000-0000-0000-0000' });
      expect(wrong.statusCode).toBe(404);
      expect(wrong.json().error.code).toBe('not_found');
    });

    it('several units give a joint reception case; an accusation goes to the discipline commission', async () => {
      const joint = await report({ units: ['town-tanggou', 'dept-housing'] });
      const a = await must(staff, joint.id, { do: 'guide', result: 'succeeded' });
      expect(a.cases.map((c: any) => [c.route, c.handler])).toEqual([['joint_reception', 'joint-office']]);
      const accusation = await report({ category: 'accusation', matter: '反映某干部问题' });
      const b = await must(staff, accusation.id, { do: 'clear' });
      expect(b.cases.map((c: any) => [c.route, c.handler])).toEqual([['discipline_inspection', 'discipline-commission']]);
      const office = await Client.as(t.app, 'joint-office.principal');
      const jointCode = (await office.get(`/api/incidents/${joint.id}`)).json().cases[0].tracking_code;
      const res = await t.app.inject({ method: 'GET', url: `/api/track/${jointCode}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().route).toBe('joint_reception');
      // The accused unit sees the incident but never the complaint's tracking code (safeguards 6).
      expect(b.cases[0].tracking_code).toBeNull();
      const town = await Client.as(t.app, 'town-tanggou.principal');
      expect(JSON.stringify((await town.get(`/api/incidents/${accusation.id}`)).json().cases)).not.toMatch(/YJ-/);
      const discipline = await Client.as(t.app, 'discipline-commission.principal');
      const code = ((await discipline.get('/api/cases')).json() as any[])[0].tracking_code;
      expect((await t.app.inject({ method: 'GET', url: `/api/track/${code}` })).json().route).toBe('discipline_inspection');
    });
  });
}

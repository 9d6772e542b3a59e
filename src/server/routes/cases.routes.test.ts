import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, RETENTION_DAYS, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import { verifyChain } from '../../store/audit.js';

/*
 * The follow-up case lifecycle of rules.md on every database: acceptance within 15 days,
 * handling within 60 with one extension of at most 30 approved by the unit's head, the reply
 * and its rating, review and second review with their 30-day windows, forwarding with the
 * 5-working-day objection, the route-specific work, deadline reminders and missed-deadline
 * notices as durable timers, who sees what (an accused unit never sees its case), and the
 * petitioner's personal data: sealed at rest, read only by handlers, every read on the record,
 * erased after the retention period.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
// A Monday, 09:00 in the county.
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const STAFF = 'petition-bureau.staff';

for (const dialect of DIALECTS) {
  describe(`cases on ${dialect}`, () => {
    let t: TestApp;
    let staff: Client;
    let town: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      staff = await Client.as(t.app, STAFF, undefined, { renew: true });
      town = await Client.as(t.app, 'town-tanggou.principal', undefined, { renew: true });
    });
    afterEach(async () => {
      await t.close();
    });

    /** Reports an incident and clears it: the grievance becomes a case. */
    const caseFromIncident = async (over: Record<string, unknown> = {}) => {
      const res = await staff.post('/api/incidents', reportBody(over));
      expect(res.statusCode, res.body).toBe(201);
      t.clock.now += 10 * MINUTE;
      const cleared = await staff.post(`/api/incidents/${res.json().id}/commands`, { do: 'clear' });
      expect(cleared.statusCode, cleared.body).toBe(200);
      const opened = cleared.json().cases[0] as { id: string | null; tracking_code: string | null; route: string; handler: string };
      // The staff who cleared it are not its handlers: the code is the petitioner's and the handlers' only.
      expect(opened.tracking_code).toBeNull();
      const row = await t.store.db.selectFrom('cases').select('tracking_code').where('incident_id', '=', res.json().id).executeTakeFirstOrThrow();
      return { ...opened, tracking_code: row.tracking_code };
    };
    const caseId = async (code: string | null) => {
      if (!code) throw new Error('no tracking code');
      const row = await t.store.db.selectFrom('cases').select('id').where('tracking_code', '=', code).executeTakeFirstOrThrow();
      return row.id;
    };
    /** The case an incident opened. */
    const caseOf = async (incidentId: string) => (await t.store.db.selectFrom('cases').select('id').where('incident_id', '=', incidentId).executeTakeFirstOrThrow()).id;
    const act = (c: Client, id: string, body: unknown) => c.post(`/api/cases/${id}/commands`, body);
    const must = async (c: Client, id: string, body: unknown) => {
      const res = await act(c, id, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(200);
      return res.json();
    };
    const refused = async (c: Client, id: string, body: unknown, reason: string) => {
      const res = await act(c, id, body);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.reason).toBe(reason);
    };
    const fire = async (to: number) => {
      t.clock.now = to;
      await t.cases.fireDueTimers();
    };
    const caseEvents = async (c: Client, id: string) => ((await c.get(`/api/cases/${id}`)).json().events as any[]).map((e) => e.type);

    it('runs the whole lifecycle: accept, extend once, opinion, reply, rating, review, second review, closed', async () => {
      const opened = await caseFromIncident();
      const id = await caseId(opened.tracking_code);
      const listed = (await town.get('/api/cases')).json() as any[];
      expect(listed.map((c) => c.id)).toEqual([id]);
      expect(listed[0]).toMatchObject({ status: 'registered', handler: 'town-tanggou', deadline: { kind: 'acceptance', overdue: false } });

      t.clock.now += 2 * DAY;
      const accepted = await must(town, id, { do: 'accept' });
      expect(accepted.status).toBe('accepted');
      expect(Date.parse(accepted.due) - Date.parse(accepted.accepted_at)).toBe(60 * DAY);

      // One extension, at most 30 days, approved by the head of the handling unit.
      const responsible = await Client.as(t.app, 'town-tanggou.responsible');
      expect((await act(responsible, id, { do: 'extend', days: 20, reason: '需补充调查', approved_by: 'town-tanggou/principal' })).statusCode).toBe(403);
      await refused(town, id, { do: 'extend', days: 31, reason: '需补充调查', approved_by: 'town-tanggou/principal' }, 'extension_too_long');
      const extended = await must(town, id, { do: 'extend', days: 30, reason: '需补充调查', approved_by: 'town-tanggou/principal' });
      expect(Date.parse(extended.due) - Date.parse(accepted.due)).toBe(30 * DAY);
      await refused(town, id, { do: 'extend', days: 1, reason: '再延', approved_by: 'town-tanggou/principal' }, 'already_extended');

      await refused(town, id, { do: 'reply' }, 'no_opinion');
      await refused(town, id, { do: 'opinion', kind: 'refer_channel', text: '请依法申请仲裁' }, 'channel_required');
      await must(town, id, { do: 'opinion', kind: 'supports', text: '补偿款于月底前发放到位' });
      const replied = await must(town, id, { do: 'reply' });
      expect(replied).toMatchObject({ status: 'replied' });
      expect(Date.parse(replied.review_by) - Date.parse(replied.replied_at)).toBe(30 * DAY);

      // The petitioner rates once per answer, on the public page.
      const rate = (value: string) => t.app.inject({ method: 'POST', url: `/api/track/${opened.tracking_code}/rating`, payload: { value, comment: '还要看落实' } });
      const rated = await rate('basically_satisfied');
      expect(rated.statusCode, rated.body).toBe(200);
      expect(rated.json()).toMatchObject({ rating: 'basically_satisfied', can_rate: false, opinion: { kind: 'supports' } });
      expect((await rate('satisfied')).json().error.reason).toBe('already_rated');

      // Review within 30 days; decided by the next level (not the unit reviewed) within 30.
      t.clock.now += 29 * DAY;
      const review = await must(staff, id, { do: 'request_review' });
      expect(review.status).toBe('review');
      expect((await act(town, id, { do: 'decide_review', result: 'upheld', text: '维持' })).statusCode).toBe(403);
      const joint = await Client.as(t.app, 'joint-office.principal');
      const decided = await must(joint, id, { do: 'decide_review', result: 'upheld', text: '维持原处理意见' });
      expect(decided).toMatchObject({ status: 'reviewed' });
      // A new answer may be rated again.
      expect((await rate('not_satisfied')).statusCode).toBe(200);

      await must(staff, id, { do: 'request_review' });
      const leader = await Client.as(t.app, 'county-government.leader');
      const concluded = await must(leader, id, { do: 'decide_review', result: 'upheld', text: '复核维持' });
      expect(concluded).toMatchObject({ status: 'closed', closed_by: 'procedure_concluded' });
      await refused(staff, id, { do: 'request_review' }, 'closed');

      const tracked = (await t.app.inject({ method: 'GET', url: `/api/track/${opened.tracking_code}` })).json();
      expect(tracked).toMatchObject({ status: 'closed', closed_by: 'procedure_concluded', extension: { days: 30, reason: '需补充调查' } });
      expect(tracked.reviews.map((r: any) => [r.level, r.result])).toEqual([[1, 'upheld'], [2, 'upheld']]);

      expect(await caseEvents(staff, id)).toEqual([
        'case_registered', 'case_accepted', 'case_extended', 'opinion_recorded', 'case_replied', 'case_rated',
        'review_requested', 'review_decided', 'case_rated', 'review_requested', 'review_decided', 'case_closed',
      ]);
      expect(await verifyChain(t.store.db)).toMatchObject({ ok: true });
    });

    it('reminds 3 days before the acceptance deadline and raises a missed-deadline notice at it; handling likewise', async () => {
      const opened = await caseFromIncident();
      const id = await caseId(opened.tracking_code);
      const registered = Date.parse((await town.get(`/api/cases/${id}`)).json().registered_at);
      await fire(registered + 12 * DAY - 1);
      expect(await caseEvents(town, id)).toEqual(['case_registered']);
      await fire(registered + 12 * DAY);
      expect(await caseEvents(town, id)).toEqual(['case_registered', 'case_deadline_reminder']);
      await fire(registered + 15 * DAY + 1);
      const late = (await town.get(`/api/cases/${id}`)).json();
      expect(late.events.at(-1)).toMatchObject({ type: 'case_deadline_missed', deadline: 'acceptance', at: late.accept_by });
      expect(late.deadline).toMatchObject({ kind: 'acceptance', overdue: true });
      // Late acceptance is still possible, and on the record as late.
      const accepted = await must(town, id, { do: 'accept' });
      const due = Date.parse(accepted.due);
      await fire(due);
      expect((await caseEvents(town, id)).slice(-2)).toEqual(['case_deadline_reminder', 'case_deadline_missed']);
      const row = await t.store.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(Number(row.decided_at)).toBeGreaterThan(Number(row.accept_by));
      expect(row.replied_at).toBeNull();
    });

    it('closes when the review window passes unused; a late review request is refused', async () => {
      const id = await caseId((await caseFromIncident()).tracking_code);
      await must(town, id, { do: 'accept' });
      await must(town, id, { do: 'opinion', kind: 'explains', text: '已解释政策' });
      const replied = await must(town, id, { do: 'reply' });
      await fire(Date.parse(replied.review_by) + 1);
      const closed = (await town.get(`/api/cases/${id}`)).json();
      expect(closed).toMatchObject({ status: 'closed', closed_by: 'no_review' });
      await refused(staff, id, { do: 'request_review' }, 'closed');
    });

    it('a matter for the courts is pointed to its channel; not accepting needs a reason and closes the case', async () => {
      const a = await caseId((await caseFromIncident()).tracking_code);
      await must(town, a, { do: 'accept' });
      const opinion = await must(town, a, { do: 'opinion', kind: 'refer_channel', channel: 'litigation', text: '属民事纠纷,请依法向人民法院起诉' });
      expect(opinion.opinion).toMatchObject({ kind: 'refer_channel', channel: 'litigation' });
      const b = await caseId((await caseFromIncident()).tracking_code);
      const res = await act(town, b, { do: 'not_accept' });
      expect(res.statusCode).toBe(400);
      const no = await must(town, b, { do: 'not_accept', reason: '已由劳动仲裁受理', channel: 'arbitration' });
      expect(no).toMatchObject({ status: 'closed', closed_by: 'not_accepted', not_accepted: { channel: 'arbitration' } });
    });

    it('forwarding: the receiving unit may object within 5 working days, not after', async () => {
      const id = await caseId((await caseFromIncident()).tracking_code);
      const forwarded = await must(town, id, { do: 'forward', to: 'dept-housing', reason: '属住建部门职责' });
      // Monday 09:10 + 5 working days = the next Monday 09:10.
      expect(forwarded.forwards[0]).toMatchObject({ from: 'town-tanggou', to: 'dept-housing', object_by: '2026-03-09T09:10:00+08:00' });
      expect(forwarded.handler).toBe('dept-housing');
      const housing = await Client.as(t.app, 'dept-housing.principal', undefined, { renew: true });
      expect((await housing.get('/api/cases')).json().map((c: any) => c.id)).toEqual([id]);
      const objected = await must(housing, id, { do: 'object', reason: '不属本单位职责' });
      expect(objected.handler).toBe('town-tanggou');

      await must(town, id, { do: 'forward', to: 'dept-housing', reason: '再次转送' });
      t.clock.now = Date.parse('2026-03-16T09:11:00+08:00');
      await refused(housing, id, { do: 'object', reason: '不属本单位职责' }, 'objection_closed');
      await must(housing, id, { do: 'accept' });
    });

    it('route work: a joint reception is scheduled and held; a procedure concluded is handed back and closed', async () => {
      const joint = await caseFromIncident({ units: ['town-tanggou', 'dept-housing'] });
      expect(joint.route).toBe('joint_reception');
      const id = await caseId(joint.tracking_code);
      const office = await Client.as(t.app, 'joint-office.principal');
      const scheduled = await must(office, id, { do: 'schedule_reception', on: '2026-03-05 09:00', place: '县联合接访中心', units: ['town-tanggou', 'dept-housing'] });
      expect(scheduled.reception).toMatchObject({ place: '县联合接访中心', units: ['town-tanggou', 'dept-housing'], held_at: null });
      const held = await must(office, id, { do: 'record_reception', summary: '两单位当面答复' });
      expect(held.reception.summary).toBe('两单位当面答复');
      await refused(town, await caseId((await caseFromIncident()).tracking_code), { do: 'schedule_reception', on: 'x', place: 'y' }, 'wrong_route');

      const wg = await Client.as(t.app, 'working-group.leader');
      const res = await staff.post('/api/incidents', reportBody());
      await wg.post(`/api/incidents/${res.json().id}/commands`, { do: 'mark_concluded' });
      await staff.post(`/api/incidents/${res.json().id}/commands`, { do: 'clear' });
      const back = await caseOf(res.json().id);
      await refused(town, back, { do: 'accept' }, 'procedure_concluded');
      const handed = await must(town, back, { do: 'hand_over', note: '由汤沟镇带回做好思想工作' });
      expect(handed).toMatchObject({ status: 'closed', closed_by: 'handed_back', handed_over: { to: 'town-tanggou' } });
    });

    it('a refused command still records the deadline reminders it caught up: the projection and the log agree', async () => {
      const opened = await caseFromIncident();
      const id = await caseId(opened.tracking_code);
      // Past the acceptance reminder (3 days before the 15-day deadline), with no timer run yet.
      t.clock.now += 13 * DAY;
      // The petition bureau sees the case but does not handle it: refused inside the transaction, after the catch-up.
      expect((await act(staff, id, { do: 'accept' })).statusCode).toBe(403);
      const detail = await must(town, id, { do: 'accept' });
      const events = await t.store.db.selectFrom('events').select(['type', 'version']).where('stream', '=', 'case').where('stream_id', '=', id).orderBy('version').execute();
      expect(events.map((e) => e.type)).toContain('case_deadline_reminder');
      expect(detail.version).toBe(events.length);
      expect(events.map((e) => Number(e.version))).toEqual(events.map((_, i) => i + 1));
    });

    it('a county leader receives a major matter', async () => {
      const wg = await Client.as(t.app, 'working-group.leader');
      const res = await staff.post('/api/incidents', reportBody());
      await wg.post(`/api/incidents/${res.json().id}/commands`, { do: 'mark_major' });
      const c = (await staff.post(`/api/incidents/${res.json().id}/commands`, { do: 'clear' })).json().cases[0];
      expect(c.route).toBe('county_leader_reception');
      const id = await caseOf(res.json().id);
      const leaderRole = c.handler as string;
      const leader = await Client.as(t.app, leaderRole.replace('/', '.'));
      const scheduled = await must(leader, id, { do: 'schedule_reception', on: '2026-03-04 15:00', place: '县政府接待室', units: ['town-tanggou'] });
      expect(scheduled.reception.leader).toBe(leaderRole);
      await must(leader, id, { do: 'record_reception', summary: '县领导当面听取诉求' });
    });

    it('an accusation goes to the discipline commission, may go on to the inspection team, and is never visible to the accused unit', async () => {
      const c = await caseFromIncident({ category: 'accusation', matter: '反映汤沟镇干部问题' });
      expect(c).toMatchObject({ route: 'discipline_inspection', handler: 'discipline-commission' });
      const id = (await t.store.db.selectFrom('cases').select('id').where('route', '=', 'discipline_inspection').executeTakeFirstOrThrow()).id;
      const accused = town;
      expect((await accused.get('/api/cases?scope=all')).json()).toEqual([]);
      expect((await accused.get(`/api/cases/${id}`)).statusCode).toBe(404);
      expect((await act(accused, id, { do: 'accept' })).statusCode).toBe(404);
      // The case's events stay out of the shared feed.
      const feed = (await accused.get('/api/events?after=0&limit=5000')).json() as any[];
      expect(feed.some((e) => e.stream === 'case')).toBe(false);
      // Coordinators do not see it either; the discipline commission does.
      expect((await staff.get(`/api/cases/${id}`)).statusCode).toBe(404);
      const discipline = await Client.as(t.app, 'discipline-commission.principal');
      expect((await discipline.get('/api/cases')).json().map((x: any) => x.id)).toEqual([id]);
      await refused(discipline, id, { do: 'forward', to: 'dept-housing', reason: 'x' }, 'not_allowed_target');
      const forwarded = await must(discipline, id, { do: 'forward', to: 'inspection-team', reason: '涉及被巡视党组织领导班子' });
      expect(forwarded.handler).toBe('inspection-team');
      const team = await Client.as(t.app, 'inspection-team.principal');
      expect((await team.get(`/api/cases/${id}`)).statusCode).toBe(200);
    });

    it('a walk-in visit is registered by the petition bureau; a collective visit records at most 5 representatives', async () => {
      const tooMany = await staff.post('/api/cases', { matter: '集体反映拖欠工资', units: ['town-tanggou'], headcount: 30, representatives: 6 });
      expect(tooMany.statusCode).toBe(409);
      expect(tooMany.json().error.reason).toBe('too_many_representatives');
      expect((await town.post('/api/cases', { matter: 'x', units: ['town-tanggou'] })).statusCode).toBe(403);
      const res = await staff.post('/api/cases', { matter: '集体反映拖欠工资', units: ['town-tanggou'], headcount: 30, representatives: 5 });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ incident: null, route: 'responsible_unit', handler: 'town-tanggou', representatives: 5, status: 'registered', tracking_code: expect.stringMatching(/^YJ-/) });
    });

    it('personal data: sealed at rest, shown only to handlers, every read recorded, erased after the retention period', async () => {
      const res = await staff.post('/api/cases', {
        matter: '反映征地补偿问题',
        units: ['town-tanggou'],
        personal: { name: '张三', phone: '13800000000', representatives: ['李四'] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      expect(res.body).not.toContain('张三');
      // At rest: neither the sealed column nor any event or projection holds the plain text.
      const sealed = await t.store.db.selectFrom('case_personal').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
      expect(sealed.sealed).toBeTruthy();
      const everything = JSON.stringify([sealed, await t.store.db.selectFrom('events').selectAll().execute(), await t.store.db.selectFrom('cases').selectAll().execute()]);
      for (const plain of ['张三', '13800000000', '李四', Buffer.from('张三').toString('base64')]) expect(everything).not.toContain(plain);

      // The petition bureau coordinates but does not handle: no personal data.
      expect((await staff.get(`/api/cases/${id}/personal`)).statusCode).toBe(403);
      const read = await town.get(`/api/cases/${id}/personal?purpose=${encodeURIComponent('电话告知受理结果')}`);
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toEqual({ name: '张三', phone: '13800000000', representatives: ['李四'] });
      const events = (await town.get(`/api/cases/${id}`)).json().events as any[];
      expect(events.filter((e) => e.type === 'personal_data_read')).toEqual([
        expect.objectContaining({ purpose: '电话告知受理结果', actor: expect.objectContaining({ user: 'town-tanggou.principal', role: 'town-tanggou/principal' }) }),
      ]);

      // Closed, then erased RETENTION_DAYS later, by the durable timer; the chain still verifies.
      const closed = await must(town, id, { do: 'not_accept', reason: '已通过诉讼途径解决', channel: 'litigation' });
      await fire(Date.parse(closed.closed_at) + RETENTION_DAYS * DAY - 1);
      expect((await town.get(`/api/cases/${id}/personal`)).statusCode).toBe(200);
      await fire(Date.parse(closed.closed_at) + RETENTION_DAYS * DAY);
      const gone = await town.get(`/api/cases/${id}/personal`);
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error.erased).toBe(true);
      const row = await t.store.db.selectFrom('case_personal').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
      expect(row.sealed).toBeNull();
      expect((await town.get(`/api/cases/${id}`)).json()).toMatchObject({ personal: false, personal_erased_at: expect.any(String) });
      expect(await verifyChain(t.store.db)).toMatchObject({ ok: true });
    });

    it('the tracking page: wrong codes say so and are rate-limited; no personal data or matter text', async () => {
      const res = await staff.post('/api/cases', { matter: '反映王五家宅基地纠纷', units: ['town-tanggou'], personal: { name: '王五', phone: '13900000000' } });
      const code = res.json().tracking_code as string;
      const ok = await t.app.inject({ method: 'GET', url: `/api/track/${code}` });
      expect(ok.statusCode).toBe(200);
      for (const secret of ['王五', '13900000000', '宅基地', res.json().id]) expect(ok.body).not.toContain(secret);
      expect((await t.app.inject({ method: 'POST', url: `/api/track/${code}/rating`, payload: { value: 'satisfied' } })).json().error.reason).toBe('not_replied');
      let last = 0;
      for (let i = 0; i < 31; i++) last = (await t.app.inject({ method: 'GET', url: `/api/track/YJ-0000-0000-0000-${String(i).padStart(4, '0')}` })).statusCode;
      expect(last).toBe(429);
      // Even the right code waits out the pause: guessing gains nothing.
      expect((await t.app.inject({ method: 'GET', url: `/api/track/${code}` })).statusCode).toBe(429);
    });
  });
}

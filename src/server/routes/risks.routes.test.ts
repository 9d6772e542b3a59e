import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, testApp, type TestApp } from '../../../test/support/server.js';
import { DEFAULT_PLAN_FILE } from '../../plan/plan.loader.js';
import { verifyChain } from '../../store/audit.js';

/*
 * The early-warning register of §6 on every database: townships and county departments report
 * the matters of their own areas, a leader is assigned to each (领导包案), actions and reviews are
 * recorded, a passed review date raises an alert through a durable timer, and a sign of a coming
 * petition (上访苗头) alerts the working group at once and stays on the board until handled.
 * Matters only: the API refuses any field about a person. Every change is in the hash chain.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
// A Monday, 09:00 in the county.
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

const matter = (over: Record<string, unknown> = {}) => ({
  unit: 'town-tanggou',
  matter: '某工业园企业拖欠工人工资约三个月',
  place: '汤沟镇工业园',
  affected: 40,
  level: 'medium',
  ...over,
});

for (const dialect of DIALECTS) {
  describe(`the early-warning register on ${dialect}`, () => {
    let t: TestApp;
    let town: Client;
    let group: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      town = await Client.as(t.app, 'town-tanggou.principal', undefined, { renew: true });
      group = await Client.as(t.app, 'working-group.leader', undefined, { renew: true });
    });
    afterEach(async () => {
      await t.close();
    });

    const report = async (c: Client, body: Record<string, unknown>) => {
      const res = await c.post('/api/risks', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const act = (c: Client, id: string, body: unknown) => c.post(`/api/risks/${id}/commands`, body);
    const must = async (c: Client, id: string, body: unknown) => {
      const res = await act(c, id, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(200);
      return res.json();
    };
    const alerts = async (c: Client) => {
      const res = await c.get('/api/risks/alerts');
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { signs: any[]; overdue: any[]; can_handle: boolean };
    };
    const types = async (c: Client, id: string) => ((await c.get(`/api/risks/${id}`)).json().events as any[]).map((e) => e.type);

    it('a township reports a matter; a leader is assigned; actions and the review are recorded; the list filters', async () => {
      const created = await report(town, matter({ next_review: '2026-03-09' }));
      expect(created).toMatchObject({ kind: 'matter', unit: 'town-tanggou', affected: 40, level: 'medium', status: 'open', leader: null, next_review: { on: '2026-03-09' }, overdue: false, open_sign: null });
      expect(created.unit_name.zh).toBe('汤沟镇');
      const id = created.id as string;

      t.clock.now += 10 * MINUTE;
      const led = await must(group, id, { do: 'assign_leader', leader: 'county-government/leader' });
      expect(led).toMatchObject({ leader: 'county-government/leader', leader_name: { zh: expect.stringContaining('县政府') } });
      await must(town, id, { do: 'record_action', text: '镇劳动保障所约谈企业负责人' });
      await must(town, id, { do: 'record_action', text: '协调垫付部分工资' });
      // The assigned leader works on the case too.
      const leader = await Client.as(t.app, 'county-government.leader');
      await must(leader, id, { do: 'change_level', level: 'high', reason: '涉及人数增加' });
      await must(town, id, { do: 'estimate', affected: 80, reason: '另一车间也欠薪' });
      await must(town, id, { do: 'complete_review', note: '企业承诺月底前发放', next: '2026-03-16' });
      const resolving = await must(town, id, { do: 'mark_resolving', note: '分期发放中' });
      expect(resolving).toMatchObject({ status: 'resolving', level: 'high', affected: 80, next_review: { on: '2026-03-16' } });
      expect(resolving.actions.map((a: any) => a.text)).toEqual(['镇劳动保障所约谈企业负责人', '协调垫付部分工资']);
      expect(resolving.reviews).toEqual([{ note: '企业承诺月底前发放', at: expect.any(String) }]);
      const refused = await act(town, id, { do: 'mark_resolving' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.reason).toBe('wrong_status');

      const detail = (await town.get(`/api/risks/${id}`)).json();
      expect(detail.events.map((e: any) => e.type)).toEqual([
        'risk_reported', 'leader_assigned', 'risk_action_recorded', 'risk_action_recorded', 'risk_level_changed', 'risk_estimate_changed', 'review_completed', 'risk_resolving',
      ]);
      expect(detail.events[1]).toMatchObject({ stream: 'risk', risk: id, actor: { user: 'working-group.leader', role: 'working-group/leader' } });
      expect(detail.allowed).toContain('mark_resolved');
      expect(detail.allowed).not.toContain('handle_sign');

      // A second matter, low, of another township; filters by status, level and unit.
      const hengbu = await Client.as(t.app, 'town-hengbu.principal');
      await report(hengbu, matter({ unit: 'town-hengbu', matter: '安置房漏水', place: '横埠镇安置小区', affected: 120, level: 'low', next_review: '2026-03-05' }));
      const all = (await group.get('/api/risks')).json() as any[];
      expect(all.map((r) => [r.unit, r.level])).toEqual([['town-tanggou', 'high'], ['town-hengbu', 'low']]);
      expect(((await group.get('/api/risks?level=low')).json() as any[]).map((r) => r.unit)).toEqual(['town-hengbu']);
      expect(((await group.get('/api/risks?status=resolving')).json() as any[]).map((r) => r.id)).toEqual([id]);
      expect(((await group.get('/api/risks?unit=town-hengbu')).json() as any[]).length).toBe(1);
      // A township sees its own matters only; the leader those it leads.
      expect(((await town.get('/api/risks')).json() as any[]).map((r) => r.id)).toEqual([id]);
      expect(((await leader.get('/api/risks')).json() as any[]).length).toBe(2);

      const resolved = await must(town, id, { do: 'mark_resolved', note: '工资全部发放' });
      expect(resolved).toMatchObject({ status: 'resolved', next_review: null });
      expect((await act(town, id, { do: 'record_action', text: '回访' })).json().error.reason).toBe('resolved');
      expect(await verifyChain(t.store.db)).toMatchObject({ ok: true });
    });

    it('a passed review date raises an overdue alert through the durable timer, until a review is recorded', async () => {
      const { id } = await report(town, matter({ next_review: '2026-03-04' }));
      const due = Date.parse('2026-03-05T00:00:00+08:00');
      const timer = await t.store.db.selectFrom('timers').selectAll().where('stream', '=', 'risk').execute();
      expect(timer.map((r) => [r.stream_id, Number(r.due)])).toEqual([[id, due]]);

      t.clock.now = due - 1;
      expect(await t.risks.fireDueTimers()).toBe(0);
      expect((await alerts(group)).overdue).toEqual([]);

      t.clock.now = due + 3 * DAY;
      expect(await t.risks.fireDueTimers()).toBe(1);
      const raised = await alerts(group);
      expect(raised.overdue).toMatchObject([{ kind: 'review_overdue', risk: id, unit: 'town-tanggou', detail: '2026-03-04', since: '2026-03-05T00:00:00+08:00' }]);
      // The township sees its own alert too; another township does not.
      expect((await alerts(town)).overdue.map((a) => a.risk)).toEqual([id]);
      const hengbu = await Client.as(t.app, 'town-hengbu.principal');
      expect((await alerts(hengbu)).overdue).toEqual([]);
      const events = (await group.get(`/api/risks/${id}`)).json().events as any[];
      expect(events.at(-1)).toMatchObject({ type: 'review_overdue', at: '2026-03-05T00:00:00+08:00', actor: null });
      expect((await group.get(`/api/risks/${id}`)).json()).toMatchObject({ overdue: true });
      // Once only.
      t.clock.now += DAY;
      expect(await t.risks.fireDueTimers()).toBe(0);

      // Moving the date does not clear it; recording the review does.
      const moved = await act(town, id, { do: 'set_review', on: '2026-03-20' });
      expect(moved.statusCode).toBe(409);
      expect(moved.json().error.reason).toBe('review_overdue');
      await must(town, id, { do: 'complete_review', note: '已复查,企业已支付一个月工资', next: '2026-03-20' });
      expect((await alerts(group)).overdue).toEqual([]);
      expect(await types(group, id)).toEqual(['risk_reported', 'review_overdue', 'review_completed']);
      expect(await verifyChain(t.store.db)).toMatchObject({ ok: true });
    });

    it('a sign of a coming petition alerts the working group at once, in the live feed, and leaves the alerts when handled', async () => {
      const before = Number((await t.store.db.selectFrom('chain_head').select('seq').executeTakeFirst())?.seq ?? 0);
      const sign = await report(town, matter({ kind: 'sign', matter: '工人相约明日到巡视组驻地反映欠薪', level: 'high' }));
      expect(sign.open_sign).toMatchObject({ text: '工人相约明日到巡视组驻地反映欠薪' });

      const raised = await alerts(group);
      expect(raised.can_handle).toBe(true);
      expect(raised.signs).toMatchObject([{ kind: 'sign', risk: sign.id, unit: 'town-tanggou', level: 'high', affected: 40, detail: '工人相约明日到巡视组驻地反映欠薪' }]);
      // In the shared event feed the board listens to.
      const feed = (await group.get(`/api/events?after=${before}`)).json() as any[];
      expect(feed.map((e) => [e.stream, e.type])).toEqual([['risk', 'risk_reported'], ['risk', 'sign_raised']]);
      expect(feed[1]).toMatchObject({ risk: sign.id, informed: ['working-group/leader', 'working-group/executive-deputy', 'working-group/deputy'], clause: '§6' });

      // The township cannot handle it, nor resolve the matter while it is open.
      const own = await alerts(town);
      expect(own.can_handle).toBe(false);
      const byTown = await act(town, sign.id, { do: 'handle_sign', done: '已劝导' });
      expect(byTown.statusCode).toBe(403);
      expect((await act(town, sign.id, { do: 'mark_resolved', note: '已化解' })).json().error.reason).toBe('sign_open');
      expect((await town.get(`/api/risks/${sign.id}`)).json().allowed).not.toContain('handle_sign');
      expect((await group.get(`/api/risks/${sign.id}`)).json().allowed).toContain('handle_sign');

      t.clock.now += 20 * MINUTE;
      const handled = await must(group, sign.id, { do: 'handle_sign', done: '工作小组协调县人社局当日约谈企业,制定工资支付计划' });
      expect(handled.open_sign).toBeNull();
      expect(handled.signs).toMatchObject([{ handled_at: '2026-03-02T09:20:00+08:00', done: expect.stringContaining('工资支付计划') }]);
      expect((await alerts(group)).signs).toEqual([]);
      expect((await act(group, sign.id, { do: 'handle_sign', done: '再处理' })).json().error.reason).toBe('no_open_sign');

      // A sign about a matter already in the register.
      const { id } = await report(town, matter({ matter: '征地补偿款未发放', place: '汤沟镇新村' }));
      await must(town, id, { do: 'raise_sign', text: '部分村民计划集体到县信访局' });
      expect((await alerts(group)).signs.map((a) => a.risk)).toEqual([id]);
      const petition = await Client.as(t.app, 'petition-bureau.staff');
      await must(petition, id, { do: 'handle_sign', done: '县信访局提前对接,安排联合接访' });
      expect((await alerts(group)).signs).toEqual([]);
      expect(await verifyChain(t.store.db)).toMatchObject({ ok: true, events: 6 });
    });

    it('who may: a township reports for itself only; police and others are refused; another unit’s matter is forbidden', async () => {
      const other = await town.post('/api/risks', matter({ unit: 'town-hengbu' }));
      expect(other.statusCode).toBe(403);
      expect(other.json().error.code).toBe('forbidden');
      const police = await Client.as(t.app, 'police-bureau.principal');
      expect((await police.post('/api/risks', matter())).statusCode).toBe(403);
      expect((await police.get('/api/risks')).statusCode).toBe(403);
      // The working group oversees but does not report for a unit (§6: units screen their own areas).
      expect((await group.post('/api/risks', matter())).statusCode).toBe(403);
      // A county department reports its own matters.
      const housing = await Client.as(t.app, 'dept-housing.principal');
      const dept = await report(housing, matter({ unit: 'dept-housing', matter: '商品房逾期交付', place: '县城某小区', affected: 300 }));
      // An unknown unit is the engine's refusal for an administrator (who may report for any unit).
      const admin = await Client.as(t.app, 'admin');
      expect((await admin.post('/api/risks', matter({ unit: 'police-bureau' }))).json().error.reason).toBe('not_screening_unit');

      const { id } = await report(town, matter());
      const hengbu = await Client.as(t.app, 'town-hengbu.principal');
      expect((await hengbu.get(`/api/risks/${id}`)).statusCode).toBe(403);
      expect((await act(hengbu, id, { do: 'record_action', text: '协助' })).statusCode).toBe(403);
      expect((await town.get(`/api/risks/${dept.id}`)).statusCode).toBe(403);
      expect((await town.get('/api/risks/no-such-matter')).statusCode).toBe(404);
      // Assigned as leader, another unit's principal sees and works on the matter.
      await must(town, id, { do: 'assign_leader', leader: 'town-hengbu/principal' });
      expect((await hengbu.get(`/api/risks/${id}`)).statusCode).toBe(200);
      await must(hengbu, id, { do: 'record_action', text: '协调相邻镇共同化解' });
      expect(await types(town, id)).toEqual(['risk_reported', 'leader_assigned', 'risk_action_recorded']);
      const events = (await town.get(`/api/risks/${id}`)).json().events as any[];
      expect(events.at(-1).actor).toMatchObject({ user: 'town-hengbu.principal', role: 'town-hengbu/principal' });
    });

    it('is documented in the OpenAPI document, with every command', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const path of ['/api/risks', '/api/risks/alerts', '/api/risks/{id}', '/api/risks/{id}/commands']) expect(Object.keys(doc.paths), path).toContain(path);
      const body = JSON.stringify(doc.paths['/api/risks/{id}/commands'].post.requestBody);
      for (const name of ['assign_leader', 'record_action', 'set_review', 'complete_review', 'change_level', 'mark_resolving', 'mark_resolved', 'handle_sign']) expect(body).toContain(`"${name}"`);
      // The report has no field about a person.
      const report = JSON.stringify(doc.paths['/api/risks'].post.requestBody);
      for (const field of ['"name"', '"phone"', '"id_number"']) expect(report).not.toContain(field);
    });

    it('refuses any field about a person and personal data in free text (400), writing nothing', async () => {
      const head = async () => Number((await t.store.db.selectFrom('chain_head').select('seq').executeTakeFirst())?.seq ?? 0);
      const start = await head();
      for (const field of ['name', 'phone', 'id_number']) {
        const res = await town.post('/api/risks', { ...matter(), [field]: field === 'phone' ? '13812345678' : '某某' });
        expect(res.statusCode, field).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'bad_request', message: '登记只记事项,不记人:请删去个人信息' });
      }
      for (const text of ['带头人手机号13812345678', '身份证340823198001011234', '列为重点人员稳控']) {
        const res = await town.post('/api/risks', matter({ matter: text }));
        expect(res.statusCode, text).toBe(400);
        expect(res.json().error.message).toBe('事项:登记只记事项,不记人:请删去个人信息');
        const en = await town.post('/api/risks', matter({ matter: text }), { 'accept-language': 'en' });
        expect(en.json().error.message).toContain('not people');
      }
      const { id } = await report(town, matter());
      const afterReport = await head();
      expect((await act(town, id, { do: 'record_action', text: '约谈', petitioner: '某某' })).statusCode).toBe(400);
      expect((await act(town, id, { do: 'record_action', text: '已对其布控,电话0556-1234567' })).statusCode).toBe(400);
      expect(await head()).toBe(afterReport);
      expect(afterReport - start).toBe(1);
      // The projection itself has no column about a person.
      const columns = Object.keys((await t.store.db.selectFrom('risks').selectAll().executeTakeFirstOrThrow()) as object);
      expect(columns.sort()).toEqual(['affected', 'id', 'kind', 'leader', 'level', 'overdue', 'plan_digest', 'reported_at', 'review_due', 'sign_open', 'state', 'status', 'unit', 'updated_at', 'version']);
    });

    it('a matter keeps the plan version it was entered under; one entered before plans were pinned runs under the current one', async () => {
      const admin = await Client.as(t.app, 'admin');
      const v1 = (await t.plans.current()).digest;
      const first = await report(town, matter());
      // Version 2017.2 cites the register's rules as §6.1.
      const source = readFileSync(DEFAULT_PLAN_FILE, 'utf8').replace('version: "2017.1"', 'version: "2017.2"').replace('  clause: §6\n', '  clause: §6.1\n');
      const stored = await admin.post('/api/plans', { source });
      expect(stored.statusCode, stored.body).toBe(201);
      expect((await admin.post(`/api/plans/${stored.json().id}/activate`)).statusCode).toBe(200);
      const v2 = stored.json().digest as string;
      expect(v2).not.toBe(v1);
      const second = await report(town, matter({ matter: '另一处欠薪' }));
      const unpinned = await report(town, matter({ matter: '旧事项' }));
      await t.store.db.updateTable('risks').set({ plan_digest: null }).where('id', '=', unpinned.id).execute();

      const digests = await t.store.db.selectFrom('risks').select(['id', 'plan_digest']).execute();
      expect(new Map(digests.map((r) => [r.id, r.plan_digest]))).toEqual(new Map([[first.id, v1], [second.id, v2], [unpinned.id, null]]));
      const clauses = async (id: string) => {
        await must(group, id, { do: 'assign_leader', leader: 'county-government/leader' });
        await must(town, id, { do: 'raise_sign', text: '工人酝酿集体上访' });
        const events = (await group.get(`/api/risks/${id}`)).json().events as any[];
        return events.filter((e) => e.type === 'leader_assigned' || e.type === 'sign_raised').map((e) => [e.type, e.clause]);
      };
      expect(await clauses(first.id)).toEqual([['leader_assigned', '§6'], ['sign_raised', '§6']]);
      expect(await clauses(second.id)).toEqual([['leader_assigned', '§6.1'], ['sign_raised', '§6.1']]);
      expect(await clauses(unpinned.id)).toEqual([['leader_assigned', '§6.1'], ['sign_raised', '§6.1']]);
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, TEST_PUBLIC_URL, type TestApp } from '../../../test/support/server.js';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../notify/channels/webhook.channel.js';
import { HttpReceiver, SmtpReceiver } from '../../notify/test-support/receivers.js';

/*
 * Notifications end to end: a summons is written to the outbox in the transaction of its
 * event, delivered to a webhook receiver with a valid signature and to the person's in-app
 * inbox, shown with every attempt on the incident; the person's link acknowledges as that
 * person once and never again; a message that keeps failing lands on the dead-letter list and
 * an administrator's retry delivers it; a drill writes nothing to the outbox.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const SECRET = 'webhook-secret-for-tests-0123';
const ROLE = 'town-tanggou/principal';

for (const dialect of DIALECTS) {
  describe(`notifications on ${dialect}`, () => {
    let t: TestApp;
    let receiver: HttpReceiver;
    let staff: Client;

    beforeEach(async () => {
      receiver = await HttpReceiver.start();
      t = await testApp(dialect, T0, { notify: { webhook: { url: receiver.url(), secret: SECRET }, retry: { baseMs: 1000, maxAttempts: 2 } } });
      staff = await Client.as(t.app, 'petition-bureau.staff');
    });
    afterEach(async () => {
      await t.close();
      await receiver.down();
    });

    /** Reports an incident at the residence and fails the guidance: the township principal is summoned. */
    const summon = async () => {
      const res = await staff.post('/api/incidents', reportBody());
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      const guided = await staff.post(`/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' });
      expect(guided.statusCode, guided.body).toBe(200);
      return id;
    };
    const principalId = async () =>
      (await t.store.db.selectFrom('positions').select('person_id').where('role', '=', ROLE).where('ended_at', 'is', null).executeTakeFirstOrThrow()).person_id;
    const linkToken = async (incident: string) => {
      const row = await t.store.db
        .selectFrom('outbox')
        .selectAll()
        .where('source_id', '=', incident)
        .where('channel', '=', 'in_app')
        .where('recipient', '=', await principalId())
        .executeTakeFirstOrThrow();
      const link = (JSON.parse(row.body) as { link: string }).link;
      expect(link.startsWith(`${TEST_PUBLIC_URL}/a/`)).toBe(true);
      return link.slice(`${TEST_PUBLIC_URL}/a/`.length);
    };

    it('a summons writes its messages with its event, and they reach the webhook, signed, and the inbox', async () => {
      const id = await summon();
      const summons = await t.store.db.selectFrom('events').selectAll().where('stream_id', '=', id).where('type', '=', 'summons_issued').execute();
      expect(summons).toHaveLength(1);
      const rows = await t.store.db.selectFrom('outbox').selectAll().where('source_id', '=', id).orderBy('channel').execute();
      const person = await principalId();
      expect(rows.map((r) => [r.channel, r.recipient])).toEqual([
        ['in_app', person],
        ['webhook', 'group'],
      ]);
      for (const r of rows) {
        expect(Number(r.source_seq)).toBe(Number(summons[0]!.seq));
        expect(r.idempotency_key).toBe(`incident:${id}:${summons[0]!.seq}:${r.recipient}:${r.channel}`);
        expect(r.status).toBe('pending');
      }
      const text = (JSON.parse(rows[0]!.body) as { text: string }).text;
      expect(text).toBe('汤沟镇主要负责同志：巡视组驻地（8人，征地补偿款未发放）发生信访事件，请于3月2日 10:00前到场（§5.2）。收到请点击链接确认。');

      expect(await t.notify.dispatcher.runOnce()).toBe(2);
      expect(receiver.requests).toHaveLength(1);
      const req = receiver.requests[0]!;
      const verified = verifyWebhook({
        secret: SECRET,
        timestamp: String(req.headers[WEBHOOK_TIMESTAMP_HEADER]),
        signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]),
        body: req.body,
      });
      expect(verified).toEqual({ ok: true });
      expect(verifyWebhook({ secret: 'another-secret-0123456789', timestamp: String(req.headers[WEBHOOK_TIMESTAMP_HEADER]), signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]), body: req.body }).ok).toBe(false);
      const payload = JSON.parse(req.body) as { kind: string; data: { role: string; recipients: { id: string }[] } };
      expect(payload.kind).toBe('summons');
      expect(payload.data.role).toBe(ROLE);
      expect(payload.data.recipients.map((r) => r.id)).toEqual([person]);

      const deliveries = await staff.get(`/api/incidents/${id}/deliveries`);
      expect(deliveries.statusCode, deliveries.body).toBe(200);
      const list = deliveries.json() as { channel: string; status: string; role: string; event: string; tries: { outcome: string }[]; address?: string }[];
      expect(list).toHaveLength(2);
      for (const m of list) {
        expect(m).toMatchObject({ status: 'sent', role: ROLE, event: 'summons_issued' });
        expect(m.tries.map((a) => a.outcome)).toEqual(['sent']);
        expect(m.address).toBeUndefined();
      }

      const principal = await Client.as(t.app, 'town-tanggou.principal');
      const inbox = (await principal.get('/api/my/inbox')).json() as { kind: string; link: string; text: string }[];
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ kind: 'summons' });
      expect(inbox[0]!.link).toMatch(/\/a\//);
      expect((await staff.get('/api/my/inbox')).json()).toEqual([]);
    });

    it('a person with an e-mail address and a phone gets the summons by e-mail and SMS too, with their link', async () => {
      const smtp = await SmtpReceiver.start();
      const sms = await HttpReceiver.start();
      try {
        await t.close();
        t = await testApp(dialect, T0, { notify: { smtp: { url: smtp.url(), from: 'yingji@county.example' }, sms: { url: sms.url('/sms'), token: 'sms-token' } } });
        staff = await Client.as(t.app, 'petition-bureau.staff');
        await t.store.db.updateTable('people').set({ email: 'principal@town.example', phone: '13900000000' }).where('id', '=', await principalId()).execute();
        const id = await summon();
        expect(await t.notify.dispatcher.runOnce()).toBe(3);
        expect(smtp.messages).toHaveLength(1);
        const mail = smtp.messages[0]!;
        expect(mail.subject).toBe('应急召集：巡视组驻地');
        expect(mail.text).toContain(`${TEST_PUBLIC_URL}/a/${await linkToken(id)}`);
        expect(sms.requests).toHaveLength(1);
        expect(sms.requests[0]!.body).toContain('13900000000');
        const shown = (await staff.get(`/api/incidents/${id}/deliveries`)).json() as { channel: string; status: string }[];
        expect(shown.map((m) => `${m.channel}:${m.status}`).sort()).toEqual(['email:sent', 'in_app:sent', 'sms:sent']);
      } finally {
        await smtp.close();
        await sms.down();
      }
    });

    it('clearing stands the summoned person down on every channel that reached them; the link then says so and acknowledges nothing', async () => {
      const smtp = await SmtpReceiver.start();
      const sms = await HttpReceiver.start();
      try {
        await t.close();
        t = await testApp(dialect, T0, { notify: { smtp: { url: smtp.url(), from: 'yingji@county.example' }, sms: { url: sms.url('/sms'), token: 'sms-token' } } });
        staff = await Client.as(t.app, 'petition-bureau.staff');
        await t.store.db.updateTable('people').set({ email: 'principal@town.example', phone: '13900000000' }).where('id', '=', await principalId()).execute();
        const id = await summon();
        const token = await linkToken(id);
        // Cleared within the 5 minutes before an unacknowledged summons is escalated.
        t.clock.now += 3 * 60_000;
        const cleared = await staff.post(`/api/incidents/${id}/commands`, { do: 'clear' });
        expect(cleared.json().summons[0]).toMatchObject({ role: ROLE, status: 'stood_down', stood_down_at: '2026-03-02T09:03:00+08:00' });
        const outboxRows = await t.store.db.selectFrom('outbox').select(['channel', 'subject']).where('source_id', '=', id).execute();
        expect(outboxRows.filter((r) => r.subject?.startsWith('已解除')).map((r) => r.channel).sort()).toEqual(['email', 'in_app', 'sms']);
        expect(await t.notify.dispatcher.runOnce()).toBe(6);
        expect(smtp.messages.map((m) => m.subject)).toEqual(['应急召集：巡视组驻地', '已解除，无需到场：巡视组驻地']);
        expect(sms.requests).toHaveLength(2);
        expect(sms.requests[1]!.body).toContain('无需到场');
        const principal = await Client.as(t.app, 'town-tanggou.principal');
        const inbox = (await principal.get('/api/my/inbox')).json() as { kind: string; text: string }[];
        expect(inbox.map((m) => m.kind).sort()).toEqual(['stand_down', 'summons']);
        expect(inbox.find((m) => m.kind === 'stand_down')!.text).toContain('到场通知已解除，无需到场');
        // The link shows the stand-down; using it acknowledges nothing.
        const shown = (await new Client(t.app).get(`/api/ack/${token}`)).json();
        expect(shown.summons).toMatchObject({ status: 'stood_down', stood_down_at: '2026-03-02T09:03:00+08:00' });
        const used = await new Client(t.app).post(`/api/ack/${token}`);
        expect(used.statusCode).toBe(409);
        expect(used.json().error.reason).toBe('stood_down');
        // No deadline_missed later and no escalation of a summons nobody needs to acknowledge any more.
        t.clock.now += 2 * 60 * 60_000;
        await t.processor.fireDueTimers();
        expect(await t.store.db.selectFrom('events').select('type').where('stream_id', '=', id).where('type', 'in', ['deadline_missed', 'acknowledgement_overdue']).execute()).toEqual([]);
      } finally {
        await smtp.close();
        await sms.down();
      }
    });

    it('a failing hook rolls the event back: no event without its messages', async () => {
      t.processor.withFlushHook(async () => {
        throw new Error('outbox unavailable');
      });
      const res = await staff.post('/api/incidents', reportBody());
      expect(res.statusCode).toBe(500);
      expect(await t.store.db.selectFrom('events').selectAll().execute()).toEqual([]);
      expect(await t.store.db.selectFrom('incidents').selectAll().execute()).toEqual([]);
    });

    it("the link acknowledges as the summoned person, once; a forged, reused or expired link is refused", async () => {
      const id = await summon();
      const token = await linkToken(id);
      const shown = await new Client(t.app).get(`/api/ack/${token}`);
      expect(shown.statusCode, shown.body).toBe(200);
      expect(shown.json()).toMatchObject({ action: 'ack', role: ROLE, incident: { id, venue: 'residence' }, summons: { role: ROLE, acked_at: null } });

      const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      const refused = await new Client(t.app).post(`/api/ack/${forged}`);
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error.reason).toBe('invalid');

      const used = await new Client(t.app).post(`/api/ack/${token}`);
      expect(used.statusCode, used.body).toBe(200);
      expect(used.json()).toMatchObject({ done: 'ack', summons: { role: ROLE } });
      expect(used.json().summons.acked_at).not.toBeNull();
      const ack = await t.store.db.selectFrom('events').selectAll().where('stream_id', '=', id).where('type', '=', 'summons_acknowledged').executeTakeFirstOrThrow();
      expect(ack).toMatchObject({ actor_user: 'town-tanggou.principal', actor_role: ROLE, on_behalf: 0 });

      const again = await new Client(t.app).post(`/api/ack/${token}`);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.reason).toBe('used');
      expect((await new Client(t.app).get(`/api/ack/${token}`)).json().error.reason).toBe('used');

      // The acknowledgement hands out the check-in link for the same person.
      const next = used.json().next as { action: string; token: string; url: string };
      expect(next.action).toBe('arrive');
      expect(next.url).toBe(`${TEST_PUBLIC_URL}/a/${next.token}`);
      t.clock.now += 20 * 60_000;
      const arrived = await new Client(t.app).post(`/api/ack/${next.token}`);
      expect(arrived.statusCode, arrived.body).toBe(200);
      expect(arrived.json()).toMatchObject({ done: 'arrive', summons: { role: ROLE, status: 'on_time' } });

      // A second incident's link, used after it expired.
      const other = await summon();
      const late = await linkToken(other);
      t.clock.now += 2 * 86_400_000;
      const expired = await new Client(t.app).post(`/api/ack/${late}`);
      expect(expired.statusCode).toBe(409);
      expect(expired.json().error.reason).toBe('expired');
      const events = await t.store.db.selectFrom('events').select('type').where('stream_id', '=', other).execute();
      expect(events.map((e) => e.type)).not.toContain('summons_acknowledged');
    });

    it('a message that keeps failing is a dead letter an administrator retries', async () => {
      receiver.reply = () => ({ status: 503 });
      const id = await summon();
      await t.notify.dispatcher.runOnce();
      t.clock.now += 5_000;
      await t.notify.dispatcher.runOnce();
      expect(receiver.requests).toHaveLength(2);

      const admin = await Client.as(t.app, 'admin');
      expect((await staff.get('/api/admin/dead-letters')).statusCode).toBe(403);
      const dead = (await admin.get('/api/admin/dead-letters')).json() as { id: string; channel: string; status: string; tries: { outcome: string; detail: string }[]; last_error: string }[];
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ channel: 'webhook', status: 'dead' });
      expect(dead[0]!.tries.map((a) => a.outcome)).toEqual(['failed', 'failed']);
      expect(dead[0]!.last_error).toContain('503');
      const shown = (await staff.get(`/api/incidents/${id}/deliveries`)).json() as { channel: string; status: string }[];
      expect(shown.find((m) => m.channel === 'webhook')?.status).toBe('dead');

      expect((await staff.post(`/api/admin/dead-letters/${dead[0]!.id}/retry`)).statusCode).toBe(403);
      t.clock.now += 60_000;
      receiver.reply = () => ({ status: 200, body: { ok: true } });
      const retried = await admin.post(`/api/admin/dead-letters/${dead[0]!.id}/retry`);
      expect(retried.statusCode, retried.body).toBe(200);
      expect(await t.notify.dispatcher.runOnce()).toBe(1);
      expect(receiver.requests).toHaveLength(3);
      expect((await admin.get('/api/admin/dead-letters')).json()).toEqual([]);
      expect((await admin.post(`/api/admin/dead-letters/${dead[0]!.id}/retry`)).statusCode).toBe(409);
      expect((await admin.post('/api/admin/dead-letters/nope/retry')).statusCode).toBe(404);
      const after = (await admin.get(`/api/incidents/${id}/deliveries`)).json() as { channel: string; status: string; address: string; tries: { outcome: string }[] }[];
      const hook = after.find((m) => m.channel === 'webhook')!;
      expect(hook.status).toBe('sent');
      expect(hook.tries.map((a) => a.outcome)).toEqual(['failed', 'failed', 'sent']);
      expect(hook.address).toBe('');
    });

    it('a major measure requested reaches the county leaders; a case deadline reminder reaches the handler unit', async () => {
      const id = await summon();
      const police = await Client.as(t.app, 'police-bureau.principal');
      const requested = await police.post(`/api/incidents/${id}/commands`, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
      expect(requested.statusCode, requested.body).toBe(200);
      const leader = await Client.as(t.app, 'county-party.leader');
      const inbox = (await leader.get('/api/my/inbox')).json() as { kind: string; text: string; source: { id: string } }[];
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ kind: 'approval_request', source: { id } });
      expect(inbox[0]!.text).toContain('强行带离');
      const government = await Client.as(t.app, 'county-government.leader');
      expect(((await government.get('/api/my/inbox')).json() as { kind: string }[]).map((m) => m.kind)).toEqual(['approval_request']);

      const cleared = await staff.post(`/api/incidents/${id}/commands`, { do: 'clear' });
      expect(cleared.statusCode, cleared.body).toBe(200);
      const opened = (cleared.json() as { cases: { case: string; handler: string }[] }).cases[0]!;
      expect(opened.handler).toBe('town-tanggou');
      t.clock.now += 13 * 86_400_000;
      await t.cases.fireDueTimers();
      const rows = await t.store.db.selectFrom('outbox').selectAll().where('source_stream', '=', 'case').where('channel', '=', 'in_app').execute();
      const holders = await t.store.db.selectFrom('positions').select('person_id').where('role', 'like', 'town-tanggou/%').where('ended_at', 'is', null).execute();
      expect(rows.map((r) => r.recipient).sort()).toEqual(holders.map((h) => h.person_id).sort());
      const body = JSON.parse(rows[0]!.body) as { kind: string; text: string };
      expect(body.kind).toBe('case_deadline');
      expect(body.text).toMatch(/受理期限将于.*届满/);
    });

    it("a summons nobody acknowledged within the plan's 5 minutes is escalated by the engine: an event, and messages to the unit's responsible person and the working group, once", async () => {
      const id = await summon();
      const ackedId = await summon();
      expect((await new Client(t.app).post(`/api/ack/${await linkToken(ackedId)}`)).statusCode).toBe(200);
      const escalations = async () =>
        (await t.store.db.selectFrom('outbox').selectAll().execute()).filter((r) => (JSON.parse(r.body) as { data?: { event?: string } }).data?.event === 'acknowledgement_overdue');
      const overdue = () => t.store.db.selectFrom('events').selectAll().where('type', '=', 'acknowledgement_overdue').execute();

      t.clock.now += 4 * 60_000;
      await t.processor.fireDueTimers();
      expect(await overdue()).toEqual([]);
      expect(await escalations()).toEqual([]);

      t.clock.now = T0 + 5 * 60_000;
      await t.processor.fireDueTimers();
      // The record shows it, at its due time, on the incident nobody acknowledged.
      const events = await overdue();
      expect(events.map((e) => [e.stream_id, Number(e.at)])).toEqual([[id, T0 + 5 * 60_000]]);
      expect(JSON.parse(events[0]!.data)).toMatchObject({ role: ROLE, notify: ['town-tanggou/responsible', 'working-group/leader', 'working-group/executive-deputy', 'working-group/deputy'] });
      const rows = await escalations();
      const expected = await t.store.db
        .selectFrom('positions')
        .select(['person_id', 'role'])
        .where('role', 'in', ['town-tanggou/responsible', 'working-group/leader', 'working-group/executive-deputy', 'working-group/deputy'])
        .where('ended_at', 'is', null)
        .execute();
      expect(expected.length).toBe(4);
      expect(rows.filter((r) => r.channel === 'in_app').map((r) => r.recipient).sort()).toEqual(expected.map((p) => p.person_id).sort());
      expect(rows.filter((r) => r.channel === 'webhook')).toHaveLength(1);
      expect(rows.every((r) => r.source_id === id && Number(r.source_seq) === Number(events[0]!.seq))).toBe(true);
      const body = JSON.parse(rows[0]!.body) as { kind: string; text: string; data: { role: string } };
      expect(body.kind).toBe('escalation');
      expect(body.data.role).toBe(ROLE);
      expect(body.text).toContain('已超过5分钟未确认');

      t.clock.now += 10 * 60_000;
      await t.processor.fireDueTimers();
      expect(await overdue()).toHaveLength(1);
      expect(await escalations()).toHaveLength(rows.length);
      const shown = (await staff.get(`/api/incidents/${id}/deliveries`)).json() as { event: string; kind: string; role: string }[];
      expect(shown.filter((m) => m.event === 'acknowledgement_overdue').every((m) => m.kind === 'escalation' && m.role === ROLE)).toBe(true);
      expect(shown.filter((m) => m.event === 'acknowledgement_overdue')).toHaveLength(rows.length);
    });

    it('a drill writes nothing to the outbox', async () => {
      const res = await staff.post('/api/drills', { scenario: 'unit-late-and-unit-never-arrives.yaml' });
      expect(res.statusCode, res.body).toBe(200);
      expect(await t.store.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
      expect(await t.store.db.selectFrom('ack_links').selectAll().execute()).toEqual([]);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { decide } from '../engine/incident/decider.js';
import { evolve } from '../engine/incident/evolve.js';
import type { IncidentState } from '../engine/incident/state.js';
import { evolveCase } from '../engine/case/state.js';
import { loadPlanOrThrow } from '../plan/plan.loader.js';
import { audienceOf, compose, localTime, type LoggedEvent, type Recipient, type Subject } from './messages.js';

/*
 * The pure mapping from events to messages: who each event reaches, which channels each
 * person gets, group channels once, stable keys, and the Chinese text.
 */

const plan = loadPlanOrThrow();
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

function incident(): IncidentState {
  let n = 0;
  const decision = decide(null, { do: 'report', venue: 'residence', headcount: 12, units: ['town-tanggou'], matter: '拆迁安置', category: 'claim', behaviors: [] }, { plan, now: T0, newId: (k) => `${k}-${++n}` });
  if (!decision.ok) throw new Error(decision.rejection.reason);
  return decision.events.reduce<IncidentState | null>((s, e) => evolve(s, e), null)!;
}

const subject: Subject = { kind: 'incident', state: incident() };
const ev = (type: string, data: Record<string, unknown>, seq = 7): LoggedEvent => ({ stream: 'incident', id: subject.state.id, seq, type, at: T0, data });
const alice: Recipient = { id: 'p-alice', name: '张三', role: 'town-tanggou/principal', email: 'zhang@example.cn', phone: '13800000000' };
const bob: Recipient = { id: 'p-bob', name: '李四', role: 'town-tanggou/principal', email: null, phone: null };

describe('audienceOf', () => {
  it('a summons reaches the persons named on it, with an acknowledgement role', () => {
    const a = audienceOf(ev('summons_issued', { role: 'town-tanggou/principal', deadline: T0 + 3_600_000, persons: [{ id: 'p-alice', name: '张三' }] }), plan, subject);
    expect(a).toEqual({ kind: 'summons', persons: [{ id: 'p-alice', name: '张三', role: 'town-tanggou/principal' }], roles: [], units: [], ackRole: 'town-tanggou/principal' });
  });

  it('alerts reach the late role and the working group; approval requests the approvers', () => {
    expect(audienceOf(ev('deadline_missed', { role: 'town-tanggou/principal', deadline: T0 }), plan, subject)?.roles).toEqual([
      'town-tanggou/principal',
      'working-group/leader',
      'working-group/executive-deputy',
      'working-group/deputy',
    ]);
    expect(audienceOf(ev('update_due', { role: 'police-bureau/principal', since: T0 }), plan, subject)).toMatchObject({ kind: 'alert', roles: ['police-bureau/principal'] });
    expect(audienceOf(ev('measure_requested', { id: 'm1', kind: 'removal', major: true, basis: 'x' }), plan, subject)).toMatchObject({
      kind: 'approval_request',
      roles: ['county-party/leader', 'county-government/leader'],
    });
    expect(audienceOf(ev('measure_requested', { id: 'm1', kind: 'warning', major: false, basis: 'x' }), plan, subject)).toBeNull();
    expect(audienceOf(ev('measure_taken', { id: 'm1', flagged: false }), plan, subject)).toBeNull();
    expect(audienceOf(ev('measure_taken', { id: 'm1', flagged: true }), plan, subject)?.roles).toContain('county-party/leader');
    expect(audienceOf(ev('headcount_updated', { value: 30 }), plan, subject)).toBeNull();
  });

  it("a case deadline reaches the handler unit, or a county leader's role", () => {
    const registered = {
      type: 'case_registered' as const,
      at: T0,
      case: 'c1',
      tracking_code: 'ABCD-1234',
      incident: null,
      route: 'responsible_unit' as const,
      handler: 'town-tanggou',
      clause: '§4.2',
      category: 'claim' as const,
      matter: '拆迁安置',
      units: ['town-tanggou'],
      headcount: 1,
      representatives: 0,
      accept_by: T0 + 15 * 86_400_000,
      due: T0 + 75 * 86_400_000,
      plan: subject.state.plan,
      personal: false,
    };
    const c: Subject = { kind: 'case', state: evolveCase(null, registered) };
    const e = { stream: 'case', id: 'c1', seq: 9, type: 'case_deadline_reminder', at: T0, data: { deadline: 'acceptance', due: T0 + 15 * 86_400_000 } };
    expect(audienceOf(e, plan, c)).toMatchObject({ kind: 'case_deadline', units: ['town-tanggou'], roles: [] });
    const leader: Subject = { kind: 'case', state: evolveCase(null, { ...registered, handler: 'county-party/leader' }) };
    expect(audienceOf(e, plan, leader)).toMatchObject({ units: [], roles: ['county-party/leader'] });
  });
});

describe('compose', () => {
  const summons = ev('summons_issued', { role: 'town-tanggou/principal', deadline: T0 + 3_600_000, clause: '§5.2', persons: [] });
  const audience = audienceOf(summons, plan, subject)!;

  it('in-app always; e-mail and SMS only to people with the address and when configured; groups once', () => {
    const all = compose(summons, audience, [alice, bob, alice], {
      plan,
      subject,
      channels: new Set(['in_app', 'email', 'sms', 'webhook', 'wecom']),
      links: new Map([['p-alice', 'https://y.example/a/tok']]),
      publicUrl: 'https://y.example/',
    });
    expect(all.map((m) => `${m.recipient}:${m.channel}:${m.address}`)).toEqual([
      'p-alice:in_app:',
      'p-alice:email:zhang@example.cn',
      'p-alice:sms:13800000000',
      'p-bob:in_app:',
      'group:webhook:',
      'group:wecom:',
    ]);
    expect(all[0]!.idempotencyKey).toBe(`incident:${subject.state.id}:7:p-alice:in_app`);
    expect(all[0]!.source).toEqual({ stream: 'incident', id: subject.state.id, seq: 7 });
    expect(all[0]!.body.link).toBe('https://y.example/a/tok');
    // Without a link of their own, a person gets the incident's page; so does the group.
    expect(all[3]!.body.link).toBe(`https://y.example/incidents/${subject.state.id}`);
    expect(all[4]!.body.link).toBe(`https://y.example/incidents/${subject.state.id}`);
    expect(all[0]!.body.text).toBe('汤沟镇主要负责同志：巡视组驻地（12人，拆迁安置）发生信访事件，请于3月2日 10:00前到场（§5.2）。收到请点击链接确认。');

    const inAppOnly = compose(summons, audience, [alice], { plan, subject, channels: new Set(['in_app']), links: new Map(), publicUrl: null });
    expect(inAppOnly.map((m) => m.channel)).toEqual(['in_app']);
    expect(inAppOnly[0]!.body.link).toBeUndefined();
  });

  it("names the measure of an approval request and a case's tracking code", () => {
    const requested = ev('measure_requested', { id: 'm1', kind: 'take_items', major: true, basis: '现场规定', clause: '§5.1' });
    const [m] = compose(requested, audienceOf(requested, plan, subject)!, [alice], { plan, subject, channels: new Set(), links: new Map(), publicUrl: null });
    expect(m!.body.kind).toBe('approval_request');
    expect(m!.body.text).toContain('收缴示威物品');
    expect(m!.body.text).toContain('现场规定');
  });

  it('formats times in the county zone', () => {
    expect(localTime(Date.parse('2026-12-31T23:30:00Z'), 'Asia/Shanghai')).toBe('1月1日 07:30');
  });
});

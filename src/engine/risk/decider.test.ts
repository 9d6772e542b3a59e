import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../plan/duration.js';
import { dayIn } from '../county-time.js';
import { PERSON_FIELDS, personalDataIn, RiskCommand, RiskReport, type RiskCommandOf } from './commands.js';
import { decideRisk, fireRiskDue, pendingRiskTimers, reviewDue, type RiskContext } from './decider.js';
import type { RiskEvent } from './events.js';
import { evolveRisk, openSign, type RiskState } from './state.js';
import { riskAlerts } from './view.js';
import { plan, T0 } from '../test-support/engine.fixture.js';

const TZ = plan.org.timezone;

/** A matter of the register driven through the pure engine on a virtual clock, as the processor does. */
class Risk {
  s: RiskState | null = null;
  readonly log: RiskEvent[] = [];
  private n = 0;
  ctx(at: number): RiskContext {
    return { plan, now: at, newId: () => `risk-${++this.n}` };
  }
  tick(at: number): RiskEvent[] {
    if (!this.s) return [];
    const { events, state } = fireRiskDue(this.s, at);
    this.log.push(...events);
    this.s = state;
    return events;
  }
  do(at: number, c: RiskCommand) {
    this.tick(at);
    const d = decideRisk(this.s, c, this.ctx(at));
    if (d.ok) for (const e of d.events) (this.log.push(e), (this.s = evolveRisk(this.s, e)));
    return d;
  }
  must(at: number, c: RiskCommand): RiskEvent[] {
    const d = this.do(at, c);
    if (!d.ok) throw new Error(`${c.do}: ${d.rejection.code} ${d.rejection.reason}`);
    return d.events;
  }
  refused(at: number, c: RiskCommand): string {
    const d = this.do(at, c);
    if (d.ok) throw new Error(`${c.do} was accepted`);
    return d.rejection.code;
  }
  get state(): RiskState {
    return this.s!;
  }
}

const matter = (over: Partial<RiskCommandOf<'report'>> = {}): RiskCommand => ({
  do: 'report',
  kind: 'matter',
  unit: 'town-tanggou',
  matter: '某工业园企业拖欠工人工资约三个月',
  place: '汤沟镇工业园',
  affected: 40,
  level: 'medium',
  ...over,
});

describe('the early-warning register engine (§6)', () => {
  it('enters a matter of a township, with its size, level, leader and next review', () => {
    const r = new Risk();
    const [e] = r.must(T0, matter({ leader: 'county-government/leader', next_review: '2026-03-09' }));
    expect(e).toMatchObject({ type: 'risk_reported', unit: 'town-tanggou', affected: 40, level: 'medium', leader: 'county-government/leader', review_on: '2026-03-09', clause: '§6' });
    expect(r.state).toMatchObject({ status: 'open', leader: 'county-government/leader', review: { on: '2026-03-09' }, overdueSince: null });
    expect(pendingRiskTimers(r.state)).toEqual([{ key: `review@${reviewDue('2026-03-09', TZ)}`, due: Date.parse('2026-03-10T00:00:00+08:00') }]);
  });

  it('refuses units that do not screen (police), unknown units and roles, and review dates in the past', () => {
    expect(new Risk().refused(T0, matter({ unit: 'police-bureau' }))).toBe('not_screening_unit');
    expect(new Risk().refused(T0, matter({ unit: 'town-nowhere' }))).toBe('unknown_unit');
    expect(new Risk().refused(T0, matter({ leader: 'county-government/nobody' }))).toBe('unknown_role');
    expect(new Risk().refused(T0, matter({ next_review: '2026-03-01' }))).toBe('review_in_past');
    // Today is not in the past: a review on its own day is on time.
    expect(new Risk().do(T0, matter({ next_review: dayIn(T0, TZ) })).ok).toBe(true);
    expect(new Risk().must(T0, matter({ unit: 'dept-housing' }))[0]).toMatchObject({ unit: 'dept-housing' });
  });

  it('a sign of a coming petition alerts the working group as it is entered, and stays open until handled', () => {
    const r = new Risk();
    const events = r.must(T0, matter({ kind: 'sign', matter: '工人相约明日到巡视组驻地反映欠薪', level: 'high' }));
    expect(events.map((e) => e.type)).toEqual(['risk_reported', 'sign_raised']);
    expect(events[1]).toMatchObject({ informed: ['working-group/leader', 'working-group/executive-deputy', 'working-group/deputy'], clause: '§6' });
    expect(riskAlerts(r.state, String).map((a) => a.kind)).toEqual(['sign']);
    expect(r.refused(T0 + MINUTE, { do: 'mark_resolved', note: '已化解' })).toBe('sign_open');
    expect(r.refused(T0 + MINUTE, { do: 'raise_sign', text: '又有苗头' })).toBe('sign_open');
    r.must(T0 + 30 * MINUTE, { do: 'handle_sign', done: '工作小组协调人社局当日约谈企业,制定工资支付计划' });
    expect(openSign(r.state)).toBeNull();
    expect(r.state.signs[0]).toMatchObject({ handledAt: T0 + 30 * MINUTE, done: expect.stringContaining('工资支付计划') });
    expect(riskAlerts(r.state, String)).toEqual([]);
    expect(r.refused(T0 + 31 * MINUTE, { do: 'handle_sign', done: '再处理' })).toBe('no_open_sign');
    // A later sign about the same matter opens again.
    r.must(T0 + DAY, { do: 'raise_sign', text: '部分工人再次相约上访' });
    expect(openSign(r.state)?.text).toBe('部分工人再次相约上访');
  });

  it('raises an overdue review at the end of the review day, once, until a review is recorded', () => {
    const r = new Risk();
    r.must(T0, matter({ next_review: '2026-03-04' }));
    const due = Date.parse('2026-03-05T00:00:00+08:00');
    expect(r.tick(due - 1)).toEqual([]);
    expect(r.tick(due + 5 * DAY)).toEqual([{ type: 'review_overdue', at: due, review_on: '2026-03-04', due }]);
    expect(r.tick(due + 6 * DAY)).toEqual([]);
    expect(pendingRiskTimers(r.state)).toEqual([]);
    expect(riskAlerts(r.state, String).map((a) => a.kind)).toEqual(['review_overdue']);
    // Moving the date does not excuse a missed review.
    expect(r.refused(due + 6 * DAY, { do: 'set_review', on: '2026-03-20' })).toBe('review_overdue');
    expect(r.refused(due + 6 * DAY, { do: 'complete_review', note: '已复查', next: '2026-03-01' })).toBe('review_in_past');
    r.must(due + 6 * DAY, { do: 'complete_review', note: '企业已支付一个月工资,剩余分期', next: '2026-03-20' });
    expect(r.state).toMatchObject({ overdueSince: null, review: { on: '2026-03-20', due: reviewDue('2026-03-20', TZ) } });
    expect(riskAlerts(r.state, String)).toEqual([]);
  });

  it('assigns a leader, records actions, changes level and estimate, and resolves; a resolved matter takes no more commands', () => {
    const r = new Risk();
    r.must(T0, matter({ next_review: '2026-03-09' }));
    r.must(T0 + MINUTE, { do: 'assign_leader', leader: 'county-government/leader' });
    expect(r.refused(T0 + MINUTE, { do: 'assign_leader', leader: 'county-government/leader' })).toBe('same_leader');
    r.must(T0 + 2 * MINUTE, { do: 'assign_leader', leader: 'town-tanggou/principal' });
    expect(r.log.at(-1)).toMatchObject({ type: 'leader_assigned', leader: 'town-tanggou/principal', previous: 'county-government/leader' });
    r.must(T0 + 3 * MINUTE, { do: 'record_action', text: '镇劳动保障所约谈企业负责人' });
    r.must(T0 + 4 * MINUTE, { do: 'record_action', text: '协调垫付部分工资' });
    expect(r.state.actions.map((a) => a.text)).toEqual(['镇劳动保障所约谈企业负责人', '协调垫付部分工资']);
    expect(r.refused(T0, { do: 'change_level', level: 'medium', reason: '不变' })).toBe('same_level');
    r.must(T0 + 5 * MINUTE, { do: 'change_level', level: 'high', reason: '涉及人数增加' });
    r.must(T0 + 6 * MINUTE, { do: 'estimate', affected: 80, reason: '另一车间也欠薪' });
    expect(r.state).toMatchObject({ level: 'high', affected: 80 });
    r.must(T0 + 7 * MINUTE, { do: 'mark_resolving' });
    expect(r.refused(T0 + 8 * MINUTE, { do: 'mark_resolving' })).toBe('wrong_status');
    r.must(T0 + 9 * MINUTE, { do: 'mark_resolved', note: '工资全部发放' });
    expect(r.state).toMatchObject({ status: 'resolved', resolvedAt: T0 + 9 * MINUTE, review: null });
    expect(pendingRiskTimers(r.state)).toEqual([]);
    expect(r.refused(T0 + DAY, { do: 'record_action', text: '回访' })).toBe('resolved');
    expect(r.tick(T0 + 30 * DAY)).toEqual([]);
  });

  it('refuses free text that carries personal data or a watch-list, even past the HTTP schema', () => {
    expect(new Risk().refused(T0, matter({ matter: '欠薪,联系13812345678' }))).toBe('personal_data');
    const r = new Risk();
    r.must(T0, matter());
    expect(r.refused(T0, { do: 'record_action', text: '已将其列为重点人员稳控' })).toBe('personal_data');
    expect(r.refused(T0, { do: 'record_action', text: '身份证 340823198001011234 的人带头' })).toBe('personal_data');
    expect(r.state.actions).toEqual([]);
  });
});

describe('the register holds matters, not people (safeguards, "Never")', () => {
  it('tells personal identifiers and watch-list words apart from text about a matter', () => {
    for (const ok of ['某工业园企业拖欠工人工资约三个月,涉及40余人', '征地补偿款2025年12月未发放到位', '汤沟镇新村安置房漏水,约120户', '补偿标准每亩30000元']) {
      expect(personalDataIn(ok), ok).toBeNull();
    }
    expect(personalDataIn('联系人电话 138-1234-5678')).toBe('a phone number');
    expect(personalDataIn('座机0556-1234567')).toBe('a phone number');
    expect(personalDataIn('34082319800101123X 带头')).toBe('an ID number');
    expect(personalDataIn('mail zhang@example.com')).toBe('an e-mail address');
    expect(personalDataIn('姓名:某某')).toBe('personal details');
    expect(personalDataIn('列入重点人员名单')).toBe('a watch-list of people');
    expect(personalDataIn('add to the key person list')).toBe('a watch-list of people');
  });

  it('the commands have no field about a person, and refuse one by name', () => {
    const report = { unit: 'town-tanggou', matter: '欠薪', place: '工业园', affected: 10 };
    expect(RiskReport.safeParse(report).success).toBe(true);
    for (const field of ['name', 'phone', 'id_number', 'key_persons']) {
      const parsed = RiskReport.safeParse({ ...report, [field]: 'x' });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.message).toContain('no fields about people');
    }
    expect(RiskCommand.safeParse({ do: 'record_action', text: '约谈', person: 'x' }).success).toBe(false);
    expect(RiskReport.safeParse({ ...report, matter: '带头人手机号13812345678' }).success).toBe(false);
  });

  it('the state of a matter has no field about a person', () => {
    const r = new Risk();
    r.must(T0, matter({ kind: 'sign', leader: 'county-party/leader', next_review: '2026-03-09' }));
    r.must(T0, { do: 'handle_sign', done: '已协调' });
    r.must(T0, { do: 'record_action', text: '约谈企业' });
    const keys = (o: unknown): string[] =>
      o && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => [k, ...keys(v)]) : [];
    const found = keys(r.state).filter((k) => PERSON_FIELDS.has(k.toLowerCase()));
    expect(found).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../../plan/duration.js';
import type { IncidentState, Measure, Summons } from '../../../engine/incident/state.js';
import { Incident, plan, report, T0 } from '../../../engine/test-support/engine.fixture.js';
import { assessment } from './assessment.js';
import { acceptanceOutcome, accountabilityReport, handlingOutcome, measureKey, quantile, summonsStatus, type CaseRecord, type ReportInput } from './figures.js';
import { noticeDraft } from './notice.js';
import { yearOf, type Period } from './period.js';

/*
 * The accountability figures on known inputs: quantiles, summons status as of a clock,
 * attribution of unapproved measures, case deadlines, the year-end assessment and the draft
 * notice (they share the incidents and cases built here; periods are in period.test.ts).
 */

const DAY = 24 * HOUR;
const at = (m: number) => T0 + m * MINUTE;
/** March 2026 in the county (UTC+8). */
const MARCH: Period = { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') };

/** A real incident state from the engine, to copy with the summons and measures of a test. */
const base: IncidentState = (() => {
  const i = new Incident();
  i.do(0, report());
  return i.s;
})();

/** A principal's summons issued at minute `issued` with the plan's limit for the unit, arriving at minute `arrived`. */
function summons(unit: string, issued: number, arrived: number | null, position = 'principal'): Summons {
  const limit = unit.startsWith('town-') ? HOUR : 15 * MINUTE;
  const deadline = at(issued) + limit;
  const arrivedAt = arrived === null ? null : at(arrived);
  return {
    role: `${unit}/${position}`,
    unit,
    reason: 'unit_summoned',
    issuedAt: at(issued),
    deadline,
    ackedAt: null,
    arrivedAt,
    leftAt: null,
    stoodDownAt: null,
    escalatedAt: null,
    // As the engine records it: an arrival decides; a deadline timer may not have fired yet.
    status: arrivedAt === null ? 'pending' : arrivedAt <= deadline ? 'on_time' : 'late',
    persons: [],
  };
}

let seq = 0;
const incident = (summonsList: Summons[], measures: Measure[] = [], over: Partial<IncidentState> = {}): IncidentState => ({
  ...base,
  id: `inc-${++seq}`,
  summons: summonsList,
  measures,
  ...over,
});

const measure = (id: string, takenMin: number, over: Partial<Measure> = {}): Measure => ({
  id,
  kind: 'removal',
  basis: '《治安管理处罚法》第二十三条',
  major: true,
  requestedAt: at(takenMin - 1),
  approvedBy: null,
  approvedAt: null,
  declinedBy: null,
  declinedAt: null,
  declineReason: null,
  takenAt: at(takenMin),
  flagged: true,
  takenWithoutApproval: true,
  takeReason: null,
  ...over,
});

const input = (over: Partial<ReportInput>): ReportInput => ({ incidents: [], cases: [], takenBy: new Map(), plan, period: MARCH, unit: null, now: at(24 * 60), ...over });

describe('quantile (linear between closest ranks, as PERCENTILE.INC)', () => {
  it('gives the median and the 90th percentile of known values', () => {
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40], 0.9)).toBeCloseTo(37, 10);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
    expect(quantile([10, 20, 30, 40, 75], 0.5)).toBe(30);
    expect(quantile([10, 20, 30, 40, 75], 0.9)).toBeCloseTo(61, 10);
    expect(quantile([7], 0.5)).toBe(7);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('summons status as of a clock (§5)', () => {
  const s = summons('town-tanggou', 0, null);
  it('is pending up to and at its deadline, missed after it', () => {
    expect(summonsStatus(s, s.deadline - 1)).toBe('pending');
    expect(summonsStatus(s, s.deadline)).toBe('pending');
    expect(summonsStatus(s, s.deadline + 1)).toBe('missed');
  });
  it('is on time for an arrival at the deadline itself, late a millisecond after', () => {
    expect(summonsStatus({ ...s, arrivedAt: s.deadline }, s.deadline + DAY)).toBe('on_time');
    expect(summonsStatus({ ...s, arrivedAt: s.deadline + 1 }, s.deadline + DAY)).toBe('late');
  });
  it('a missed summons answered later is late; one the engine marked missed stays missed', () => {
    expect(summonsStatus({ ...s, status: 'missed', arrivedAt: s.deadline + 30 * MINUTE }, s.deadline + DAY)).toBe('late');
    expect(summonsStatus({ ...s, status: 'missed' }, s.deadline)).toBe('missed');
  });
});

describe('accountability report', () => {
  // Tanggou (1 h): arrivals after 10, 20, 30, 40 min (on time) and 75 min (late), one missed,
  // one still running. Housing (15 min): after 12 (on time) and 20 (late).
  const now = at(10 * 60);
  const incidents = [
    incident([summons('town-tanggou', 0, 10), summons('dept-housing', 0, 12)]),
    incident([summons('town-tanggou', 60, 80), summons('dept-housing', 60, 80)]),
    incident([summons('town-tanggou', 120, 150)]),
    incident([summons('town-tanggou', 180, 220)]),
    incident([summons('town-tanggou', 240, 315)]),
    incident([summons('town-tanggou', 300, null)]),
    incident([summons('town-tanggou', 570, null)]),
  ];
  const r = accountabilityReport(input({ incidents, now }));

  it('counts each unit: on time, late, missed, pending, on-time rate, median and p90 minutes', () => {
    expect(r.units).toEqual([
      {
        unit: 'town-tanggou',
        name: { zh: '汤沟镇', en: 'Tanggou Town' },
        summoned: 7,
        on_time: 4,
        late: 1,
        missed: 1,
        stood_down: 0,
        pending: 1,
        on_time_rate: 0.6667,
        median_minutes: 30,
        p90_minutes: 61,
        unapproved_measures: 0,
      },
      {
        unit: 'dept-housing',
        name: { zh: '县住建局', en: 'County Housing and Urban-Rural Development Bureau' },
        summoned: 2,
        on_time: 1,
        late: 1,
        missed: 0,
        stood_down: 0,
        pending: 0,
        on_time_rate: 0.5,
        median_minutes: 16,
        p90_minutes: 19.2,
        unapproved_measures: 0,
      },
    ]);
    expect(r.totals).toEqual({ summoned: 9, on_time: 5, late: 2, missed: 1, stood_down: 0, pending: 1, on_time_rate: 0.625, median_minutes: 20, p90_minutes: 54, unapproved_measures: 0 });
  });

  it('lists the late and missed summons oldest first, with minutes over the deadline and the incident', () => {
    expect(r.late.map((x) => [x.incident, x.unit, x.status, x.minutes_over, x.arrived_at])).toEqual([
      [incidents[1]!.id, 'dept-housing', 'late', 5, '2026-03-02T10:20:00+08:00'],
      [incidents[4]!.id, 'town-tanggou', 'late', 15, '2026-03-02T14:15:00+08:00'],
      // Missed at 15:00 and never answered.
      [incidents[5]!.id, 'town-tanggou', 'missed', null, null],
    ]);
    expect(r.late[2]).toMatchObject({ issued_at: '2026-03-02T14:00:00+08:00', deadline: '2026-03-02T15:00:00+08:00', role_name: { zh: '汤沟镇主要负责同志' }, venue_name: { zh: '巡视组驻地' } });
  });

  it('groups arrival times by minutes, on time and late apart (bounds inclusive)', () => {
    expect(r.distribution).toEqual([
      { min: 0, max: 5, on_time: 0, late: 0 },
      { min: 5, max: 10, on_time: 1, late: 0 },
      { min: 10, max: 15, on_time: 1, late: 0 },
      { min: 15, max: 30, on_time: 2, late: 1 },
      { min: 30, max: 60, on_time: 1, late: 0 },
      { min: 60, max: null, on_time: 0, late: 1 },
    ]);
  });

  it('a unit filter keeps only that unit', () => {
    const one = accountabilityReport(input({ incidents, now, unit: 'dept-housing' }));
    expect(one.units.map((u) => u.unit)).toEqual(['dept-housing']);
    expect(one.totals.summoned).toBe(2);
    expect(one.late.map((x) => x.unit)).toEqual(['dept-housing']);
  });

  it('counts a summons in the period it was issued in: the start included, the end excluded', () => {
    const edge = (ms: number) => {
      const s = summons('town-tanggou', 0, 5);
      return incident([{ ...s, issuedAt: ms, deadline: ms + HOUR, arrivedAt: ms + 5 * MINUTE }]);
    };
    const list = [edge(MARCH.from - 1), edge(MARCH.from), edge(MARCH.to - 1), edge(MARCH.to)];
    const got = accountabilityReport(input({ incidents: list, now: MARCH.to + DAY }));
    expect(got.totals.summoned).toBe(2);
    expect(got.period).toEqual({ from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' });
  });

  it('an empty period has no rows and no rates', () => {
    const empty = accountabilityReport(input({}));
    expect(empty.units).toEqual([]);
    expect(empty.totals).toMatchObject({ summoned: 0, on_time_rate: null, median_minutes: null, p90_minutes: null });
  });
});

describe('measures taken without prior approval (safeguards 2)', () => {
  const police = incident([], [measure('m1', 30), measure('m2', 40, { approvedBy: 'county-party/leader', approvedAt: at(50), flagged: false }), measure('ok', 45, { flagged: false, takenWithoutApproval: false, approvedBy: 'county-party/leader', approvedAt: at(44) })]);
  const admin = incident([], [measure('m3', 60)], { tier: 3, tiers: [{ at: at(0), tier: 1 }, { at: at(55), tier: 3 }] });
  const takenBy = new Map([
    [measureKey(police.id, 'm1'), 'police-special-patrol/responsible'],
    [measureKey(police.id, 'm2'), 'police-special-patrol/responsible'],
    [measureKey(admin.id, 'm3'), null],
  ]);
  const r = accountabilityReport(input({ incidents: [police, admin], takenBy }));

  it('lists each, approved after the fact or not, and counts it against the unit that took it', () => {
    expect(r.measures.map((m) => [m.measure, m.unit, m.flagged, m.approved_by])).toEqual([
      ['m1', 'police-special-patrol', true, null],
      ['m2', 'police-special-patrol', false, 'county-party/leader'],
      // Recorded without a role: the commander of tier 3 then, the police bureau's leader on duty (§4.1).
      ['m3', 'police-bureau', true, null],
    ]);
    expect(r.measures[0]).toMatchObject({ kind: 'removal', kind_name: { zh: '强行带离' }, taken_at: '2026-03-02T09:30:00+08:00' });
    expect(r.units.map((u) => [u.unit, u.summoned, u.unapproved_measures])).toEqual([
      ['police-bureau', 0, 1],
      ['police-special-patrol', 0, 2],
    ]);
    expect(r.totals.unapproved_measures).toBe(3);
  });

  it('counts a measure by when it was taken, and follows the unit filter', () => {
    expect(accountabilityReport(input({ incidents: [police], takenBy, period: { from: at(35), to: at(60) } })).measures.map((m) => m.measure)).toEqual(['m2']);
    expect(accountabilityReport(input({ incidents: [police, admin], takenBy, unit: 'police-bureau' })).measures.map((m) => m.measure)).toEqual(['m3']);
  });
});

describe('case deadlines (Art. 22–23: acceptance in 15 days; Art. 34: handling in 60)', () => {
  const opened = at(0);
  const caseRow = (id: string, over: Partial<CaseRecord>): CaseRecord => ({
    id,
    incident_id: null,
    route: 'responsible_unit',
    handler: 'town-tanggou',
    category: 'claim',
    status: 'registered',
    opened_at: opened,
    accept_by: opened + 15 * DAY,
    decided_at: null,
    accepted_at: null,
    due: opened + 75 * DAY,
    replied_at: null,
    closed_at: null,
    ...over,
  });
  const accepted = (id: string, acceptedDay: number, over: Partial<CaseRecord> = {}) =>
    caseRow(id, { status: 'accepted', decided_at: opened + acceptedDay * DAY, accepted_at: opened + acceptedDay * DAY, due: opened + (acceptedDay + 60) * DAY, ...over });

  it('acceptance: decided by the deadline (at it included) is on time; undecided past it is overdue', () => {
    const now = opened + 20 * DAY;
    expect(acceptanceOutcome(accepted('a', 15), now)).toBe('on_time');
    expect(acceptanceOutcome(caseRow('b', { decided_at: opened + 15 * DAY + 1 }), now)).toBe('late');
    expect(acceptanceOutcome(caseRow('c', {}), opened + 15 * DAY)).toBe('pending');
    expect(acceptanceOutcome(caseRow('c', {}), opened + 15 * DAY + 1)).toBe('overdue');
  });

  it('handling: a reply by the due date is on time; not accepted means no handling deadline', () => {
    const now = opened + 100 * DAY;
    expect(handlingOutcome(accepted('a', 5, { replied_at: opened + 65 * DAY }), now)).toBe('on_time');
    expect(handlingOutcome(accepted('a', 5, { replied_at: opened + 65 * DAY + 1 }), now)).toBe('late');
    expect(handlingOutcome(accepted('a', 5), opened + 65 * DAY)).toBe('pending');
    expect(handlingOutcome(accepted('a', 5), now)).toBe('overdue');
    expect(handlingOutcome(caseRow('n', { decided_at: opened + DAY, status: 'closed', closed_at: opened + DAY }), now)).toBeNull();
  });

  it('reports compliance per handling unit, a county leader under the leadership unit, cases by registration', () => {
    const now = opened + 80 * DAY;
    const cases = [
      accepted('t1', 3, { replied_at: opened + 30 * DAY }),
      accepted('t2', 20),
      caseRow('t3', {}),
      accepted('g1', 2, { handler: 'county-government/leader' }),
      caseRow('old', { opened_at: MARCH.from - 1 }),
    ];
    const r = accountabilityReport(input({ cases, now, period: { from: MARCH.from, to: MARCH.to + 100 * DAY } }));
    expect(r.cases).toEqual([
      {
        unit: 'county-government',
        name: { zh: '县政府', en: 'County Government' },
        cases: 1,
        acceptance: { on_time: 1, late: 0, overdue: 0, pending: 0, rate: 1 },
        handling: { on_time: 0, late: 0, overdue: 1, pending: 0, rate: 0 },
      },
      {
        unit: 'town-tanggou',
        name: { zh: '汤沟镇', en: 'Tanggou Town' },
        cases: 3,
        acceptance: { on_time: 1, late: 1, overdue: 1, pending: 0, rate: 0.3333 },
        handling: { on_time: 1, late: 0, overdue: 0, pending: 1, rate: 1 },
      },
    ]);
    expect(r.overdue_cases.map((c) => [c.id, c.acceptance, c.handling])).toEqual([
      ['t2', 'late', 'pending'],
      ['t3', 'overdue', null],
      ['g1', 'on_time', 'overdue'],
    ]);
    expect(r.overdue_cases[2]!.name.zh).toBe('县政府组长');
  });
});

describe('the year-end assessment and the draft notice (§5.2)', () => {
  const incidents = [
    incident([summons('town-tanggou', 0, 70), summons('dept-housing', 0, 10)]),
    incident([summons('town-tanggou', 100, null), summons('town-hengbu', 100, 130)]),
  ];
  const now = at(24 * 60);

  it('the assessment lists every township, department and police unit, with zeros where nothing happened', () => {
    const a = assessment({ ...input({ incidents, now }), period: yearOf(2026, 'Asia/Shanghai'), year: 2026 });
    expect(a.period).toEqual({ from: '2026-01-01T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' });
    const units = [...plan.units.values()].filter((u) => ['township', 'county-department', 'police'].includes(u.kind)).map((u) => u.id);
    expect(a.rows.map((r) => r.unit)).toEqual(units);
    const row = (id: string) => a.rows.find((r) => r.unit === id)!;
    expect(row('town-tanggou')).toMatchObject({ summoned: 2, on_time: 0, late: 1, missed: 1, on_time_rate: 0, median_minutes: 70, p90_minutes: 70, cases: 0 });
    expect(row('town-fushan')).toMatchObject({ summoned: 0, on_time_rate: null, median_minutes: null, cases: 0, acceptance: { rate: null } });
  });

  it('the notice names late units worst first, with each summons and its incident', () => {
    const r = accountabilityReport(input({ incidents, now }));
    const n = noticeDraft(r, plan, MARCH, now);
    expect(n.units.map((u) => [u.unit, u.late, u.missed])).toEqual([['town-tanggou', 1, 1]]);
    expect(n.text).toContain('关于2026年3月1日至2026年3月31日信访应急处置到场情况的通报');
    expect(n.text).toContain('乡镇主要负责同志须在1小时内、县直部门主要负责同志须在15分钟内');
    expect(n.text).toContain('共发出到场通知4次,按时到场2次,迟到1次,未到场1次,按时到场率50.0%');
    expect(n.text).toContain('一、汤沟镇(迟到1次,未到场1次)');
    expect(n.text).toContain(`3月2日9:00通知汤沟镇主要负责同志到巡视组驻地,应于3月2日10:00前到场,3月2日10:10到场,迟到10分钟(事件编号 ${incidents[0]!.id})`);
    expect(n.text).toContain(`应于3月2日11:40前到场,未到场(事件编号 ${incidents[1]!.id})`);
    expect(n.text).not.toContain('县住建局');
    expect(n.text).toContain('纳入县政府年终信访考核');
    expect(n.text.trimEnd().endsWith('2026年3月3日')).toBe(true);
  });

  it('counts a stood-down summons apart: never late, never missed, never named in the notice (contract §2)', () => {
    // Summoned at minute 0 with an hour to come; the incident was cleared at minute 20.
    const stood: Summons = { ...summons('town-hengbu', 0, null), status: 'stood_down', stoodDownAt: at(20) };
    const cameAnyway: Summons = { ...summons('town-fushan', 0, 30), status: 'stood_down', stoodDownAt: at(20) };
    const r = accountabilityReport(input({ incidents: [incident([stood, cameAnyway, summons('dept-housing', 0, 10)])], now: at(24 * 60) }));
    expect(r.units.find((u) => u.unit === 'town-hengbu')).toMatchObject({ summoned: 1, on_time: 0, late: 0, missed: 0, stood_down: 1, on_time_rate: null });
    expect(r.units.find((u) => u.unit === 'town-fushan')).toMatchObject({ stood_down: 1, on_time: 0, late: 0, median_minutes: null });
    expect(r.late).toEqual([]);
    const n = noticeDraft(r, plan, MARCH, now);
    expect(n.units).toEqual([]);
    expect(n.text).not.toContain('横埠镇');
    expect(n.text).toContain('另有2次因现场处置结束、在到场时限前解除,不计迟到或未到场');
  });

  it('a period with nobody late says so', () => {
    const n = noticeDraft(accountabilityReport(input({ incidents: [incident([summons('dept-housing', 0, 10)])] })), plan, MARCH, now);
    expect(n.units).toEqual([]);
    expect(n.text).toContain('本期各单位均按时到场');
  });
});

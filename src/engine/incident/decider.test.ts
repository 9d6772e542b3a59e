import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, DAY } from '../../plan/duration.js';
import { decide } from './decider.js';
import { Incident, min, plan, report, T0 } from '../test-support/engine.fixture.js';

const TIER3 = [
  'police-bureau/duty-leader',
  'police-special-patrol/principal',
  'police-public-order/principal',
  'police-station-zongyang/principal',
];

describe('§4.1 step 1 — guide', () => {
  it('a successful guide clears the incident and opens a case, with nobody summoned', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(3, { do: 'guide', result: 'succeeded' });
    expect(i.s.status).toBe('cleared');
    expect(i.s.clearedAt).toBe(min(3));
    expect(i.s.summons).toEqual([]);
    expect(i.s.cases).toHaveLength(1);
  });

  it('report records the plan id, version and digest the incident runs under', () => {
    const i = new Incident();
    i.do(0, report());
    expect(i.s.plan).toEqual({ id: plan.id, version: plan.version, digest: plan.digest });
    expect(plan.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('§4.1 step 2 and §5.2 — summon the responsible units', () => {
  it('a failed guide summons each unit principal: township 1 h, county department 15 min', () => {
    const i = new Incident();
    i.do(0, report({ units: ['town-tanggou', 'dept-housing'] }));
    i.do(4, { do: 'guide', result: 'failed' });
    expect(i.s.summons.map((s) => [s.role, s.reason, s.deadline - s.issuedAt])).toEqual([
      ['town-tanggou/principal', 'unit_summoned', HOUR],
      ['dept-housing/principal', 'unit_summoned', 15 * MINUTE],
    ]);
    expect(i.s.summons[0]!.issuedAt).toBe(min(4));
  });

  it('without a successful guide, the 10-minute guidance window summons the units', () => {
    const i = new Incident();
    i.do(0, report());
    expect(i.advance(9)).toEqual([]);
    const fired = i.advance(10);
    expect(i.types(fired)).toEqual(['guidance_window_expired', 'summons_issued']);
    expect(i.s.summons[0]!.issuedAt).toBe(min(10));
  });

  it('a successful guide inside the window cancels it', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(5, { do: 'guide', result: 'succeeded' });
    i.advance(60);
    expect(i.types()).not.toContain('guidance_window_expired');
    expect(i.s.summons).toEqual([]);
  });

  it('a second failed guide summons nobody twice', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(2, { do: 'guide', result: 'failed' });
    i.do(6, { do: 'guide', result: 'failed' });
    i.advance(30);
    expect(i.summoned()).toEqual(['town-tanggou/principal']);
  });

  it('a police unit named as responsible gets the police limit of 15 minutes (§5.1)', () => {
    const i = new Incident();
    i.do(0, report({ units: ['police-station-zongyang'] }));
    i.do(1, { do: 'guide', result: 'failed' });
    expect(i.s.summons[0]!.deadline).toBe(min(16));
  });
});

describe('§4.1 step 3 — activation', () => {
  it('a failed persuasion activates: informs the working group, summons the tier commander', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(4, { do: 'guide', result: 'failed' });
    const events = i.do(30, { do: 'persuade', result: 'failed' });
    expect(i.types(events)).toEqual(['persuasion_attempted', 'plan_activated', 'summons_issued']);
    const activated = events[1] as Extract<(typeof events)[number], { type: 'plan_activated' }>;
    expect(activated.informed).toEqual(['working-group/leader', 'working-group/executive-deputy', 'working-group/deputy']);
    expect(i.s.activatedAt).toBe(min(30));
    const commander = i.s.summons[1]!;
    expect([commander.role, commander.reason, commander.deadline]).toEqual([
      'police-station-zongyang/responsible',
      'tier_command',
      min(45),
    ]);
  });

  it('escalate activates at once and summons units not yet summoned (§5.2)', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 15, units: ['town-hengbu', 'dept-education'] }));
    i.do(2, { do: 'escalate', reason: '情绪激动' });
    expect(i.s.summons.map((s) => [s.role, s.reason])).toEqual([
      ['police-special-patrol/responsible', 'tier_command'],
      ['police-public-order/responsible', 'tier_command'],
      ['town-hengbu/principal', 'unit_summoned'],
      ['dept-education/principal', 'unit_summoned'],
    ]);
    expect(i.s.summons.find((s) => s.role === 'town-hengbu/principal')!.deadline).toBe(min(62));
  });

  it('a second escalation is rejected; the state does not change', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(1, { do: 'escalate' });
    const before = i.s.summons;
    const [rejected] = i.do(2, { do: 'escalate' });
    expect(rejected).toMatchObject({ type: 'command_rejected', do: 'escalate', code: 'already_activated' });
    expect(i.s.summons).toBe(before);
  });
});

describe('§4.1 tiers — police command by head count', () => {
  it('resolves the source overlap as 1–10, 11–20, 21–50, 51+', () => {
    const tierAt = (n: number) => {
      const i = new Incident();
      i.do(0, report({ headcount: n }));
      return i.s.tier;
    };
    expect([1, 10, 11, 20, 21, 50, 51, 500].map(tierAt)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('a rise after activation summons whoever the new tier adds, nobody twice', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 8 }));
    i.do(1, { do: 'escalate' });
    i.do(5, { do: 'headcount', value: 15 });
    i.do(10, { do: 'headcount', value: 30 });
    i.do(15, { do: 'headcount', value: 60 });
    const tierRoles = i.s.summons.filter((s) => s.reason !== 'unit_summoned').map((s) => [s.role, s.reason]);
    expect(tierRoles).toEqual([
      ['police-station-zongyang/responsible', 'tier_command'],
      ['police-special-patrol/responsible', 'tier_command'],
      ['police-public-order/responsible', 'tier_command'],
      ['police-bureau/duty-leader', 'tier_command'],
      ['police-special-patrol/principal', 'tier_assist'],
      ['police-public-order/principal', 'tier_assist'],
      ['police-station-zongyang/principal', 'tier_assist'],
      ['police-bureau/principal', 'tier_command'],
    ]);
    expect(i.s.tiers.map((x) => x.tier)).toEqual([1, 2, 3, 4]);
  });

  it('a jump from tier 1 to 3 summons tier 3 only, with a 15-minute deadline', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 5 }));
    i.do(1, { do: 'escalate' });
    i.do(20, { do: 'headcount', value: 25 });
    const added = i.s.summons.filter((s) => s.issuedAt === min(20));
    expect(added.map((s) => s.role)).toEqual(TIER3);
    expect(added.every((s) => s.deadline === min(35))).toBe(true);
  });

  it('before activation a rise is recorded but summons no police', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 5 }));
    i.do(2, { do: 'headcount', value: 40 });
    expect(i.s.tier).toBe(3);
    expect(i.s.summons).toEqual([]);
  });

  it('activation summons the current tier, not the tiers below it', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 5 }));
    i.do(2, { do: 'headcount', value: 40 });
    i.do(3, { do: 'escalate' });
    expect(i.summoned()).toEqual([...TIER3, 'town-tanggou/principal']);
  });

  it('tiers never step down when the crowd shrinks', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 30 }));
    i.do(5, { do: 'headcount', value: 4 });
    expect(i.s.tier).toBe(3);
    expect(i.s.headcount).toBe(4);
    expect(i.s.maxHeadcount).toBe(30);
    expect(i.s.tiers).toHaveLength(1);
  });
});

describe('§5 — summons status and deadlines', () => {
  it('an arrival at the deadline itself is on time', () => {
    const i = new Incident();
    i.do(0, report({ units: ['dept-housing'] }));
    i.do(0, { do: 'guide', result: 'failed' });
    i.do(15, { do: 'arrive', role: 'dept-housing/principal' });
    i.advance(120);
    expect(i.s.summons[0]!.status).toBe('on_time');
    expect(i.s.alerts).toEqual([]);
  });

  it('a missed deadline raises deadline_missed at the deadline; a later arrival is late', () => {
    const i = new Incident();
    i.do(0, report({ units: ['dept-housing'] }));
    i.do(0, { do: 'guide', result: 'failed' });
    i.advance(15);
    expect(i.s.summons[0]!.status).toBe('missed');
    expect(i.s.alerts).toEqual([{ at: min(15), kind: 'deadline_missed', role: 'dept-housing/principal' }]);
    i.do(22, { do: 'arrive', role: 'dept-housing/principal' });
    expect(i.s.summons[0]!.status).toBe('late');
    expect(i.s.summons[0]!.arrivedAt).toBe(min(22));
  });

  it('ack records the acknowledgement once; ack and arrive need a summons', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(1, { do: 'guide', result: 'failed' });
    i.do(2, { do: 'ack', role: 'town-tanggou/principal' });
    expect(i.s.summons[0]!.ackedAt).toBe(min(2));
    expect(i.do(3, { do: 'ack', role: 'town-tanggou/principal' })[0]).toMatchObject({ code: 'already_acknowledged' });
    expect(i.do(3, { do: 'arrive', role: 'town-fushan/principal' })[0]).toMatchObject({ code: 'not_summoned' });
    i.do(4, { do: 'arrive', role: 'town-tanggou/principal' });
    expect(i.do(5, { do: 'arrive', role: 'town-tanggou/principal' })[0]).toMatchObject({ code: 'already_arrived' });
  });

  it('clearing stands down a summons still on its way: no deadline_missed later, neither late nor missed (contract §2)', () => {
    const i = new Incident();
    i.do(0, report({ units: ['dept-housing'] }));
    i.do(1, { do: 'guide', result: 'failed' });
    const events = i.do(5, { do: 'clear' });
    expect(events.map((e) => e.type)).toEqual(['incident_cleared', 'summons_stood_down', 'case_opened']);
    expect(i.s.summons[0]).toMatchObject({ status: 'stood_down', stoodDownAt: min(5) });
    i.advance(30);
    expect(i.s.summons[0]!.status).toBe('stood_down');
    expect(i.s.alerts).toEqual([]);
    // Nobody acknowledges a stood-down summons; an arrival anyway is recorded and the status holds.
    expect(i.do(31, { do: 'ack', role: 'dept-housing/principal' })[0]).toMatchObject({ code: 'stood_down' });
    i.do(32, { do: 'arrive', role: 'dept-housing/principal' });
    expect(i.s.summons[0]).toMatchObject({ status: 'stood_down', arrivedAt: min(32) });
  });

  it('a deadline that passed before clearing stays missed; one that falls at the clearing instant is stood down', () => {
    const i = new Incident();
    i.do(0, report({ units: ['dept-housing', 'town-tanggou'] }));
    i.do(1, { do: 'guide', result: 'failed' });
    i.advance(30); // dept-housing's 15 minutes ran out at minute 16
    expect(i.s.summons.map((s) => s.status)).toEqual(['missed', 'pending']);
    i.do(61, { do: 'clear' }); // town-tanggou's hour ends at minute 61: at that instant, still stood down
    expect(i.s.summons.map((s) => s.status)).toEqual(['missed', 'stood_down']);
    expect(i.s.alerts.map((a) => a.role)).toEqual(['dept-housing/principal']);
  });

  it('a deadline runs on after clearing for a summons that arrived: late is late (safeguards 3)', () => {
    const i = new Incident();
    i.do(0, report({ units: ['dept-housing'] }));
    i.do(1, { do: 'guide', result: 'failed' });
    i.do(20, { do: 'arrive', role: 'dept-housing/principal' });
    i.do(21, { do: 'clear' });
    expect(i.s.summons[0]).toMatchObject({ status: 'late', stoodDownAt: null });
  });
});

describe('§4.1.1 — lingering', () => {
  it("refuses a responsible unit's principal check-out while people linger, allows it after clearing", () => {
    const i = new Incident();
    i.do(0, report());
    i.do(1, { do: 'guide', result: 'failed' });
    i.do(20, { do: 'arrive', role: 'town-tanggou/principal' });
    i.do(25, { do: 'behavior', kind: 'lingering' });
    const [refused] = i.do(30, { do: 'leave', role: 'town-tanggou/principal' });
    expect(refused).toMatchObject({ type: 'command_rejected', code: 'lingering' });
    expect((refused as { reason: string }).reason).toContain('§4.1.1');
    i.do(40, { do: 'clear' });
    i.do(41, { do: 'leave', role: 'town-tanggou/principal' });
    expect(i.s.summons[0]!.leftAt).toBe(min(41));
  });

  it('police may leave while people linger; only principals of responsible units stay', () => {
    const i = new Incident();
    i.do(0, report({ behaviors: ['lingering'] }));
    i.do(1, { do: 'escalate' });
    i.do(5, { do: 'arrive', role: 'police-station-zongyang/responsible' });
    i.do(9, { do: 'leave', role: 'police-station-zongyang/responsible' });
    expect(i.s.summons[0]!.leftAt).toBe(min(9));
    expect(i.s.rejected).toEqual([]);
  });

  it('leave needs an arrival first', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(1, { do: 'guide', result: 'failed' });
    expect(i.do(2, { do: 'leave', role: 'town-tanggou/principal' })[0]).toMatchObject({ code: 'not_arrived' });
  });
});

describe('§4.1.2 — charging', () => {
  it('activates the plan at the guiding stage', () => {
    const i = new Incident();
    i.do(0, report({ headcount: 12 }));
    i.do(2, { do: 'behavior', kind: 'charging' });
    expect(i.s.activatedAt).toBe(min(2));
    expect(i.s.activatedBy).toBe('charging');
    expect(i.summoned()).toEqual([
      'police-special-patrol/responsible',
      'police-public-order/responsible',
      'town-tanggou/principal',
    ]);
  });

  it('charging in the report itself activates at once', () => {
    const i = new Incident();
    i.do(0, report({ behaviors: ['charging'] }));
    expect(i.s.activatedAt).toBe(T0);
    expect(i.types()).toEqual(['incident_reported', 'behavior_observed', 'plan_activated', 'summons_issued', 'summons_issued']);
  });
});

describe('§4.1.3 and §5.1 — measures', () => {
  const withMeasure = (kind: 'removal' | 'warning' = 'removal') => {
    const i = new Incident();
    i.do(0, report({ behaviors: ['banner'] }));
    i.do(1, { do: 'request_measure', id: 'm1', kind, basis: '《治安管理处罚法》第二十三条' });
    return i;
  };

  it('banner and sit-in are recorded and do not by themselves activate the plan', () => {
    const i = withMeasure();
    i.do(2, { do: 'behavior', kind: 'sit_in' });
    expect(i.s.behaviors.map((b) => b.kind)).toEqual(['banner', 'sit_in']);
    expect(i.s.activatedAt).toBeNull();
  });

  it('a major measure approved by a county leader and then taken is not flagged', () => {
    const i = withMeasure();
    i.do(3, { do: 'approve_measure', id: 'm1', by: 'county-party/leader' });
    i.do(5, { do: 'take_measure', id: 'm1' });
    expect(i.s.measures[0]).toMatchObject({ approvedBy: 'county-party/leader', approvedAt: min(3), takenAt: min(5), flagged: false });
    expect(i.s.alerts).toEqual([]);
  });

  it('only a county party-committee or county-government leader may approve', () => {
    const i = withMeasure();
    const [r] = i.do(3, { do: 'approve_measure', id: 'm1', by: 'police-bureau/principal' });
    expect(r).toMatchObject({ type: 'command_rejected', code: 'not_approver' });
    expect(i.s.measures[0]!.approvedBy).toBeNull();
  });

  it('a major measure taken without approval is flagged with an unapproved_measure alert', () => {
    const i = withMeasure();
    i.do(4, { do: 'take_measure', id: 'm1' });
    expect(i.s.measures[0]!.flagged).toBe(true);
    expect(i.s.alerts).toEqual([{ at: min(4), kind: 'unapproved_measure', role: null, measure: 'm1' }]);
  });

  it('approval after the fact lifts the flag but keeps the record for accountability', () => {
    const i = withMeasure();
    i.do(4, { do: 'take_measure', id: 'm1' });
    const [approved] = i.do(9, { do: 'approve_measure', id: 'm1', by: 'county-government/leader' });
    expect(approved).toMatchObject({ type: 'measure_approved', after_the_fact: true });
    expect(i.s.measures[0]).toMatchObject({ flagged: false, takenWithoutApproval: true });
  });

  it('a county leader may decline a measure with a reason; taking it anyway is flagged', () => {
    const i = withMeasure();
    expect(i.do(2, { do: 'decline_measure', id: 'm1', by: 'police-bureau/principal', reason: '不必要' })[0]).toMatchObject({ code: 'not_approver' });
    i.do(3, { do: 'decline_measure', id: 'm1', by: 'county-government/leader', reason: '以劝导为主' });
    expect(i.s.measures[0]).toMatchObject({ declinedBy: 'county-government/leader', declinedAt: min(3), declineReason: '以劝导为主' });
    expect(i.do(4, { do: 'approve_measure', id: 'm1', by: 'county-party/leader' })[0]).toMatchObject({ code: 'already_declined' });
    // Taking it anyway needs a reason, and is flagged like an unapproved one.
    expect(i.do(5, { do: 'take_measure', id: 'm1' })[0]).toMatchObject({ code: 'declined_needs_reason' });
    i.do(5, { do: 'take_measure', id: 'm1', reason: '人员冲击大门,危及安全' });
    expect(i.s.measures[0]).toMatchObject({ flagged: true, takenWithoutApproval: true, takeReason: '人员冲击大门,危及安全' });
    expect(i.s.alerts.map((a) => a.kind)).toEqual(['unapproved_measure']);
  });

  it('a declined warning (not major) taken anyway is flagged too', () => {
    const i = withMeasure('warning');
    i.do(2, { do: 'decline_measure', id: 'm1', by: 'county-party/leader', reason: '暂不警告' });
    i.do(3, { do: 'take_measure', id: 'm1', reason: '现场秩序失控' });
    expect(i.s.measures[0]).toMatchObject({ major: false, flagged: true });
  });

  it('a warning is not major and needs no approval', () => {
    const i = withMeasure('warning');
    i.do(2, { do: 'take_measure', id: 'm1' });
    expect(i.s.measures[0]).toMatchObject({ major: false, flagged: false });
  });

  it('refuses duplicate ids, unknown ids and taking twice', () => {
    const i = withMeasure();
    expect(i.do(2, { do: 'request_measure', id: 'm1', kind: 'warning', basis: 'x' })[0]).toMatchObject({ code: 'duplicate_measure' });
    expect(i.do(2, { do: 'take_measure', id: 'm9' })[0]).toMatchObject({ code: 'unknown_measure' });
    i.do(3, { do: 'take_measure', id: 'm1' });
    expect(i.do(4, { do: 'take_measure', id: 'm1' })[0]).toMatchObject({ code: 'already_taken' });
  });
});

describe('§5.1 — on-site updates', () => {
  it('asks the tier commander for an update 15 minutes after activation without a note', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(1, { do: 'escalate' });
    const fired = i.advance(16);
    expect(fired.filter((e) => e.type === 'update_due')).toEqual([
      { type: 'update_due', at: min(16), role: 'police-station-zongyang/responsible', since: min(1), clause: '§5.1' },
    ]);
  });

  it('a note resets the interval; nothing is due before activation or after clearing', () => {
    const i = new Incident();
    i.do(0, report());
    i.advance(40);
    expect(i.s.alerts.filter((a) => a.kind === 'update_due')).toEqual([]);
    i.do(41, { do: 'escalate' });
    i.do(50, { do: 'note', text: '现场秩序平稳' });
    expect(i.advance(64).filter((e) => e.type === 'update_due')).toEqual([]);
    expect(i.advance(65).filter((e) => e.type === 'update_due')).toHaveLength(1);
    i.do(70, { do: 'clear' });
    expect(i.advance(300).filter((e) => e.type === 'update_due')).toEqual([]);
  });
});

describe('§4.2 — follow-up routes', () => {
  const routed = (over: Parameters<typeof report>[0], marks: ('mark_major' | 'mark_concluded')[] = []) => {
    const i = new Incident();
    i.do(0, report(over));
    for (const m of marks) i.do(1, { do: m } as never);
    i.do(2, { do: 'clear' });
    return i.s.cases;
  };

  it('an accusation goes to the discipline commission, before any mark', () => {
    expect(routed({ category: 'accusation' }, ['mark_major', 'mark_concluded'])[0]).toMatchObject({
      route: 'discipline_inspection',
      handler: 'discipline-commission',
    });
  });

  it('an accusation about the discipline commission itself is forwarded to the inspection team (safeguards 6)', () => {
    expect(routed({ category: 'accusation', units: ['discipline-commission'] })[0]).toMatchObject({
      route: 'discipline_inspection',
      handler: 'inspection-team',
    });
  });

  it('a concluded matter is handed back to the responsible unit', () => {
    expect(routed({}, ['mark_concluded', 'mark_major'])[0]).toMatchObject({ route: 'hand_back', handler: 'town-tanggou' });
  });

  it('a major matter goes to the county leader in charge of the first unit', () => {
    expect(routed({ units: ['dept-housing', 'town-fushan'] }, ['mark_major'])[0]).toMatchObject({
      route: 'county_leader_reception',
      handler: 'county-government/leader',
    });
  });

  it('several units go to a joint reception by the joint office', () => {
    expect(routed({ units: ['town-tanggou', 'dept-housing'] })[0]).toMatchObject({ route: 'joint_reception', handler: 'joint-office' });
  });

  it('a general matter stays with the responsible unit, with the regulation deadlines', () => {
    const [c] = routed({});
    expect(c).toMatchObject({ route: 'responsible_unit', handler: 'town-tanggou', openedAt: min(2) });
    expect(c!.acceptBy).toBe(min(2) + 15 * DAY);
    expect(c!.due).toBe(min(2) + 75 * DAY);
    expect(c!.trackingCode).toMatch(/^YJ(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
  });

  it('close clears first and opens exactly one case; commands after close are rejected', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(5, { do: 'close' });
    expect(i.types().slice(1)).toEqual(['incident_cleared', 'case_opened', 'incident_closed']);
    expect(i.do(6, { do: 'headcount', value: 3 })[0]).toMatchObject({ code: 'closed' });
    expect(i.s.cases).toHaveLength(1);
  });

  it('commands of the on-site phase are rejected after clearing', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(1, { do: 'clear' });
    for (const c of [{ do: 'headcount', value: 9 }, { do: 'escalate' }, { do: 'guide', result: 'failed' }, { do: 'clear' }] as const) {
      expect(i.do(2, c)[0]).toMatchObject({ type: 'command_rejected', code: 'cleared' });
    }
    expect(i.s.cases).toHaveLength(1);
  });
});

describe('decide', () => {
  it('refuses commands before a report and a second report', () => {
    const ctx = { plan, now: T0, newId: () => 'x' };
    expect(decide(null, { do: 'clear' }, ctx)).toMatchObject({ ok: false, rejection: { code: 'no_incident' } });
    const i = new Incident();
    i.do(0, report());
    expect(decide(i.s, report(), ctx)).toMatchObject({ ok: false, rejection: { code: 'already_reported' } });
  });

  it('refuses unknown venues and units as values, not exceptions', () => {
    const ctx = { plan, now: T0, newId: () => 'x' };
    expect(decide(null, report({ venue: 'nowhere' }), ctx)).toMatchObject({ ok: false, rejection: { code: 'unknown_id' } });
    expect(decide(null, report({ units: ['town-nowhere'] }), ctx)).toMatchObject({ ok: false, rejection: { code: 'unknown_id' } });
  });
});

describe('after close', () => {
  it('attendance can still be recorded (late is late), other handling is refused', () => {
    const i = new Incident();
    i.do(0, report({ units: ['dept-housing'] }));
    i.do(1, { do: 'guide', result: 'failed' });
    i.advance(17);
    i.do(18, { do: 'close' });
    i.do(20, { do: 'arrive', role: 'dept-housing/principal' });
    expect(i.s.summons[0]).toMatchObject({ status: 'late', arrivedAt: min(20) });
    i.do(21, { do: 'leave', role: 'dept-housing/principal' });
    expect(i.s.summons[0]!.leftAt).toBe(min(21));
    expect(i.do(22, { do: 'persuade', result: 'failed' })[0]).toMatchObject({ code: 'closed' });
  });
});

import { describe, expect, it } from 'vitest';
import { DAY } from '../../plan/duration.js';
import type { CaseCommand } from '../case/commands.js';
import { seededIds } from '../ids.js';
import type { RiskCommand } from '../risk/commands.js';
import { plan, T0 } from '../test-support/engine.fixture.js';
import { caseDecider, riskDecider } from './kinds.js';
import { runOnClock } from './virtual-clock.js';

/*
 * Cases and early-warning matters run on the same virtual clock as drills: every timer fires
 * at its own due instant, and one due at a command's instant fires after the command.
 */

const walkIn: CaseCommand = {
  do: 'register',
  matter: '征地补偿款未发放',
  units: ['town-tanggou'],
  category: 'claim',
  headcount: 1,
  representatives: 0,
  major: false,
  concluded: false,
};

const caseCtx = { plan, newId: seededIds('clock-test'), retention: null };

/** A matter of the register entered on Monday 2026-03-02 09:00 (T0) with its next review a week on. */
const matter: RiskCommand = {
  do: 'report',
  kind: 'matter',
  unit: 'town-tanggou',
  matter: '某工业园企业拖欠工人工资约三个月',
  place: '汤沟镇工业园',
  affected: 40,
  level: 'medium',
  next_review: '2026-03-09',
};

/** The first instant after the review day in the county (UTC+8): the review is overdue from then. */
const REVIEW_OVERDUE = Date.parse('2026-03-10T00:00:00+08:00');

const timeline = (events: { type: string; at: number }[]) => events.map((e) => [e.type, e.at]);

describe('the virtual clock runs a case', () => {
  it('a case registered and never accepted: reminder 3 days before the 15-day acceptance deadline, missed at it', () => {
    const run = runOnClock(caseDecider, [{ at: T0, command: walkIn }], caseCtx, T0 + 20 * DAY);
    expect(timeline(run.events)).toEqual([
      ['case_registered', T0],
      ['case_deadline_reminder', T0 + 12 * DAY],
      ['case_deadline_missed', T0 + 15 * DAY],
    ]);
    expect(run.events.slice(1)).toMatchObject([
      { deadline: 'acceptance', due: T0 + 15 * DAY },
      { deadline: 'acceptance', due: T0 + 15 * DAY },
    ]);
    expect(run.state).toMatchObject({ status: 'registered', acceptBy: T0 + 15 * DAY });
  });

  it('stops before `until`: a deadline at the end of the run is still counted, one after it is not', () => {
    expect(timeline(runOnClock(caseDecider, [{ at: T0, command: walkIn }], caseCtx, T0 + 15 * DAY).events).at(-1)).toEqual(['case_deadline_missed', T0 + 15 * DAY]);
    expect(timeline(runOnClock(caseDecider, [{ at: T0, command: walkIn }], caseCtx, T0 + 15 * DAY - 1).events).at(-1)).toEqual(['case_deadline_reminder', T0 + 12 * DAY]);
  });

  it('accepted at the very instant of the acceptance deadline: the command comes first, so nothing is missed', () => {
    const run = runOnClock(
      caseDecider,
      [
        { at: T0, command: walkIn },
        { at: T0 + 15 * DAY, command: { do: 'accept' } },
      ],
      caseCtx,
      T0 + 20 * DAY,
    );
    expect(timeline(run.events)).toEqual([
      ['case_registered', T0],
      ['case_deadline_reminder', T0 + 12 * DAY],
      ['case_accepted', T0 + 15 * DAY],
    ]);
    expect(run.state?.due).toBe(T0 + 75 * DAY);
  });

  it('keeps refusals, which a case answers without recording', () => {
    const run = runOnClock(caseDecider, [{ at: T0, command: { do: 'accept' } }], caseCtx, T0 + DAY);
    expect(run.events).toEqual([]);
    expect(run.state).toBeNull();
    expect(run.refused).toMatchObject([{ at: T0, command: { do: 'accept' }, rejection: { code: 'no_case' } }]);
  });

  it('refuses commands out of time order rather than deciding in the past', () => {
    expect(() => runOnClock(caseDecider, [{ at: T0 + DAY, command: walkIn }, { at: T0, command: { do: 'accept' } }], caseCtx, T0 + 2 * DAY)).toThrow(RangeError);
  });
});

describe('the virtual clock runs a matter of the early-warning register', () => {
  const ctx = { plan, newId: seededIds('clock-test') };

  it('a review not done by the end of its day is overdue at the next midnight in the county', () => {
    const run = runOnClock(riskDecider, [{ at: T0, command: matter }], ctx, T0 + 14 * DAY);
    expect(timeline(run.events)).toEqual([
      ['risk_reported', T0],
      ['review_overdue', REVIEW_OVERDUE],
    ]);
    expect(run.events[1]).toEqual({ type: 'review_overdue', at: REVIEW_OVERDUE, review_on: '2026-03-09', due: REVIEW_OVERDUE });
    expect(run.state).toMatchObject({ id: 'risk-1', overdueSince: REVIEW_OVERDUE });
  });

  it('a review done on its day is on time: nothing falls due', () => {
    const run = runOnClock(
      riskDecider,
      [
        { at: T0, command: matter },
        { at: REVIEW_OVERDUE - 1, command: { do: 'complete_review', note: '已与企业约谈，工资分期发放' } },
      ],
      ctx,
      REVIEW_OVERDUE + DAY,
    );
    expect(run.events.map((e) => e.type)).toEqual(['risk_reported', 'review_completed']);
  });
});

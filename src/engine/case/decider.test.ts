import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../plan/duration.js';
import type { CaseCommand } from './commands.js';
import { decideCase, fireCaseDue, pendingCaseTimers, type CaseContext } from './decider.js';
import type { CaseEvent } from './events.js';
import { evolveCase, type CaseState } from './state.js';
import { seededIds } from '../ids.js';
import { addWorkingDays } from '../time.js';
import { plan, T0 } from '../test-support/engine.fixture.js';

/** A case driven through the pure engine on a virtual clock, as the processor does. */
class Case {
  s: CaseState | null = null;
  readonly log: CaseEvent[] = [];
  private readonly ids = seededIds('case-test');
  constructor(private readonly retention: number | null = null) {}
  ctx(at: number): CaseContext {
    return { plan, now: at, newId: this.ids, retention: this.retention, personal: true };
  }
  tick(at: number): void {
    if (!this.s) return;
    const { events, state } = fireCaseDue(this.s, plan, at, this.retention);
    this.log.push(...events);
    this.s = state;
  }
  do(at: number, c: CaseCommand) {
    this.tick(at);
    const d = decideCase(this.s, c, this.ctx(at));
    if (d.ok) for (const e of d.events) (this.log.push(e), (this.s = evolveCase(this.s, e)));
    return d;
  }
  must(at: number, c: CaseCommand): void {
    const d = this.do(at, c);
    if (!d.ok) throw new Error(`${c.do}: ${d.rejection.code}`);
  }
  get state(): CaseState {
    return this.s!;
  }
}

const walkIn = (over: Partial<Extract<CaseCommand, { do: 'register' }>> = {}): CaseCommand => ({
  do: 'register',
  matter: '征地补偿款未发放',
  units: ['town-tanggou'],
  category: 'claim',
  headcount: 1,
  representatives: 0,
  major: false,
  concluded: false,
  ...over,
});

describe('case deadlines (rules.md)', () => {
  it('acceptance is due 15 days after registration; handling 60 days after acceptance', () => {
    const c = new Case();
    c.must(T0, walkIn());
    expect(c.state.acceptBy).toBe(T0 + 15 * DAY);
    c.must(T0 + 5 * DAY, { do: 'accept' });
    expect(c.state.due).toBe(T0 + 65 * DAY);
  });

  it('raises the reminder 3 days before and the missed notice at the deadline, each once', () => {
    const c = new Case();
    c.must(T0, walkIn());
    c.tick(T0 + 20 * DAY);
    expect(c.log.slice(1).map((e) => [e.type, e.at])).toEqual([
      ['case_deadline_reminder', T0 + 12 * DAY],
      ['case_deadline_missed', T0 + 15 * DAY],
    ]);
    c.tick(T0 + 30 * DAY);
    expect(c.log).toHaveLength(3);
    expect(pendingCaseTimers(c.state, plan)).toEqual([]);
  });

  it('an extension is at most 30 days, once, approved by the head of the handling unit', () => {
    const c = new Case();
    c.must(T0, walkIn());
    c.must(T0, { do: 'accept' });
    const head = 'town-tanggou/principal';
    expect(c.do(T0, { do: 'extend', days: 30, reason: 'r', approved_by: 'town-tanggou/responsible' })).toMatchObject({ ok: false, rejection: { code: 'not_head' } });
    expect(c.do(T0, { do: 'extend', days: 31, reason: 'r', approved_by: head })).toMatchObject({ ok: false, rejection: { code: 'extension_too_long' } });
    c.must(T0, { do: 'extend', days: 30, reason: 'r', approved_by: head });
    expect(c.state.due).toBe(T0 + 90 * DAY);
    expect(c.do(T0, { do: 'extend', days: 1, reason: 'r', approved_by: head })).toMatchObject({ ok: false, rejection: { code: 'already_extended' } });
  });

  it('a review is asked within 30 days of the reply; the window passing unused closes the case', () => {
    const c = new Case();
    c.must(T0, walkIn());
    c.must(T0, { do: 'accept' });
    c.must(T0, { do: 'opinion', kind: 'explains', text: 't' });
    c.must(T0 + DAY, { do: 'reply' });
    expect(c.do(T0 + 31 * DAY + 1, { do: 'request_review' })).toMatchObject({ ok: false, rejection: { code: 'closed' } });
    expect(c.state).toMatchObject({ status: 'closed', closedBy: 'no_review', closedAt: T0 + 31 * DAY });
  });

  it('personal data is erased the retention period after closing, by a timer', () => {
    const c = new Case(10 * DAY);
    c.must(T0, walkIn());
    c.must(T0 + DAY, { do: 'not_accept', reason: 'r' });
    c.tick(T0 + 11 * DAY - 1);
    expect(c.state.personalErasedAt).toBeNull();
    c.tick(T0 + 11 * DAY);
    expect(c.state.personalErasedAt).toBe(T0 + 11 * DAY);
  });

  it('an accusation is never forwarded to a unit it accuses', () => {
    const c = new Case();
    c.must(T0, walkIn({ category: 'accusation', units: ['town-tanggou'] }));
    expect(c.state).toMatchObject({ route: 'discipline_inspection', handler: 'discipline-commission' });
    expect(c.do(T0, { do: 'forward', to: 'town-tanggou', reason: 'r' })).toMatchObject({ ok: false });
  });

  it('working days skip weekends in the county time zone', () => {
    const friday = Date.parse('2026-03-06T17:00:00+08:00');
    expect(addWorkingDays(friday, 1, 'Asia/Shanghai')).toBe(Date.parse('2026-03-09T17:00:00+08:00'));
    expect(addWorkingDays(friday, 5, 'Asia/Shanghai')).toBe(Date.parse('2026-03-13T17:00:00+08:00'));
    // Late on Sunday UTC is already Monday in the county.
    const sundayUtc = Date.parse('2026-03-08T20:00:00Z');
    expect(addWorkingDays(sundayUtc - DAY, 1, 'Asia/Shanghai')).toBe(sundayUtc);
  });

  it('property: whatever commands arrive, every deadline notice is raised at most once, no timer lies in the past, and events stay in time order', () => {
    const commands: CaseCommand[] = [
      { do: 'accept' },
      { do: 'not_accept', reason: 'r' },
      { do: 'forward', to: 'dept-housing', reason: 'r' },
      { do: 'object', reason: 'r' },
      { do: 'extend', days: 10, reason: 'r', approved_by: 'town-tanggou/principal' },
      { do: 'opinion', kind: 'supports', text: 't' },
      { do: 'reply' },
      { do: 'rate', value: 'satisfied' },
      { do: 'request_review' },
      { do: 'decide_review', result: 'upheld', text: 't' },
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 * DAY }), fc.integer({ min: 0, max: commands.length - 1 })), { maxLength: 25 }), (steps) => {
        const c = new Case(30 * DAY);
        c.must(T0, walkIn());
        let at = T0;
        for (const [gap, i] of steps) {
          at += gap;
          c.do(at, commands[i]!);
          for (const t of pendingCaseTimers(c.state, plan, 30 * DAY)) expect(t.due).toBeGreaterThanOrEqual(at);
        }
        const times = c.log.map((e) => e.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        const notices = c.log.filter((e) => e.type === 'case_deadline_reminder' || e.type === 'case_deadline_missed').map((e) => JSON.stringify(e));
        expect(new Set(notices).size).toBe(notices.length);
      }),
      { numRuns: 300 },
    );
  });
});

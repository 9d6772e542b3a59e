import { describe, expect, it } from 'vitest';
import { fireDue, type TimerRules } from './timers.js';

/**
 * A toy kind: a reminder list. Each pending reminder is a timer; firing one records it, and a
 * reminder marked `repeat` schedules the next one `every` ms later (a timer firing creates).
 */
interface Reminders {
  due: number[];
  every: number;
  repeat: boolean;
}
type Fired = { type: 'reminded'; at: number; due: number };

const reminders: TimerRules<Reminders, Fired, { silent?: number }> = {
  pending: (s) => s.due.map((due) => ({ key: `r@${due}`, due })).sort((a, b) => a.due - b.due),
  fire: (_, timer, ctx) => (timer.due === ctx.silent ? [] : [{ type: 'reminded', at: timer.due, due: Number(timer.key.slice(2)) }]),
  evolve: (s, e) => {
    const due = s!.due.filter((d) => d !== e.due);
    return { ...s!, due: s!.repeat && due.length === 0 ? [e.due + s!.every] : due };
  },
};

describe('the kernel fireDue', () => {
  it('fires earliest first, each at its own due time, up to and including the limit', () => {
    const { events, state } = fireDue(reminders, { due: [30, 10, 20], every: 0, repeat: false }, {}, 20);
    expect(events.map((e) => e.at)).toEqual([10, 20]);
    expect(state.due).toEqual([30]);
  });

  it('leaves a timer due at exactly the limit when not inclusive (a step at that instant comes first)', () => {
    expect(fireDue(reminders, { due: [10, 20], every: 0, repeat: false }, {}, 20, false).events.map((e) => e.at)).toEqual([10]);
  });

  it('fires the timers that firing creates, while they fall due by the limit', () => {
    const { events, state } = fireDue(reminders, { due: [10], every: 15, repeat: true }, {}, 50);
    expect(events.map((e) => e.at)).toEqual([10, 25, 40]);
    expect(state.due).toEqual([55]);
  });

  it('refuses to loop forever on a due timer that records nothing', () => {
    expect(() => fireDue(reminders, { due: [10], every: 0, repeat: false }, { silent: 10 }, 20)).toThrow('timer r@10 is due at 10 but fires no event');
  });
});

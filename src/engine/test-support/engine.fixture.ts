import { loadPlanOrThrow } from '../../plan/plan.loader.js';
import type { Plan } from '../../plan/plan.js';
import { MINUTE } from '../../plan/duration.js';
import type { Command } from '../incident/commands.js';
import type { IncidentEvent } from '../incident/events.js';
import { execute } from '../../drill/drill.runner.js';
import { evolve } from '../incident/evolve.js';
import type { IncidentState } from '../incident/state.js';
import { fireDue } from '../incident/timers.js';
import { seededIds } from '../ids.js';

/** The shipped plan, loaded once for all engine tests. */
export const plan: Plan = loadPlanOrThrow();

export const T0 = Date.parse('2026-03-02T09:00:00+08:00');

/**
 * A small harness on a virtual clock: `at(minutes).do(command)` runs a command then,
 * `advance(minutes)` fires timers up to that time. Never sleeps.
 */
export class Incident {
  events: IncidentEvent[] = [];
  state: IncidentState | null = null;
  now = T0;
  private readonly newId = seededIds('test');
  constructor(readonly p: Plan = plan) {}

  /** Runs a command at `minutes` after T0, firing earlier timers first. Returns the new events. */
  do(minutes: number, command: Command): IncidentEvent[] {
    this.advance(minutes, false);
    this.now = T0 + minutes * MINUTE;
    return this.append(execute(this.state, command, { plan: this.p, now: this.now, newId: this.newId }));
  }

  /** Fires every timer due up to `minutes` after T0 (inclusive by default). */
  advance(minutes: number, inclusive = true): IncidentEvent[] {
    const limit = T0 + minutes * MINUTE;
    const fired = this.append(fireDue(this.state, { plan: this.p, newId: this.newId }, limit, inclusive).events);
    this.now = Math.max(this.now, limit);
    return fired;
  }

  private append(list: IncidentEvent[]): IncidentEvent[] {
    for (const e of list) {
      this.events.push(e);
      this.state = evolve(this.state, e);
    }
    return list;
  }

  get s(): IncidentState {
    if (!this.state) throw new Error('no incident reported');
    return this.state;
  }

  types(list: IncidentEvent[] = this.events): string[] {
    return list.map((e) => e.type);
  }

  summoned(): string[] {
    return this.s.summons.map((x) => x.role);
  }
}

/** Minutes after T0 as epoch ms. */
export const min = (m: number) => T0 + m * MINUTE;

export const report = (over: Partial<Extract<Command, { do: 'report' }>> = {}): Command => ({
  do: 'report',
  venue: 'residence',
  headcount: 8,
  units: ['town-tanggou'],
  matter: '征地补偿款未发放',
  category: 'claim',
  behaviors: [],
  ...over,
});

import type { Plan } from '../plan/plan.js';
import type { Command } from '../engine/commands.js';
import type { IncidentEvent } from '../engine/events.js';
import { decide, rejectionEvent, type DecideContext } from '../engine/incident.decider.js';
import { evolve } from '../engine/incident.evolve.js';
import type { IncidentState } from '../engine/incident.state.js';
import { fireDue } from '../engine/incident.timers.js';
import { seededIds } from '../engine/ids.js';
import type { Scenario } from './scenario.js';

/** The outcome of a drill: every event in order, and the state they fold to. */
export interface DrillRun {
  scenario: Scenario;
  plan: Plan;
  events: IncidentEvent[];
  state: IncidentState | null;
}

/**
 * Runs a scenario on a virtual clock: the same `decide` and `fireTimer` the server uses, with
 * time advanced from step to step and timer to timer instead of waited for. Steps run in
 * order; a timer fires at its exact due time, after the steps of that same instant (contract
 * §3). Pure apart from its own bookkeeping: same scenario and plan, same result.
 */
export function runDrill(scenario: Scenario, plan: Plan): DrillRun {
  // Seeded by the English name: a scenario named in both languages draws the ids it drew when named in English only.
  const newId = seededIds(`${scenario.title.en}\u0000${scenario.start}`);
  const events: IncidentEvent[] = [];
  let state: IncidentState | null = null;

  const append = (list: IncidentEvent[]) => {
    for (const e of list) {
      events.push(e);
      state = evolve(state, e);
    }
  };
  /** Fires timers due before `limit` (or at it, when `inclusive`), earliest first. */
  const advance = (limit: number, inclusive: boolean) => {
    const fired = fireDue(state, { plan, newId }, limit, inclusive);
    events.push(...fired.events);
    state = fired.state;
  };

  for (const step of scenario.steps) {
    advance(step.at, false);
    const ctx: DecideContext = { plan, now: step.at, newId };
    append(execute(state, step.command, ctx));
  }
  advance(scenario.until, true);
  return { scenario, plan, events, state };
}

/** A command's events, or the rejection event when the rules refuse it. */
export function execute(state: IncidentState | null, command: Command, ctx: DecideContext): IncidentEvent[] {
  const decision = decide(state, command, ctx);
  return decision.ok ? decision.events : [rejectionEvent(command, decision.rejection, ctx.now)];
}

import type { Plan } from '../plan/plan.js';
import type { Command } from '../engine/incident/commands.js';
import type { IncidentEvent } from '../engine/incident/events.js';
import type { IncidentState } from '../engine/incident/state.js';
import { seededIds } from '../engine/ids.js';
import type { DeciderContext } from '../engine/kernel/decider.js';
import { incidentDecider } from '../engine/kernel/kinds.js';
import { runCommand, runOnClock } from '../engine/kernel/virtual-clock.js';
import type { Scenario } from './scenario.js';

/** The outcome of a drill: every event in order, and the state they fold to. */
export interface DrillRun {
  scenario: Scenario;
  plan: Plan;
  events: IncidentEvent[];
  state: IncidentState | null;
}

/**
 * Runs a scenario on the kernel's virtual clock: the same incident decider the server uses,
 * with time advanced from step to step and timer to timer instead of waited for. Steps run in
 * order; a timer fires at its exact due time, after the steps of that same instant (contract
 * §3); refusals are recorded as events. Pure: same scenario and plan, same result.
 */
export function runDrill(scenario: Scenario, plan: Plan): DrillRun {
  // Seeded by the English name: a scenario named in both languages draws the ids it drew when named in English only.
  const newId = seededIds(`${scenario.title.en}\u0000${scenario.start}`);
  const { events, state } = runOnClock(incidentDecider, scenario.steps, { plan, newId }, scenario.until);
  return { scenario, plan, events, state };
}

/** A command's events, or the rejection event when the rules refuse it. */
export function execute(state: IncidentState | null, command: Command, ctx: DeciderContext): IncidentEvent[] {
  return runCommand(incidentDecider, state, command, ctx).events;
}

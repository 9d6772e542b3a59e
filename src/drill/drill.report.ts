import { formatInstant } from '../engine/time.js';
import { accountability, eventView, incidentView } from '../engine/incident/view.js';
import type { DrillRun } from './drill.runner.js';

/**
 * The drill's JSON document (contract §3). Times use the scenario's offset. Fields beyond the
 * contract are additions, never changes. Pure.
 */
export function drillJson(run: DrillRun) {
  const t = (ms: number) => formatInstant(ms, run.scenario.offset);
  const { plan, state } = run;
  const view = state ? incidentView(state, t) : null;
  return {
    scenario: run.scenario.name,
    plan: { id: plan.id, version: plan.version, digest: plan.digest },
    start: t(run.scenario.start),
    until: t(run.scenario.until),
    incident: view?.incident ?? null,
    summons: view?.summons ?? [],
    tiers: view?.tiers ?? [],
    alerts: view?.alerts ?? [],
    measures: view?.measures ?? [],
    rejected: view?.rejected ?? [],
    cases: view?.cases ?? [],
    // Positions on the site plan: present only in drills that place any, so others stay as they were.
    ...(view?.marks ? { marks: view.marks } : {}),
    accountability: state ? accountability(state) : [],
    events: run.events.map((e, i) => eventView(i + 1, e, t)),
  };
}
export type DrillJson = ReturnType<typeof drillJson>;

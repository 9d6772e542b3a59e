import { drillJson } from '../../drill/drill.report.js';
import { complianceSummary, drillTimeline } from '../../drill/drill.review.js';
import { runDrill } from '../../drill/drill.runner.js';
import type { Scenario } from '../../drill/scenario.js';
import { formatInstant } from '../../engine/time.js';
import type { Plan } from '../../plan/plan.js';
import type { DrillReportsTable } from '../../store/schema.js';

/*
 * What the drill routes answer, built without the request: the shapes the web reads through
 * `src/api` are the return types of these functions, so they cannot drift from the server.
 */

/** What POST /api/drills answers, and what a saved report keeps. */
export type DrillResult = ReturnType<typeof drillResult>['body'];

/** A drill run for the API: what was run, the contract JSON, the readable timeline and the compliance summary. */
export function drillResult(scenario: Scenario, plan: Plan, origin: DrillReportsTable['origin']) {
  const run = runDrill(scenario, plan);
  const time = (ms: number) => formatInstant(ms, scenario.offset);
  return {
    run,
    body: {
      scenario: { file: scenario.file, origin, name: scenario.name, title: scenario.title, start: time(scenario.start), until: time(scenario.until), steps: scenario.steps.length },
      drill: drillJson(run),
      timeline: drillTimeline(run),
      summary: complianceSummary(run),
    },
  };
}

/** A saved report's metadata and compliance summary as the API shows it; `t` formats real times. */
export function savedDrillReport(row: DrillReportsTable, t: (ms: number) => string) {
  const report = JSON.parse(row.report) as DrillResult;
  return {
    id: row.id,
    // The name in both languages, from the saved run (reports saved before it was kept show their one name).
    scenario: { name: row.scenario_name, title: report.scenario.title ?? { zh: row.scenario_name, en: row.scenario_name }, file: row.scenario_file, origin: row.origin },
    plan: { id: row.plan_id, version: row.plan_version, digest: row.plan_digest },
    virtual_start: report.scenario.start,
    created_at: t(Number(row.created_at)),
    created_by: row.created_by,
    summary: report.summary,
  };
}

/** A saved drill report as GET /api/drills/reports lists it. */
export type SavedDrillReport = ReturnType<typeof savedDrillReport>;

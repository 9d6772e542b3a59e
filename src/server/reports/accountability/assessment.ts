import type { Plan } from '../../../plan/plan.js';
import { accountabilityReport, byPlanOrder, unitFigures, type Compliance, type ReportInput, type UnitFigures } from './figures.js';

/*
 * The year-end petition assessment (年终信访考核, §5.2): the period figures of a calendar
 * year, one row per unit, with every unit the assessment binds listed even when nothing
 * happened to it. Pure.
 */

/** One row of the year-end petition assessment (年终信访考核, §5.2): summons and case figures of a unit. */
export interface AssessmentRow extends UnitFigures {
  cases: number;
  acceptance: Compliance;
  handling: Compliance;
}

export interface Assessment {
  year: number;
  period: { from: string; to: string };
  generated_at: string;
  rows: AssessmentRow[];
}

/** The units the year-end assessment always lists: the townships and county departments §5.2 binds, and the police (§5.1). */
export function assessedUnits(plan: Plan): string[] {
  return [...plan.units.values()].filter((u) => u.kind === 'township' || u.kind === 'county-department' || u.kind === 'police').map((u) => u.id);
}

/**
 * The year-end assessment table: every assessed unit and every unit with figures in the
 * year, its summons figures, measures taken without approval, and case compliance. Pure.
 */
export function assessment(input: Omit<ReportInput, 'unit' | 'always'> & { year: number }): Assessment {
  const report = accountabilityReport({ ...input, unit: null, always: assessedUnits(input.plan) });
  const order = byPlanOrder(input.plan);
  const ids = [...new Set([...report.units.map((u) => u.unit), ...report.cases.map((c) => c.unit)])].sort(order);
  const empty: Compliance = { on_time: 0, late: 0, overdue: 0, pending: 0, rate: null };
  const rows = ids.map((id) => {
    const u = report.units.find((x) => x.unit === id) ?? unitFigures(input.plan, id, [], 0);
    const c = report.cases.find((x) => x.unit === id);
    return { ...u, cases: c?.cases ?? 0, acceptance: c?.acceptance ?? empty, handling: c?.handling ?? empty };
  });
  return { year: input.year, period: report.period, generated_at: report.generated_at, rows };
}

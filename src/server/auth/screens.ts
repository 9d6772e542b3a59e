import type { Screens } from '../../api/auth.js';
import type { Plan } from '../../plan/plan.js';
import { COMMAND_RULES, mayReadReports, type Reader } from './permissions.js';
import { screeningUnits, usesRegister } from './risk.access.js';

/**
 * What the signed-in user can use, screen by screen (`GET /api/me` → `can`), decided by the same
 * rules the server applies to each request, so the web UI never offers a form the server will
 * refuse:
 *
 * - `report`: the roles `COMMAND_RULES.report` names (venue staff, the working group, the police);
 * - `approvals`: the plan's approvers of major measures (§5.1);
 * - `register`: the early-warning register's users (risk.access: the screening units, the
 *   `register` designation) and a leader assigned a matter;
 * - `reports`: the accountability reports (`mayReadReports`);
 * - `cases`: those who handle or oversee follow-up cases: intake, the joint office, case
 *   oversight, the discipline organs and the inspection team, county leaders, the units that
 *   answer for matters of their areas (the register's screening kinds), and anyone a case
 *   already reached;
 * - `my`: anyone holding a role (summons are sent to roles);
 * - `admin`: plan versions, the organization, accounts and failed notifications;
 * - `drills`: every signed-in user (rehearsals record nothing).
 *
 * An administrator may act in any role, so every screen is offered; `my` still needs a role.
 */
export type { Screens };

/** What the screens depend on besides the plan: facts read from the database. */
export interface ScreenFacts {
  /** The user leads a matter of the register (领导包案). */
  leadsMatter: boolean;
  /** A case the user may see exists. */
  seesCase: boolean;
}

/** The screens this reader can use under this plan. Pure. */
export function screensFor(p: Reader, plan: Plan, facts: ScreenFacts): Screens {
  const d = plan.designations;
  const holds = (...names: (keyof Plan['designations'])[]) => names.some((n) => d[n].includes(p.roles));
  return {
    report: p.admin || COMMAND_RULES.report.who.some((n) => d[n].includes(p.roles)),
    approvals: p.admin || holds('approvers'),
    register: usesRegister(p, plan) || facts.leadsMatter,
    reports: mayReadReports(p, plan),
    cases: p.admin || holds('intake', 'joint_office', 'case_oversight', 'discipline', 'inspection_team', 'approvers') || screeningUnits(p, plan).length > 0 || facts.seesCase,
    my: p.roles.length > 0,
    admin: p.admin,
    drills: true,
  };
}

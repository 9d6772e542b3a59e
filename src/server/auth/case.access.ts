import type { CaseCommand, CaseCommandName } from '../../engine/case/commands.js';
import type { CaseState } from '../../engine/case/state.js';
import { refusal, type Refusal } from '../../i18n/refusals.js';
import type { Plan } from '../../plan/plan.js';
import { unitOf } from '../../plan/plan.js';
import type { Principal, Reader } from './permissions.js';

/*
 * Designations (the plan's `designations`): `case_oversight` sees every case that is not a
 * report against officials; `intake` registers walk-in visits and records review requests;
 * `joint_office` arranges receptions and decides reviews; `discipline` receives accusations.
 */

const unitsOf = (p: Reader) => new Set(p.roles.map(unitOf));

/** Whether a role or unit handler is held by the principal. */
function handles(p: Reader, handler: string): boolean {
  return handler.includes('/') ? p.roles.includes(handler) : unitsOf(p).has(handler);
}

/**
 * Who may see a case. A report or accusation against officials is seen only by the discipline
 * commission and the units it was forwarded to (the inspection team), never by a unit it
 * accuses (safeguards 6), not even through coordination roles. Other cases are seen by their
 * handler, the units concerned, the units it passed through and the coordinating units.
 */
export function maySee(p: Reader, s: CaseState, plan: Plan): boolean {
  if (p.admin) return true;
  const mine = unitsOf(p);
  const accusation = s.category === 'accusation' || s.route === 'discipline_inspection';
  if (accusation) {
    if (s.units.some((u) => mine.has(u))) return false;
    return handles(p, s.handler) || plan.designations.discipline.includes(p.roles) || s.forwards.some((f) => mine.has(f.to));
  }
  if (handles(p, s.handler)) return true;
  if (plan.designations.case_oversight.includes(p.roles)) return true;
  const involved = [...s.units, ...s.forwards.flatMap((f) => [f.from, f.to]), ...(s.reception?.units ?? [])];
  return involved.some((u) => mine.has(u)) || (s.reception?.leader ? p.roles.includes(s.reception.leader) : false);
}

/** Whether the principal is one of the case's handlers: acts on it and may read personal data. */
export function isHandler(p: Reader, s: CaseState): boolean {
  if (p.admin) return true;
  if (s.category === 'accusation' && s.units.some((u) => unitsOf(p).has(u))) return false;
  return handles(p, s.handler);
}

const intake = (p: Reader, plan: Plan) => plan.designations.intake.includes(p.roles);
const jointOffice = (p: Reader, plan: Plan) => plan.designations.joint_office.includes(p.roles);

const WHO: Record<Exclude<CaseCommandName, 'rate'>, (p: Principal, s: CaseState | null, plan: Plan, c: CaseCommand) => boolean> = {
  register: (p, _s, plan) => intake(p, plan),
  accept: (p, s) => isHandler(p, s!),
  not_accept: (p, s) => isHandler(p, s!),
  forward: (p, s, plan) => isHandler(p, s!) || (s!.route !== 'discipline_inspection' && intake(p, plan)),
  object: (p, s) => isHandler(p, s!),
  // The head approves by issuing it: the user must hold the approving role.
  extend: (p, s, _plan, c) => isHandler(p, s!) && c.do === 'extend' && (p.admin || p.roles.includes(c.approved_by)),
  schedule_reception: (p, s, plan) => isHandler(p, s!) || jointOffice(p, plan),
  record_reception: (p, s, plan) => isHandler(p, s!) || jointOffice(p, plan),
  hand_over: (p, s) => isHandler(p, s!),
  opinion: (p, s) => isHandler(p, s!),
  reply: (p, s) => isHandler(p, s!),
  request_review: (p, s, plan) => isHandler(p, s!) || intake(p, plan),
  // The next level decides a review: the joint office or a county leader, not the unit reviewed.
  decide_review: (p, s, plan) => !handles(p, s!.handler) && (jointOffice(p, plan) || plan.designations.approvers.includes(p.roles)),
};


/**
 * Whether the principal may issue a case command (a 403 otherwise). `rate` is the petitioner's,
 * through the public tracking page only. The plan's rules are the engine's (409).
 */
export function mayIssueCase(p: Principal, c: CaseCommand, s: CaseState | null, plan: Plan): { ok: true } | { ok: false; reason: Refusal } {
  if (c.do === 'rate') return { ok: false, reason: refusal('forbidden.case.rate') };
  if (s && !maySee(p, s, plan)) return { ok: false, reason: refusal('forbidden.case.not_visible') };
  if (p.admin) return { ok: true };
  // Why: `forbidden.case.<command>` in refusals.ts, in the reader's language.
  return WHO[c.do](p, s, plan, c) ? { ok: true } : { ok: false, reason: refusal(`forbidden.case.${c.do}`) };
}

/** The role a case action is recorded under: the handling role the user holds, else their first. */
export function actingRole(p: Principal, s: CaseState | null): string | null {
  if (s) {
    const own = p.roles.find((r) => (s.handler.includes('/') ? r === s.handler : unitOf(r) === s.handler));
    if (own) return own;
  }
  return p.roles[0] ?? null;
}

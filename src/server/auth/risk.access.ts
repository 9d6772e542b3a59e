import type { RiskCommand } from '../../engine/risk/commands.js';
import type { RiskState } from '../../engine/risk/state.js';
import { refusal, type Refusal } from '../../i18n/refusals.js';
import type { Plan } from '../../plan/plan.js';
import { unitOf } from '../../plan/plan.js';
import type { Principal, Reader } from './permissions.js';

/**
 * Who uses the early-warning register (§6). Townships and county departments (the unit kinds the
 * plan's `early_warning.screened_by` names) screen their own areas and report their own matters;
 * the working group, the petition bureau and the county leaders oversee every matter and handle
 * signs of a coming petition; the leader assigned to a case works on it; an administrator may do
 * anything. Everyone else is refused. Who oversees is the plan's `designations.register`.
 */

const unitsOf = (p: Reader) => new Set(p.roles.map(unitOf));

/** Whether the principal oversees the whole register (and handles signs). */
export function oversees(p: Reader, plan: Plan): boolean {
  if (p.admin) return true;
  return plan.designations.register.includes(p.roles);
}

/** The principal's own units that screen their areas and report matters (townships, county departments). */
export function screeningUnits(p: Reader, plan: Plan): string[] {
  const kinds = new Set<string>(plan.file.early_warning.screened_by);
  return [...unitsOf(p)].filter((u) => kinds.has(plan.units.get(u)?.kind ?? ''));
}

/** Whether the principal may see a matter: its own unit's, one it leads, or any when overseeing. */
export function maySeeRisk(p: Reader, s: RiskState, plan: Plan): boolean {
  if (oversees(p, plan)) return true;
  return unitsOf(p).has(s.unit) || (s.leader !== null && p.roles.includes(s.leader));
}

/** Whether the principal uses the register at all (a 403 otherwise, unless they lead a matter). */
export function usesRegister(p: Reader, plan: Plan): boolean {
  return oversees(p, plan) || screeningUnits(p, plan).length > 0;
}

export type RiskPermission = { ok: true; role: string | null } | { ok: false; reason: Refusal };

/**
 * Whether the principal may issue a risk command, and the role it is recorded under. The plan's
 * rules (a known unit of a screening kind, a review date not in the past…) are the engine's (409).
 */
export function mayIssueRisk(p: Principal, c: RiskCommand, s: RiskState | null, plan: Plan): RiskPermission {
  const clause = plan.file.early_warning.clause;
  if (c.do === 'report') {
    if (p.admin) return { ok: true, role: p.roles[0] ?? null };
    const own = screeningUnits(p, plan);
    if (!own.length) return { ok: false, reason: refusal('forbidden.risk.report', { clause }) };
    if (!own.includes(c.unit)) return { ok: false, reason: refusal('forbidden.risk.report_own', { clause }) };
    return { ok: true, role: p.roles.find((r) => unitOf(r) === c.unit) ?? null };
  }
  if (!s || !maySeeRisk(p, s, plan)) return { ok: false, reason: refusal('forbidden.risk.other_unit') };
  if (c.do === 'handle_sign' && !oversees(p, plan)) return { ok: false, reason: refusal('forbidden.risk.handle_sign', { clause }) };
  return { ok: true, role: actingRiskRole(p, s, plan) };
}

/** The role a risk action is recorded under: the leader's role, the unit's, an overseeing one, else the first. */
export function actingRiskRole(p: Principal, s: RiskState, plan: Plan): string | null {
  if (s.leader && p.roles.includes(s.leader)) return s.leader;
  return (
    p.roles.find((r) => unitOf(r) === s.unit) ??
    plan.designations.register.pick(p.roles) ??
    p.roles[0] ??
    null
  );
}

import { refusal, type Refusal } from '../../i18n/refusals.js';
import type { Plan } from '../../plan/plan.js';
import { roleName } from '../../plan/plan.js';
import type { Command, CommandName } from '../../engine/incident/commands.js';
import type { IncidentState } from '../../engine/incident/state.js';

/** The signed-in user as permissions see them: the roles they hold right now. */
export interface Principal {
  userId: string;
  username: string;
  admin: boolean;
  roles: readonly string[];
}

/** Whoever reads: a signed-in principal, or the holder of a link sent to one role. */
export type Reader = Pick<Principal, 'admin' | 'roles'>;

/** Who may do something: one of the plan's designations (`designations` in the plan file). */
type Who = keyof Plan['designations'];

interface Rule {
  /** Designations whose roles may issue the command. */
  who: Who[];
  /** For `ack`/`arrive`/`leave`: the person holding the command's role acts for themselves. */
  own?: boolean;
  /** Designations that may record it on someone else's behalf (recorded as such). */
  onBehalf?: Who[];
  /** For `approve_measure`: the user must hold the role named in `by`. */
  holdsBy?: boolean;
  /** May any role summoned to the incident issue it (e.g. the principals who persuade)? */
  summoned?: boolean;
  /** Why, shown in a refusal: `forbidden.command.<name>` in refusals.ts, in the reader's language. */
  why: Refusal;
}

const ON_SITE: Who[] = ['venue_staff', 'working_group', 'police'];

/**
 * The permission matrix, in one place, by designation (the plan says which roles each covers).
 * Venue staff report, guide, update head count and notes; a summoned person acknowledges and
 * checks in for their own role (staff may do it on their behalf); the working group
 * escalates and marks matters; only the approvers of major measures decide on them.
 */
export const COMMAND_RULES: Record<CommandName, Rule> = {
  report: { who: ON_SITE, why: refusal('forbidden.command.report') },
  headcount: { who: ON_SITE, why: refusal('forbidden.command.headcount') },
  behavior: { who: ON_SITE, why: refusal('forbidden.command.behavior') },
  guide: { who: ['venue_staff', 'working_group'], why: refusal('forbidden.command.guide') },
  persuade: { who: ['venue_staff', 'working_group'], summoned: true, why: refusal('forbidden.command.persuade') },
  escalate: { who: ['working_group'], why: refusal('forbidden.command.escalate') },
  ack: { who: [], own: true, onBehalf: ['venue_staff'], why: refusal('forbidden.command.ack') },
  arrive: { who: [], own: true, onBehalf: ['venue_staff'], why: refusal('forbidden.command.arrive') },
  leave: { who: [], own: true, onBehalf: ['venue_staff'], why: refusal('forbidden.command.leave') },
  note: { who: ON_SITE, summoned: true, why: refusal('forbidden.command.note') },
  attach: { who: ON_SITE, summoned: true, why: refusal('forbidden.command.attach') },
  mark_major: { who: ['working_group'], why: refusal('forbidden.command.mark_major') },
  mark_concluded: { who: ['working_group'], why: refusal('forbidden.command.mark_concluded') },
  request_measure: { who: ['police', 'working_group'], why: refusal('forbidden.command.request_measure') },
  approve_measure: { who: ['approvers'], holdsBy: true, why: refusal('forbidden.command.approve_measure') },
  decline_measure: { who: ['approvers'], holdsBy: true, why: refusal('forbidden.command.decline_measure') },
  take_measure: { who: ['police'], why: refusal('forbidden.command.take_measure') },
  clear: { who: ON_SITE, why: refusal('forbidden.command.clear') },
  close: { who: ['working_group'], why: refusal('forbidden.command.close') },
  // Positions on the site plan: whoever reports and updates on site.
  place: { who: ON_SITE, why: refusal('forbidden.command.place') },
};

export type Permission = { ok: true; role: string | null; onBehalf: boolean } | { ok: false; reason: Refusal };

/**
 * May this principal issue this command on this incident? An administrator may issue any. Returns the role it acts in (to
 * record on the events) or the reason for refusal. Pure.
 */
export function mayIssue(p: Principal, command: Command, plan: Plan, incident: IncidentState | null): Permission {
  const rule = COMMAND_RULES[command.do];
  // An administrator may act in any role (the event records the administrator and the role);
  // the plan's rules still apply to every command.
  if (p.admin) {
    const role = 'role' in command ? command.role : 'by' in command ? command.by : null;
    return { ok: true, role, onBehalf: 'role' in command };
  }
  const holds = (who: Who) => plan.designations[who].pick(p.roles);
  if (rule.own && 'role' in command) {
    if (p.roles.includes(command.role)) return { ok: true, role: command.role, onBehalf: false };
    const staff = rule.onBehalf?.map(holds).find(Boolean);
    if (staff) return { ok: true, role: staff, onBehalf: true };
    return { ok: false, reason: rule.why };
  }
  if (rule.holdsBy && (command.do === 'approve_measure' || command.do === 'decline_measure')) {
    // Permission: one acts only in a role one holds. Whether that role may approve is the
    // plan's rule (§5.1): the engine refuses it as a recorded rejection (contract §1).
    if (!p.roles.includes(command.by)) {
      const role = { zh: roleName(plan, command.by, 'zh'), en: roleName(plan, command.by, 'en') };
      return { ok: false, reason: refusal('forbidden.not_holder', { role, why: rule.why }) };
    }
    return { ok: true, role: command.by, onBehalf: false };
  }
  const role = rule.who.map(holds).find(Boolean);
  if (role) return { ok: true, role, onBehalf: false };
  if (rule.summoned && incident) {
    const summoned = p.roles.find((r) => incident.summons.some((s) => s.role === r));
    if (summoned) return { ok: true, role: summoned, onBehalf: false };
  }
  return { ok: false, reason: rule.why };
}

/**
 * May this principal read the accountability reports (§5.2: notices and the year-end
 * assessment)? Administrators and the plan's `designations.reports` (in the default plan the
 * working group, the petition bureau, which notifies the units, and the county leaders). Pure.
 */
export function mayReadReports(p: Pick<Principal, 'admin' | 'roles'>, plan: Plan): boolean {
  return p.admin || plan.designations.reports.includes(p.roles);
}

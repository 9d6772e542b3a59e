import type { Plan } from '../../plan/plan.js';
import type { Command, CommandName } from '../../engine/commands.js';
import type { IncidentState } from '../../engine/incident.state.js';

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
  /** Why, shown in a refusal. */
  why: string;
}

const ON_SITE: Who[] = ['venue_staff', 'working_group', 'police'];

/**
 * The permission matrix, in one place, by designation (the plan says which roles each covers).
 * Venue staff report, guide, update head count and notes; a summoned person acknowledges and
 * checks in for their own role (staff may do it on their behalf); the working group
 * escalates and marks matters; only the approvers of major measures decide on them.
 */
export const COMMAND_RULES: Record<CommandName, Rule> = {
  report: { who: ON_SITE, why: 'venue staff, the police or the working group report incidents' },
  headcount: { who: ON_SITE, why: 'venue staff, the police or the working group update the head count' },
  behavior: { who: ON_SITE, why: 'venue staff, the police or the working group record what they observe' },
  guide: { who: ['venue_staff', 'working_group'], why: 'the petition staff at the venue guide people to the petition bureau (§4.1)' },
  persuade: { who: ['venue_staff', 'working_group'], summoned: true, why: "the responsible units' principals persuade people to go back (§4.1)" },
  escalate: { who: ['working_group'], why: 'the working group activates the plan (§4.1, §3)' },
  ack: { who: [], own: true, onBehalf: ['venue_staff'], why: 'only the summoned person, or venue staff on their behalf, acknowledges a summons' },
  arrive: { who: [], own: true, onBehalf: ['venue_staff'], why: 'only the summoned person, or venue staff on their behalf, checks in' },
  leave: { who: [], own: true, onBehalf: ['venue_staff'], why: 'only the person, or venue staff on their behalf, checks out' },
  note: { who: ON_SITE, summoned: true, why: 'people handling the incident post on-site updates (§5.1)' },
  attach: { who: ON_SITE, summoned: true, why: 'people handling the incident collect evidence (§5.1)' },
  mark_major: { who: ['working_group'], why: 'the working group marks a matter major and complex (§4.2)' },
  mark_concluded: { who: ['working_group'], why: "the working group records that a matter's procedure has concluded (§4.2)" },
  request_measure: { who: ['police', 'working_group'], why: 'the police on site or the working group propose measures (§5.1)' },
  approve_measure: { who: ['approvers'], holdsBy: true, why: 'only a county party-committee or county-government leader approves measures (§5.1)' },
  decline_measure: { who: ['approvers'], holdsBy: true, why: 'only a county party-committee or county-government leader decides on measures (§5.1)' },
  take_measure: { who: ['police'], why: 'the police carry out measures (§4.1.2, §5.1)' },
  clear: { who: ON_SITE, why: 'venue staff, the police or the working group record that people have left' },
  close: { who: ['working_group'], why: 'the working group closes an incident' },
};

export type Permission = { ok: true; role: string | null; onBehalf: boolean } | { ok: false; reason: string };

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
      return { ok: false, reason: `you do not hold ${command.by}; ${rule.why}` };
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

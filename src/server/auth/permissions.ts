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

/** Who may do something, as a role pattern: an exact role, `unit/*`, or `police:*` (any role in a police unit). */
type Who = string;

interface Rule {
  /** Roles that may issue the command. */
  who: Who[];
  /** For `ack`/`arrive`/`leave`: the person holding the command's role acts for themselves. */
  own?: boolean;
  /** Roles that may record it on someone else's behalf (recorded as such). */
  onBehalf?: Who[];
  /** For `approve_measure`: the user must hold the role named in `by`. */
  holdsBy?: boolean;
  /** May any role summoned to the incident issue it (e.g. the principals who persuade)? */
  summoned?: boolean;
  /** Why, shown in a refusal. */
  why: string;
}

const STAFF = 'petition-bureau/staff';
const WORKING_GROUP = 'working-group/*';
const POLICE = 'police:*';
const LEADERS = ['county-party/leader', 'county-government/leader'];

/**
 * The permission matrix, in one place (issue: "written in one place and tested row by row").
 * Venue staff report, guide, update head count and notes; a summoned person acknowledges and
 * checks in for their own role (staff may do it on their behalf); the working group
 * escalates and marks matters; only county leaders approve measures.
 */
export const COMMAND_RULES: Record<CommandName, Rule> = {
  report: { who: [STAFF, WORKING_GROUP, POLICE], why: 'venue staff, the police or the working group report incidents' },
  headcount: { who: [STAFF, WORKING_GROUP, POLICE], why: 'venue staff, the police or the working group update the head count' },
  behavior: { who: [STAFF, WORKING_GROUP, POLICE], why: 'venue staff, the police or the working group record what they observe' },
  guide: { who: [STAFF, WORKING_GROUP], why: 'the petition staff at the venue guide people to the petition bureau (§4.1)' },
  persuade: { who: [STAFF, WORKING_GROUP], summoned: true, why: "the responsible units' principals persuade people to go back (§4.1)" },
  escalate: { who: [WORKING_GROUP], why: 'the working group activates the plan (§4.1, §3)' },
  ack: { who: [], own: true, onBehalf: [STAFF], why: 'only the summoned person, or venue staff on their behalf, acknowledges a summons' },
  arrive: { who: [], own: true, onBehalf: [STAFF], why: 'only the summoned person, or venue staff on their behalf, checks in' },
  leave: { who: [], own: true, onBehalf: [STAFF], why: 'only the person, or venue staff on their behalf, checks out' },
  note: { who: [STAFF, WORKING_GROUP, POLICE], summoned: true, why: 'people handling the incident post on-site updates (§5.1)' },
  attach: { who: [STAFF, WORKING_GROUP, POLICE], summoned: true, why: 'people handling the incident collect evidence (§5.1)' },
  mark_major: { who: [WORKING_GROUP], why: 'the working group marks a matter major and complex (§4.2)' },
  mark_concluded: { who: [WORKING_GROUP], why: "the working group records that a matter's procedure has concluded (§4.2)" },
  request_measure: { who: [POLICE, WORKING_GROUP], why: 'the police on site or the working group propose measures (§5.1)' },
  approve_measure: { who: LEADERS, holdsBy: true, why: 'only a county party-committee or county-government leader approves measures (§5.1)' },
  decline_measure: { who: LEADERS, holdsBy: true, why: 'only a county party-committee or county-government leader decides on measures (§5.1)' },
  take_measure: { who: [POLICE], why: 'the police carry out measures (§4.1.2, §5.1)' },
  clear: { who: [STAFF, WORKING_GROUP, POLICE], why: 'venue staff, the police or the working group record that people have left' },
  close: { who: [WORKING_GROUP], why: 'the working group closes an incident' },
};

function matches(plan: Plan, who: Who, role: string): boolean {
  if (who === role) return true;
  const [unit] = role.split('/');
  if (who.endsWith('/*')) return who.slice(0, -2) === unit;
  if (who.endsWith(':*')) return plan.units.get(unit!)?.kind === who.slice(0, -2);
  return false;
}

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
  const holds = (who: Who) => p.roles.find((r) => matches(plan, who, r));
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
 * assessment)? Administrators, the working group (§3), county leaders who approve measures
 * (§5.1) and the petition bureau, which notifies the units (§5.2). Pure.
 */
export function mayReadReports(p: Pick<Principal, 'admin' | 'roles'>, plan: Plan): boolean {
  if (p.admin) return true;
  const units = new Set([plan.file.working_group.unit, plan.file.on_site.procedure.summon.notifier]);
  return p.roles.some((r) => units.has(r.split('/')[0]!) || plan.approvers.has(r));
}

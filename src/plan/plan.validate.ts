import { Audience } from './designations.js';
import { DESIGNATIONS, UNIT_KINDS, type OrganizationFile, type PlanFile } from './plan.schema.js';
import type { PathKey, SourceError, YamlSource } from './yaml-source.js';

/**
 * Checks what a schema cannot: tier ranges cover 1 to unbounded with no gap or overlap,
 * every unit and role a rule names exists in the organization, approvers are county
 * leadership, and every incident gets a follow-up route. Pure; returns located errors.
 */
export function validatePlan(
  plan: PlanFile,
  planSrc: YamlSource,
  org: OrganizationFile,
  orgSrc: YamlSource,
): SourceError[] {
  const errors: SourceError[] = [];
  const inPlan = (path: PathKey[], message: string) => errors.push(planSrc.error(path, message));
  const inOrg = (path: PathKey[], message: string) => errors.push(orgSrc.error(path, message));

  // --- The organization on its own.
  const units = new Map<string, OrganizationFile['units'][number]>();
  org.units.forEach((u, i) => {
    if (units.has(u.id)) inOrg(['units', i, 'id'], `duplicate unit id "${u.id}"`);
    units.set(u.id, u);
    (u.positions ?? []).forEach((p, j) => {
      if (!org.positions[p]) inOrg(['units', i, 'positions', j], `position "${p}" has no label in positions`);
    });
  });
  org.default_positions.forEach((p, j) => {
    if (!org.positions[p]) inOrg(['default_positions', j], `position "${p}" has no label in positions`);
  });
  const venueIds = new Set<string>();
  org.venues.forEach((v, i) => {
    if (venueIds.has(v.id)) inOrg(['venues', i, 'id'], `duplicate venue id "${v.id}"`);
    venueIds.add(v.id);
  });
  try {
    new Intl.DateTimeFormat('en', { timeZone: org.timezone });
  } catch {
    inOrg(['timezone'], `unknown time zone "${org.timezone}"; expected an IANA name such as Asia/Shanghai`);
  }

  const roleExists = (role: string): string | null => {
    const [unitId, position] = role.split('/') as [string, string];
    const unit = units.get(unitId);
    if (!unit) return `unknown unit "${unitId}" in role "${role}"`;
    const positions = unit.positions ?? org.default_positions;
    if (!positions.includes(position)) {
      return `unit "${unitId}" has no position "${position}" (it has ${positions.join(', ')})`;
    }
    return null;
  };
  const isLeadership = (role: string) => units.get(role.split('/')[0]!)?.kind === 'leadership';

  org.units.forEach((u, i) => {
    if (!u.in_charge) return;
    const problem = roleExists(u.in_charge);
    if (problem) inOrg(['units', i, 'in_charge'], problem);
    else if (!isLeadership(u.in_charge)) {
      inOrg(['units', i, 'in_charge'], `the leader in charge must hold a role in a county leadership unit (kind leadership), not "${u.in_charge}"`);
    }
  });
  org.working_group.forEach((w, i) => {
    const problem = roleExists(w.role);
    if (problem) inOrg(['working_group', i, 'role'], problem);
  });

  // --- The plan against the organization.
  const checkUnit = (path: PathKey[], id: string) => {
    if (!units.has(id)) inPlan(path, `unknown unit "${id}"; the organization has no such unit`);
  };
  const checkRole = (path: PathKey[], role: string) => {
    const problem = roleExists(role);
    if (problem) inPlan(path, problem);
  };

  checkUnit(['issued_by'], plan.issued_by);
  checkUnit(['working_group', 'unit'], plan.working_group.unit);
  plan.working_group.informed_on_activation.forEach((r, i) => checkRole(['working_group', 'informed_on_activation', i], r));
  checkUnit(['on_site', 'implemented_by'], plan.on_site.implemented_by);
  plan.on_site.cooperating.forEach((u, i) => checkUnit(['on_site', 'cooperating', i], u));
  checkRole(['on_site', 'procedure', 'guide', 'by'], plan.on_site.procedure.guide.by);
  checkUnit(['on_site', 'procedure', 'summon', 'notifier'], plan.on_site.procedure.summon.notifier);
  if (!org.positions[plan.on_site.procedure.summon.position]) {
    inPlan(['on_site', 'procedure', 'summon', 'position'], `unknown position "${plan.on_site.procedure.summon.position}"`);
  }
  const ack = plan.discipline.acknowledgement;
  if (ack && !org.positions[ack.deputy]) inPlan(['discipline', 'acknowledgement', 'deputy'], `unknown position "${ack.deputy}"`);
  for (const kind of plan.scope.venue_kinds) {
    if (!org.venues.some((v) => v.kind === kind)) {
      inPlan(['scope', 'venue_kinds'], `the organization has no venue of kind "${kind}"`);
    }
  }

  // Tiers: 1 to unbounded, contiguous, no overlap (以上/以下 include the number itself).
  const levels = plan.on_site.tiers.levels.map((l, i) => ({ ...l, i }));
  levels.forEach((l) => {
    const base: PathKey[] = ['on_site', 'tiers', 'levels', l.i];
    if (l.tier !== l.i + 1) inPlan([...base, 'tier'], `tier numbers must count up from 1 in order; expected ${l.i + 1}, got ${l.tier}`);
    if (l.max !== null && l.max < l.min) inPlan([...base, 'max'], `max ${l.max} is below min ${l.min}`);
    l.command.forEach((r, j) => checkRole([...base, 'command', j], r));
    l.assist.forEach((r, j) => checkRole([...base, 'assist', j], r));
  });
  const sorted = [...levels].sort((a, b) => a.min - b.min);
  sorted.forEach((l, k) => {
    const base: PathKey[] = ['on_site', 'tiers', 'levels', l.i];
    if (k === 0 && l.min !== 1) inPlan([...base, 'min'], `the lowest tier must start at 1 person, not ${l.min}`);
    const next = sorted[k + 1];
    if (!next) {
      if (l.max !== null) inPlan([...base, 'max'], `the highest tier must be unbounded (max: null); people above ${l.max} have no tier`);
      return;
    }
    if (l.max === null) {
      inPlan([...base, 'max'], `only the highest tier may be unbounded; tier ${l.tier} overlaps tier ${next.tier}`);
    } else if (next.min <= l.max) {
      inPlan(['on_site', 'tiers', 'levels', next.i, 'min'], `tier ${next.tier} starts at ${next.min}, overlapping tier ${l.tier} (${l.min}–${l.max}); ranges include their bounds`);
    } else if (next.min > l.max + 1) {
      inPlan(['on_site', 'tiers', 'levels', next.i, 'min'], `gap: no tier covers ${l.max + 1}–${next.min - 1} people`);
    }
  });

  // Follow-up routes: every incident must get a case (safeguards "Always" 1).
  const routes = plan.follow_up.routes;
  routes.forEach((r, i) => {
    if (typeof r.handler === 'object') checkUnit(['follow_up', 'routes', i, 'handler', 'unit'], r.handler.unit);
    (r.may_forward_to ?? []).forEach((u, j) => checkUnit(['follow_up', 'routes', i, 'may_forward_to', j], u));
    if (r.when === 'always' && i !== routes.length - 1) {
      inPlan(['follow_up', 'routes', i + 1], 'unreachable route: an earlier route applies always');
    }
  });
  if (routes.at(-1)?.when !== 'always') {
    inPlan(['follow_up', 'routes', routes.length - 1, 'when'], 'the last route must apply always, so every grievance becomes a case');
  }
  const accusation = routes.find((r) => r.when === 'category_accusation');
  if (accusation && accusation.handler === 'responsible_unit') {
    inPlan(['follow_up', 'routes', routes.indexOf(accusation), 'handler'], 'an accusation must not be handled by the unit it accuses (safeguards 6)');
  }

  // Arrival limits (§5.1, §5.2).
  const limits = plan.discipline.arrival.limits;
  for (const kind of Object.keys(limits)) {
    if (kind !== 'default' && !(UNIT_KINDS as readonly string[]).includes(kind)) {
      inPlan(['discipline', 'arrival', 'limits', kind], `unknown unit kind "${kind}"; expected one of ${UNIT_KINDS.join(', ')} or default`);
    }
  }
  if (!limits.default) inPlan(['discipline', 'arrival', 'limits'], 'missing the "default" arrival limit');

  // Approvers of major measures are county leadership (§5.1).
  plan.discipline.measures.approvers.forEach((r, i) => {
    const path: PathKey[] = ['discipline', 'measures', 'approvers', i];
    const problem = roleExists(r);
    if (problem) inPlan(path, problem);
    else if (!isLeadership(r)) inPlan(path, `approvers must be county party-committee or county-government leaders (§5.1), not "${r}"`);
  });

  // Designations: every selector names a role, a unit or a kind the organization has.
  const kinds = new Set(org.units.map((u) => u.kind));
  for (const name of DESIGNATIONS) {
    plan.designations[name].forEach((sel, i) => {
      const path: PathKey[] = ['designations', name, i];
      if (sel.startsWith('kind:')) {
        const kind = sel.slice(5);
        if (!(UNIT_KINDS as readonly string[]).includes(kind)) inPlan(path, `unknown unit kind "${kind}"; expected one of ${UNIT_KINDS.join(', ')}`);
        else if (!kinds.has(kind as (typeof UNIT_KINDS)[number])) inPlan(path, `the organization has no unit of kind "${kind}"`);
      } else if (sel.includes('/')) checkRole(path, sel);
      else checkUnit(path, sel);
    });
  }
  // An accusation goes to a discipline organ, and may be forwarded only to the inspection team
  // or another discipline organ (Art. 30, safeguards 6).
  const covers = (name: 'discipline' | 'inspection_team', unitId: string) => new Audience(plan.designations[name], units).hasUnit(unitId);
  routes.forEach((r, i) => {
    if (r.when !== 'category_accusation') return;
    if (typeof r.handler === 'object' && units.has(r.handler.unit) && !covers('discipline', r.handler.unit)) {
      inPlan(['follow_up', 'routes', i, 'handler', 'unit'], `an accusation must go to a discipline organ (designations.discipline), not "${r.handler.unit}"`);
    }
    (r.may_forward_to ?? []).forEach((u, j) => {
      if (units.has(u) && !covers('discipline', u) && !covers('inspection_team', u)) {
        inPlan(['follow_up', 'routes', i, 'may_forward_to', j], `an accusation may be forwarded only to the inspection team or a discipline organ (designations), not "${u}"`);
      }
    });
  });
  return errors;
}

import type { DesignationName, OrganizationFile, PlanFile, UnitFile } from './plan.schema.js';

/** The unit part of a role `unit/position`. */
const unitOf = (role: string): string => {
  const i = role.indexOf('/');
  return i < 0 ? role : role.slice(0, i);
};

/**
 * Who a designation covers, compiled from its selectors: roles (`unit/position`), whole units
 * (`unit`) and unit kinds (`kind:KIND`). Immutable and pure.
 */
export class Audience {
  private readonly roles = new Set<string>();
  private readonly unitIds = new Set<string>();
  private readonly kinds = new Set<string>();

  constructor(
    readonly selectors: readonly string[],
    private readonly units: ReadonlyMap<string, UnitFile>,
  ) {
    for (const s of selectors) {
      if (s.startsWith('kind:')) this.kinds.add(s.slice(5));
      else if (s.includes('/')) this.roles.add(s);
      else this.unitIds.add(s);
    }
  }

  /** Whether this exact role is covered (the role itself, its unit, or its unit's kind). */
  hasRole(role: string): boolean {
    return this.roles.has(role) || this.hasUnit(unitOf(role));
  }

  /** Whether every role of the unit is covered (by the unit or its kind, not by one role). */
  hasUnit(unitId: string): boolean {
    return this.unitIds.has(unitId) || this.kinds.has(this.units.get(unitId)?.kind ?? '');
  }

  /** The first of these roles the audience covers. */
  pick(roles: readonly string[]): string | undefined {
    return roles.find((r) => this.hasRole(r));
  }

  /** Whether any of these roles is covered. */
  includes(roles: readonly string[]): boolean {
    return this.pick(roles) !== undefined;
  }
}

/**
 * Every designation the server needs, by the county's own ids: the plan's `designations` block,
 * plus the working group (`working_group.unit`) and the approvers of major measures
 * (`discipline.measures.approvers`), which the plan names where their clauses are.
 */
export type Designations = Readonly<Record<DesignationName | 'working_group' | 'approvers', Audience>>;

/** Compiles the designations of a validated plan. Pure. */
export function compileDesignations(file: PlanFile, org: OrganizationFile): Designations {
  const units = new Map(org.units.map((u) => [u.id, u]));
  const { clause: _clause, ...named } = file.designations;
  const out: Record<string, Audience> = {};
  for (const [name, selectors] of Object.entries(named)) out[name] = new Audience(selectors, units);
  out.working_group = new Audience([file.working_group.unit], units);
  out.approvers = new Audience(file.discipline.measures.approvers, units);
  return Object.freeze(out) as Designations;
}

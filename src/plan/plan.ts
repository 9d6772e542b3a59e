import type { Designations } from './designations.js';
import type { OrganizationFile, PlanFile, UnitFile, UnitKind } from './plan.schema.js';

/** One level of the police command table (§4.1). Bounds are inclusive; `max: null` is unbounded. */
export interface TierLevel {
  tier: number;
  min: number;
  max: number | null;
  command: readonly string[];
  assist: readonly string[];
}

export interface RouteRule {
  route: PlanFile['follow_up']['routes'][number]['route'];
  when: PlanFile['follow_up']['routes'][number]['when'];
  handler: PlanFile['follow_up']['routes'][number]['handler'];
  clause: string;
}

/**
 * A validated plan with its organization, compiled into the lookups the engine needs.
 * Immutable; built once by `loadPlan` and shared by every incident that runs under it.
 */
export interface Plan {
  readonly id: string;
  readonly version: string;
  /** `sha256:` of the canonical plan and organization content. */
  readonly digest: string;
  readonly file: PlanFile;
  readonly org: OrganizationFile;
  readonly units: ReadonlyMap<string, UnitFile>;
  readonly venues: ReadonlySet<string>;
  /** Every `unit/position` that exists in the organization. */
  readonly roles: ReadonlySet<string>;
  readonly guidanceWindow: number;
  readonly summonTriggers: ReadonlySet<string>;
  readonly activationTriggers: ReadonlySet<string>;
  readonly summonPosition: string;
  readonly tiers: readonly TierLevel[];
  readonly policeLimit: number;
  readonly arrivalLimits: Readonly<Record<string, number>>;
  readonly updateInterval: number;
  /** An unacknowledged summons is escalated after `escalateAfter` ms to the unit's `deputy` position (and the working group). */
  readonly acknowledgement: { readonly escalateAfter: number; readonly deputy: string; readonly workingGroup: boolean };
  readonly majorMeasures: ReadonlySet<string>;
  readonly approvers: ReadonlySet<string>;
  readonly informed: readonly string[];
  readonly routes: readonly RouteRule[];
  /** The petition regulation's time limits for cases (rules.md), ms; objection in working days. */
  readonly deadlines: {
    readonly acceptance: number;
    readonly handling: number;
    readonly extension: number;
    readonly reviewRequest: number;
    readonly reviewDecision: number;
    readonly objectionWorkingDays: number;
    /** How long before a deadline its handler is reminded. */
    readonly reminder: number;
  };
  /** Most representatives a collective visit elects (Art. 20). */
  readonly representativesMax: number;
  /** Who does what, by the county's own ids: permissions and visibility read these. */
  readonly designations: Designations;
}

/** The tier for a head count (§4.1 table). Pure. */
export function tierFor(plan: Plan, headcount: number): number {
  for (const level of plan.tiers) {
    if (headcount >= level.min && (level.max === null || headcount <= level.max)) return level.tier;
  }
  return plan.tiers[0]!.tier;
}

/** How long a unit's principal has to arrive once summoned (§5.2), in ms. Pure. */
export function arrivalLimit(plan: Plan, unitId: string): number {
  const kind: UnitKind | undefined = plan.units.get(unitId)?.kind;
  if (kind === 'police') return plan.policeLimit;
  return plan.arrivalLimits[kind ?? 'default'] ?? plan.arrivalLimits.default!;
}

/** The clause that sets a unit's arrival limit: §5.1 for police, §5.2 for the others. */
export function arrivalClause(plan: Plan, unitId: string): string {
  const { arrival } = plan.file.discipline;
  return plan.units.get(unitId)?.kind === 'police' ? arrival.police.clause : arrival.clause;
}

/** The unit part of a role `unit/position`. */
export function unitOf(role: string): string {
  const i = role.indexOf('/');
  return i < 0 ? role : role.slice(0, i);
}

/** Bilingual display name of a unit, falling back to its id. */
export function unitName(plan: Plan, unitId: string, lang: 'zh' | 'en'): string {
  return plan.units.get(unitId)?.name[lang] ?? unitId;
}

/** Bilingual display name of a role: unit name and position label. */
export function roleName(plan: Plan, role: string, lang: 'zh' | 'en'): string {
  const [unit, position] = role.split('/');
  const label = plan.org.positions[position ?? '']?.[lang] ?? position;
  return lang === 'zh' ? `${unitName(plan, unit!, lang)}${label}` : `${unitName(plan, unit!, lang)} — ${label}`;
}

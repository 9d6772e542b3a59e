import { dirname, resolve } from 'node:path';
import { packagePath } from '../package.root.js';
import { digestOf } from './canonical.js';
import { compileDesignations } from './designations.js';
import { parseDuration } from './duration.js';
import type { Plan } from './plan.js';
import { OrganizationSchema, PlanSchema, type OrganizationFile, type PlanFile } from './plan.schema.js';
import { validatePlan } from './plan.validate.js';
import { sortErrors, YamlSource, type SourceError } from './yaml-source.js';

/** The default plan shipped with the product. */
export const DEFAULT_PLAN_FILE = packagePath('plans', 'inspection-visit-petition-plan.yaml');

export type LoadResult = { ok: true; plan: Plan } | { ok: false; errors: SourceError[] };

/**
 * Reads a plan file and the organization file it names, checks shape and cross-references,
 * and compiles it. Never throws for bad input: every problem comes back located.
 */
export function loadPlan(file: string = DEFAULT_PLAN_FILE): LoadResult {
  const read = YamlSource.read(file);
  if (!read.source || read.errors.length) return { ok: false, errors: read.errors };
  return loadFromSources(read.source, (organization) => {
    const orgPath = resolve(dirname(file), organization);
    const orgRead = YamlSource.read(orgPath);
    if (!orgRead.source) {
      return { errors: [read.source!.error(['organization'], `cannot read organization file ${orgPath}`)] };
    }
    return { source: orgRead.source, errors: orgRead.errors };
  });
}

/**
 * Validates plan text against an organization given as text (YAML or JSON), as the server
 * does with an uploaded plan and the organization it keeps in its database.
 */
export function loadPlanText(planName: string, planText: string, orgName: string, orgText: string): LoadResult {
  const parsed = YamlSource.parse(planName, planText);
  if (parsed.errors.length) return { ok: false, errors: parsed.errors };
  // The organization is the server's own document, built from bounded requests: no size limit.
  return loadFromSources(parsed.source, () => YamlSource.parse(orgName, orgText, { maxLength: Number.POSITIVE_INFINITY }));
}

function loadFromSources(
  planSource: YamlSource,
  readOrg: (organization: string) => { source?: YamlSource; errors: SourceError[] },
): LoadResult {
  const planCheck = planSource.check(PlanSchema);
  if (!planCheck.value) return { ok: false, errors: planCheck.errors };
  const planFile = planCheck.value;
  const org = readOrg(planFile.organization);
  if (!org.source || org.errors.length) return { ok: false, errors: org.errors };
  const orgCheck = org.source.check(OrganizationSchema);
  if (!orgCheck.value) return { ok: false, errors: orgCheck.errors };
  const errors = validatePlan(planFile, planSource, orgCheck.value, org.source);
  if (errors.length) return { ok: false, errors: sortErrors(errors) };
  return { ok: true, plan: compilePlan(planFile, orgCheck.value) };
}

/** Loads a plan that must be valid (the shipped default); throws with every error otherwise. */
export function loadPlanOrThrow(file: string = DEFAULT_PLAN_FILE): Plan {
  const result = loadPlan(file);
  if (!result.ok) {
    throw new Error(`invalid plan:\n${result.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n')}`);
  }
  return result.plan;
}

const ms = (d: string): number => parseDuration(d)!;

/** Builds the engine's lookups from a validated plan. Pure. */
export function compilePlan(file: PlanFile, org: OrganizationFile): Plan {
  const units = new Map(org.units.map((u) => [u.id, u]));
  const roles = new Set<string>();
  for (const u of org.units) for (const p of u.positions ?? org.default_positions) roles.add(`${u.id}/${p}`);
  const limits: Record<string, number> = {};
  for (const [kind, d] of Object.entries(file.discipline.arrival.limits)) limits[kind] = ms(d);
  const procedure = file.on_site.procedure;
  return Object.freeze({
    id: file.id,
    version: file.version,
    digest: digestOf({ plan: file, organization: org }),
    file,
    org,
    units,
    venues: new Set(org.venues.map((v) => v.id)),
    roles,
    guidanceWindow: ms(procedure.guide.window),
    summonTriggers: new Set(procedure.summon.triggers),
    activationTriggers: new Set(procedure.activate.triggers),
    summonPosition: procedure.summon.position,
    tiers: [...file.on_site.tiers.levels].sort((a, b) => a.min - b.min),
    policeLimit: ms(file.discipline.arrival.police.limit),
    arrivalLimits: limits,
    updateInterval: ms(file.discipline.reports.update_interval),
    acknowledgement: {
      escalateAfter: ms(file.discipline.acknowledgement?.escalate_after ?? '5m'),
      deputy: file.discipline.acknowledgement?.deputy ?? 'responsible',
      workingGroup: file.discipline.acknowledgement?.working_group ?? true,
    },
    majorMeasures: new Set(file.discipline.measures.major),
    approvers: new Set(file.discipline.measures.approvers),
    informed: file.working_group.informed_on_activation,
    routes: file.follow_up.routes.map(({ route, when, handler, clause }) => ({ route, when, handler, clause })),
    deadlines: {
      acceptance: ms(file.follow_up.deadlines.acceptance),
      handling: ms(file.follow_up.deadlines.handling),
      extension: ms(file.follow_up.deadlines.extension),
      reviewRequest: ms(file.follow_up.deadlines.review_request),
      reviewDecision: ms(file.follow_up.deadlines.review_decision),
      objectionWorkingDays: file.follow_up.deadlines.objection_working_days,
      reminder: ms(file.follow_up.deadlines.reminder ?? '3d'),
    },
    representativesMax: file.follow_up.representatives_max,
    designations: compileDesignations(file, org),
  });
}

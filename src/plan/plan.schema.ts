import { z } from 'zod';
import { parseDuration } from './duration.js';

/**
 * The shape of a plan file and an organization file. Shape only: cross-references
 * (roles, units, tier coverage) are checked by `plan.validate.ts`.
 */

/** Chinese and English text for anything a person reads. */
export const Label = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export type Label = z.infer<typeof Label>;

/** A duration such as `15m`, `1h`, `15d`, kept as text in the file. */
export const Duration = z
  .string({ error: 'expected a duration such as 15m, 1h or 15d' })
  .refine((s) => (parseDuration(s) ?? 0) > 0, {
    message: 'expected a positive duration such as 15m, 1h or 15d',
  });

/** A clause reference into the source plan, e.g. `§4.1.1`, or a regulation article. */
export const Clause = z
  .string()
  .regex(/^(§\d+(\.\d+)*|Art\. \d+.*)$/, { message: 'expected a clause reference such as §4.1.1' });

const Id = z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected an id in kebab-case (a-z, 0-9, -)' });
/** A role is `unit-id/position`. */
export const Role = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/, { message: 'expected a role unit-id/position in kebab-case' });

export const UNIT_KINDS = [
  'township',
  'county-department',
  'police',
  'petition',
  'coordination',
  'discipline',
  'leadership',
  'external',
] as const;
export const UnitKind = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof UnitKind>;

export const VENUE_KINDS = ['residence', 'activity'] as const;

/** The names the engine implements; a plan refers to behaviour by these keys. */
export const SUMMON_TRIGGERS = ['guide_failed', 'guidance_window_expired'] as const;
export const ACTIVATION_TRIGGERS = ['persuade_failed', 'escalated', 'charging'] as const;
export const ROUTE_CONDITIONS = [
  'category_accusation',
  'marked_concluded',
  'marked_major',
  'several_units',
  'always',
] as const;
export const HANDLERS = ['responsible_unit', 'leader_in_charge'] as const;
export const MEASURE_KINDS = ['removal', 'take_items', 'transfer', 'warning'] as const;
export const BEHAVIOR_KINDS = ['lingering', 'charging', 'banner', 'sit_in'] as const;
export const ROUTES = [
  'discipline_inspection',
  'hand_back',
  'county_leader_reception',
  'joint_reception',
  'responsible_unit',
] as const;

const Text = Label.extend({ clause: Clause.optional() });

const TierLevel = z.strictObject({
  tier: z.number().int().min(1),
  min: z.number().int().min(1),
  /** Inclusive upper bound; `null` means unbounded. */
  max: z.number().int().min(1).nullable(),
  label: Label,
  command: z.array(Role).min(1),
  assist: z.array(Role).default([]),
});

/**
 * Who a designation covers: a role (`petition-bureau/staff`), every role of a unit
 * (`working-group`), or every role of every unit of a kind (`kind:police`).
 */
export const Selector = z
  .string()
  .regex(/^([a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?|kind:[a-z][a-z0-9-]*)$/, {
    message: 'expected a role (unit/position), a unit id, or kind:KIND',
  });
const Audience = z.array(Selector).min(1, { message: 'name at least one role, unit or kind:KIND' });

/**
 * The designations the server needs to run the plan for a county: who does what, by the
 * county's own ids. The working group is `working_group.unit` and the approvers of major
 * measures are `discipline.measures.approvers`; everything else is named here.
 */
export const DESIGNATIONS = [
  'venue_staff',
  'police',
  'discipline',
  'inspection_team',
  'intake',
  'joint_office',
  'case_oversight',
  'reports',
  'register',
] as const;
export type DesignationName = (typeof DESIGNATIONS)[number];
const Designations = z.strictObject({
  clause: Clause,
  ...(Object.fromEntries(DESIGNATIONS.map((d) => [d, Audience])) as Record<DesignationName, typeof Audience>),
});

const Route = z.strictObject({
  route: z.enum(ROUTES),
  when: z.enum(ROUTE_CONDITIONS),
  handler: z.union([z.enum(HANDLERS), z.strictObject({ unit: Id })]),
  clause: Clause,
  basis: z.string().optional(),
  label: Label,
  may_forward_to: z.array(Id).optional(),
});

export const PlanSchema = z.strictObject({
  id: Id,
  version: z.string().min(1),
  title: Label,
  issued_by: Id,
  issued_on: z.string(),
  organization: z.string().min(1),
  objective: Text.extend({ clause: Clause }),
  scope: z.strictObject({
    clause: Clause,
    venue_kinds: z.array(z.enum(VENUE_KINDS)).min(1),
    zh: z.string(),
    en: z.string(),
  }),
  working_group: z.strictObject({
    clause: Clause,
    unit: Id,
    label: Label,
    duties: z.array(Label).min(1),
    informed_on_activation: z.array(Role).min(1),
  }),
  on_site: z.strictObject({
    clause: Clause,
    implemented_by: Id,
    cooperating: z.array(Id),
    procedure: z.strictObject({
      guide: z.strictObject({
        clause: Clause,
        by: Role,
        label: Label,
        /** Setting: how long staff try to guide before units are summoned. */
        window: Duration,
      }),
      summon: z.strictObject({
        clause: Clause,
        notifier: Id,
        position: z.string(),
        triggers: z.array(z.enum(SUMMON_TRIGGERS)).min(1),
        label: Label,
      }),
      activate: z.strictObject({
        clause: Clause,
        triggers: z.array(z.enum(ACTIVATION_TRIGGERS)).min(1),
        label: Label,
      }),
    }),
    situations: z.strictObject({
      lingering: Text.extend({ clause: Clause, principal_stays: z.boolean() }),
      charging: Text.extend({ clause: Clause, measures: z.array(z.enum(MEASURE_KINDS)) }),
      abnormal: Text.extend({
        clause: Clause,
        behaviors: z.array(z.enum(BEHAVIOR_KINDS)).min(1),
        measures: z.array(z.enum(MEASURE_KINDS)),
      }),
    }),
    tiers: z.strictObject({
      clause: Clause,
      /** Setting: tiers never step down during an incident. */
      step_down: z.literal('never'),
      note: Label,
      levels: z.array(TierLevel).min(1),
    }),
  }),
  follow_up: z.strictObject({
    clause: Clause,
    principles: z.array(Label),
    routes: z.array(Route).min(1),
    deadlines: z.strictObject({
      acceptance: Duration,
      handling: Duration,
      extension: Duration,
      review_request: Duration,
      review_decision: Duration,
      objection_working_days: z.number().int().positive(),
      /** Reminder before each case deadline; default 3 days. */
      reminder: Duration.optional(),
    }),
    representatives_max: z.number().int().positive(),
  }),
  discipline: z.strictObject({
    clause: Clause,
    arrival: z.strictObject({
      clause: Clause,
      /** Arrival limits per unit kind; `default` for kinds not listed. */
      limits: z.record(z.string(), Duration),
      /** §5.1: police units arrive within this limit of the order. */
      police: z.strictObject({ limit: Duration, clause: Clause }),
    }),
    reports: z.strictObject({
      clause: Clause,
      /** Setting: once activated, an `update_due` alert when no note was posted for this long. */
      update_interval: Duration,
      ask: z.enum(['tier_commander']),
    }),
    /**
     * Setting: a summons not acknowledged within `escalate_after` notifies the summoned unit's
     * `deputy` position and, with `working_group`, the working group. Absent: 5m, `responsible`, yes.
     */
    acknowledgement: z
      .strictObject({ clause: Clause, escalate_after: Duration, deputy: Id, working_group: z.boolean() })
      .optional(),
    measures: z.strictObject({
      clause: Clause,
      /** Setting: which measure kinds are major and need prior approval. */
      major: z.array(z.enum(MEASURE_KINDS)),
      approvers: z.array(Role).min(1),
      labels: z.record(z.enum(MEASURE_KINDS), Label),
    }),
    consequences: z.array(Label),
    principles: z.array(Label),
  }),
  early_warning: z.strictObject({
    clause: Clause,
    screened_by: z.array(UnitKind).min(1),
    leader_assigned: z.boolean(),
    sign_report: z.literal('immediate'),
    duties: z.array(Label),
  }),
  designations: Designations,
  settings: z.strictObject({
    /** Setting: head count from which a visit counts as collective (labels and statistics). */
    collective_min_people: z.number().int().positive(),
    /** Setting: minutes a cleared incident stays on the board, marked as cleared. Absent: 30. */
    board_cleared_minutes: z.number().int().min(0).max(1440).default(30),
  }),
});
export type PlanFile = z.infer<typeof PlanSchema>;

const Unit = z.strictObject({
  id: Id,
  kind: UnitKind,
  name: Label,
  positions: z.array(Id).optional(),
  /** The county leader in charge of this unit (分管县领导), a role in a unit of kind leadership. */
  in_charge: Role.optional(),
  note: z.string().optional(),
});

/** A venue's site plan: the image's SHA-256, type and size in pixels, and the file name it was uploaded as. */
export const SitePlanRef = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  media_type: z.enum(['image/png', 'image/jpeg', 'image/svg+xml']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  name: z.string().min(1).max(200),
});
export type SitePlanRef = z.infer<typeof SitePlanRef>;

export const OrganizationSchema = z.strictObject({
  id: Id,
  name: Label,
  timezone: z.string().min(1),
  venues: z
    .array(
      z.strictObject({
        id: Id,
        kind: z.enum(VENUE_KINDS),
        name: Label,
        address: z.string().optional(),
        /** The compound's plan (gates, rooms, where people gather): an image stored by the server under its SHA-256. */
        site_plan: SitePlanRef.optional(),
      }),
    )
    .min(1),
  positions: z.record(Id, Label.extend({ duty: z.boolean().optional() })),
  default_positions: z.array(Id),
  units: z.array(Unit).min(1),
  working_group: z.array(
    z.strictObject({ role: Role, label: Label, title: z.string().optional() }),
  ),
});
export type OrganizationFile = z.infer<typeof OrganizationSchema>;
export type UnitFile = z.infer<typeof Unit>;

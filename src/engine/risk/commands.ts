import { z } from 'zod';
import { LIMITS, RoleId, UnitId } from '../limits.js';
import { PERSON_FIELDS, personalDataIn } from './personal.js';

export { PERSON_FIELDS, personalDataIn };

/**
 * The early-warning register's vocabulary (§6 预警和配合): townships and county departments
 * screen their areas for hidden risks that may lead to group petitions, a leader is assigned to
 * each (领导包案) to resolve it, and any sign of a coming petition (上访苗头) is reported at once.
 *
 * The register is about matters (unpaid wages at a factory, a land-compensation dispute), their
 * place, their size and the leader resolving them, never about people (safeguards, "Never"):
 * no command has a field for a name, an ID number or a phone number, an unknown field is refused,
 * and free text that carries personal identifiers or watch-list words is refused too.
 * Shape only: whether a command is allowed now is the risk decider's business.
 */

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
/** A matter in the register, or a sign of a coming petition (上访苗头) that alerts the working group. */
export const RISK_KINDS = ['matter', 'sign'] as const;
export const RISK_STATUSES = ['open', 'resolving', 'resolved'] as const;

export type RiskLevel = (typeof RISK_LEVELS)[number];
export type RiskKind = (typeof RISK_KINDS)[number];
export type RiskStatus = (typeof RISK_STATUSES)[number];

const personalMessage = (what: string) => `the register records matters, not people: remove ${what} (safeguards, "Never")`;

/** Free text about a matter: trimmed, bounded, and free of personal data. */
const MatterText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      if (text.length > max) return; // already refused; not worth screening
      const what = personalDataIn(text);
      // `refusal`: the words of this refusal in every language (src/i18n/refusals.ts).
      if (what) ctx.addIssue({ code: 'custom', message: personalMessage(what), params: { refusal: 'risk.rejection.personal_data' } });
    });

const Role = RoleId;

/** A calendar day in the county (`2026-03-09`). */
export const Day = z
  .string()
  .regex(/^\d{4}-\d\d-\d\d$/, { message: 'expected a date such as 2026-03-09' })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { message: 'no such date' });

export const RISK_COMMAND_SHAPES = {
  /** Enters a matter (or a sign of a coming petition) of the reporting unit's area. */
  report: {
    kind: z.enum(RISK_KINDS).default('matter'),
    /** The township or county department whose area the matter is in. */
    unit: UnitId,
    matter: MatterText(2000),
    place: MatterText(LIMITS.short),
    /** The estimated number of people the matter affects (its size, not who they are). */
    affected: z.number().int().min(1).max(1_000_000),
    level: z.enum(RISK_LEVELS).default('medium'),
    leader: Role.optional(),
    next_review: Day.optional(),
  },
  /** 领导包案: the leader who takes the case and works to resolve it (§6). */
  assign_leader: { leader: Role },
  record_action: { text: MatterText(2000) },
  set_review: { on: Day },
  /** The review took place; the next one may be set at the same time. */
  complete_review: { note: MatterText(2000), next: Day.optional() },
  change_level: { level: z.enum(RISK_LEVELS), reason: MatterText(500) },
  /** A new estimate of the number of people affected. */
  estimate: { affected: z.number().int().min(1).max(1_000_000), reason: MatterText(500).optional() },
  mark_resolving: { note: MatterText(2000).optional() },
  mark_resolved: { note: MatterText(2000) },
  /** A sign of a coming petition about a matter already in the register (上访苗头, §6). */
  raise_sign: { text: MatterText(2000) },
  /** The working group handled the sign: what was done. */
  handle_sign: { done: MatterText(2000) },
} as const;

export type RiskCommandName = keyof typeof RISK_COMMAND_SHAPES;
export const RISK_COMMAND_NAMES = Object.keys(RISK_COMMAND_SHAPES) as RiskCommandName[];

/** Refuses unknown fields, and says so plainly when they would describe a person. */
const strict = { error: (iss: { code?: string; keys?: string[] }) => {
  if (iss.code !== 'unrecognized_keys' || !iss.keys) return undefined;
  const person = iss.keys.filter((k) => PERSON_FIELDS.has(k.toLowerCase()));
  return person.length
    ? `the register has no fields about people (${person.join(', ')}): it records matters, not persons (safeguards, "Never")`
    : `unknown field(s): ${iss.keys.join(', ')}`;
} };

/** A command object of one name, refusing any other field. */
export const riskCommandSchema = <N extends RiskCommandName>(name: N) => z.strictObject({ do: z.literal(name), ...RISK_COMMAND_SHAPES[name] }, strict);

/** The body of `POST /api/risks`: a report, `do` optional. */
export const RiskReport = z.strictObject({ do: z.literal('report').optional(), ...RISK_COMMAND_SHAPES.report }, strict);

const members = RISK_COMMAND_NAMES.map((name) => riskCommandSchema(name));

/** Any risk command, validated by shape. */
export const RiskCommand = z.discriminatedUnion('do', members as unknown as [(typeof members)[number], ...(typeof members)[number][]]);

type Fields<S extends z.ZodRawShape> = keyof S extends never ? unknown : z.output<z.ZodObject<S>>;
/** A risk command, discriminated by `do`. */
export type RiskCommand = { [N in RiskCommandName]: { do: N } & Fields<(typeof RISK_COMMAND_SHAPES)[N]> }[RiskCommandName];
export type RiskCommandOf<N extends RiskCommandName> = Extract<RiskCommand, { do: N }>;

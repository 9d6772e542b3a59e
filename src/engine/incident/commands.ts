import { z } from 'zod';
import { BEHAVIOR_KINDS, MEASURE_KINDS } from '../../plan/plan.schema.js';
import { LIMITS, RoleId, ShortId, ShortText, Text, UnitId, uniqueList } from '../limits.js';

/**
 * The command vocabulary (contract §1). The drill runner, the HTTP API and the web UI accept
 * these very objects; fields are snake_case. Shape only: whether a command is allowed now
 * is the decider's business, and whether an id exists is checked against the plan.
 */

const Role = RoleId;
const Result = z.enum(['succeeded', 'failed']);

export const CATEGORIES = ['claim', 'suggestion', 'accusation'] as const;

/**
 * What staff mark on a venue's site plan: the crowd, police positions, staff, and the on-site
 * command post. Positions are fractions of the plan image (0–1 from the left and from the top),
 * so they stay put whatever size the plan is shown at.
 */
export const MARK_KINDS = ['crowd', 'police', 'staff', 'command_post'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];
/** At most this many marks in one placement. */
export const MAX_MARKS = 40;
const Fraction = z.number().min(0).max(1);
export const Mark = z.strictObject({ kind: z.enum(MARK_KINDS), x: Fraction, y: Fraction, label: ShortText.min(1).max(60).optional() });
/** The SHA-256 of the site plan image the marks were placed on. */
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Marks = z.array(Mark).max(MAX_MARKS);

export const COMMAND_SHAPES = {
  report: {
    venue: ShortId,
    headcount: z.number().int().min(1).max(1_000_000),
    units: uniqueList(UnitId).min(1),
    matter: Text.min(1),
    category: z.enum(CATEGORIES).default('claim'),
    behaviors: uniqueList(z.enum(BEHAVIOR_KINDS)).default([]),
    /** Extension of contract §1: where the crowd is on the venue's site plan (optional; with `site_plan`). */
    marks: Marks.min(1).optional(),
    site_plan: Sha256.optional(),
  },
  headcount: { value: z.number().int().min(0).max(1_000_000) },
  behavior: { kind: z.enum(BEHAVIOR_KINDS) },
  guide: { result: Result },
  persuade: { result: Result },
  escalate: { reason: Text.optional() },
  ack: { role: Role },
  arrive: { role: Role },
  leave: { role: Role },
  note: { text: Text.min(1) },
  mark_major: { reason: Text.optional() },
  mark_concluded: {},
  request_measure: { id: ShortId, kind: z.enum(MEASURE_KINDS), basis: Text.min(1) },
  approve_measure: { id: ShortId, by: Role },
  /** Extension of contract §1: evidence (现场取证, §5.1) stored by the server, referenced by its SHA-256. */
  attach: {
    attachment: ShortId,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    name: ShortText.min(1),
    media_type: ShortText.min(1),
    size: z.number().int().min(0).max(LIMITS.attachment),
  },
  /** Extension of contract §1: a county leader declines a proposed measure, with a reason. */
  decline_measure: { id: ShortId, by: Role, reason: Text.min(1) },
  /** `reason`: why a measure a county leader declined is taken anyway (required then; flagged). */
  take_measure: { id: ShortId, reason: Text.optional() },
  clear: {},
  close: {},
  /**
   * Extension of contract §1: positions on the venue's site plan (the crowd, police, staff, the
   * command post), placed on the plan image whose SHA-256 is `site_plan`. Each placement replaces
   * the previous marks; earlier ones stay in the timeline. An empty list removes every mark.
   */
  place: { marks: Marks, site_plan: Sha256 },
} as const;

export type CommandName = keyof typeof COMMAND_SHAPES;
export const COMMAND_NAMES = Object.keys(COMMAND_SHAPES) as CommandName[];

/** Builds the discriminated union of commands, optionally with extra fields on every member. */
export function commandUnion<E extends z.ZodRawShape>(
  extra: E,
): z.ZodType<Command & { [K in keyof E]: z.output<E[K]> }> {
  const members = COMMAND_NAMES.map((name) =>
    z.strictObject({ do: z.literal(name), ...COMMAND_SHAPES[name], ...extra }),
  );
  return z.discriminatedUnion('do', members as unknown as [(typeof members)[number], ...typeof members]) as never;
}

/** Schema of one command. */
export const CommandSchema = commandUnion({});

type Fields<S extends z.ZodRawShape> = keyof S extends never ? unknown : z.output<z.ZodObject<S>>;
type Shape<N extends CommandName> = { do: N } & Fields<(typeof COMMAND_SHAPES)[N]>;
/** A command, discriminated by `do`. */
export type Command = { [N in CommandName]: Shape<N> }[CommandName];
export type CommandOf<N extends CommandName> = Extract<Command, { do: N }>;

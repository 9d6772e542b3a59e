import { z } from 'zod';
import { BEHAVIOR_KINDS, MEASURE_KINDS } from '../plan/plan.schema.js';

/**
 * The command vocabulary (contract §1). The drill runner, the HTTP API and the web UI accept
 * these very objects; fields are snake_case. Shape only: whether a command is allowed now
 * is the decider's business, and whether an id exists is checked against the plan.
 */

const Role = z.string().regex(/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/, {
  message: 'expected a role such as town-tanggou/principal',
});
const UnitId = z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a unit id such as town-tanggou' });
const Result = z.enum(['succeeded', 'failed']);

export const CATEGORIES = ['claim', 'suggestion', 'accusation'] as const;

export const COMMAND_SHAPES = {
  report: {
    venue: z.string().min(1),
    headcount: z.number().int().min(1).max(1_000_000),
    units: z.array(UnitId).min(1),
    matter: z.string().min(1).max(5_000),
    category: z.enum(CATEGORIES).default('claim'),
    behaviors: z.array(z.enum(BEHAVIOR_KINDS)).default([]),
  },
  headcount: { value: z.number().int().min(0).max(1_000_000) },
  behavior: { kind: z.enum(BEHAVIOR_KINDS) },
  guide: { result: Result },
  persuade: { result: Result },
  escalate: { reason: z.string().optional() },
  ack: { role: Role },
  arrive: { role: Role },
  leave: { role: Role },
  note: { text: z.string().min(1).max(5_000) },
  mark_major: { reason: z.string().optional() },
  mark_concluded: {},
  request_measure: { id: z.string().min(1), kind: z.enum(MEASURE_KINDS), basis: z.string().min(1) },
  approve_measure: { id: z.string().min(1), by: Role },
  /** Extension of contract §1: evidence (现场取证, §5.1) stored by the server, referenced by its SHA-256. */
  attach: {
    attachment: z.string().min(1).max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    name: z.string().min(1).max(200),
    media_type: z.string().min(1).max(100),
    size: z.number().int().min(0),
  },
  /** Extension of contract §1: a county leader declines a proposed measure, with a reason. */
  decline_measure: { id: z.string().min(1), by: Role, reason: z.string().min(1) },
  take_measure: { id: z.string().min(1) },
  clear: {},
  close: {},
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

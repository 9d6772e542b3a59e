import { z } from 'zod';
import { CATEGORIES } from '../incident/commands.js';
import { LIMITS, RoleId, UnitId, uniqueList } from '../limits.js';

/**
 * The follow-up case vocabulary (§4.2 and the petition regulation, rules.md). The HTTP API
 * and the web UI send these objects to `POST /api/cases/:id/commands`; fields are snake_case.
 * Shape only: whether a command is allowed now is the case decider's business.
 */

const Role = RoleId;
const Text = z.string().trim().min(1).max(LIMITS.text);

/** A handling opinion (信访处理意见书, Art. 32), or pointing to the lawful channel (Art. 31). */
export const OPINIONS = ['supports', 'explains', 'not_supported', 'refer_channel'] as const;
/** Channels a matter may belong to instead (Art. 31(1)–(5)). */
export const CHANNELS = ['litigation', 'arbitration', 'reconsideration', 'other'] as const;
export const RATINGS = ['satisfied', 'basically_satisfied', 'not_satisfied'] as const;
export const REVIEW_RESULTS = ['upheld', 'changed'] as const;

export type Opinion = (typeof OPINIONS)[number];
export type Channel = (typeof CHANNELS)[number];
export type Rating = (typeof RATINGS)[number];
export type ReviewResult = (typeof REVIEW_RESULTS)[number];

export const CASE_COMMAND_SHAPES = {
  /** A walk-in visit registered at the petition bureau (cases from incidents open by themselves). */
  register: {
    matter: Text,
    units: uniqueList(UnitId, 20).min(1),
    category: z.enum(CATEGORIES).default('claim'),
    headcount: z.number().int().min(1).max(100_000).default(1),
    /** Representatives a collective visit elected (Art. 20, at most 5). */
    representatives: z.number().int().min(0).max(100).default(0),
    major: z.boolean().default(false),
    concluded: z.boolean().default(false),
  },
  accept: {},
  not_accept: { reason: Text, channel: z.enum(CHANNELS).optional() },
  /** Sends the matter to the unit in charge; that unit may object within 5 working days (Art. 23). */
  forward: { to: UnitId, reason: Text },
  object: { reason: Text },
  /** One extension of at most 30 days, approved by the handling unit's head (Art. 34). */
  extend: { days: z.number().int().min(1).max(366), reason: Text, approved_by: Role },
  schedule_reception: {
    on: z.string().min(1).max(40),
    place: Text,
    units: uniqueList(UnitId, 30).default([]),
    leader: Role.optional(),
  },
  record_reception: { summary: Text },
  hand_over: { note: Text },
  opinion: { kind: z.enum(OPINIONS), channel: z.enum(CHANNELS).optional(), text: Text },
  reply: {},
  rate: { value: z.enum(RATINGS), comment: z.string().trim().max(500).optional() },
  request_review: {},
  decide_review: { result: z.enum(REVIEW_RESULTS), text: Text },
} as const;

export type CaseCommandName = keyof typeof CASE_COMMAND_SHAPES;
export const CASE_COMMAND_NAMES = Object.keys(CASE_COMMAND_SHAPES) as CaseCommandName[];

const members = CASE_COMMAND_NAMES.map((name) => z.strictObject({ do: z.literal(name), ...CASE_COMMAND_SHAPES[name] }));

/** Any case command, validated by shape. */
export const CaseCommand = z.discriminatedUnion('do', members as unknown as [(typeof members)[number], ...(typeof members)[number][]]);

type Fields<S extends z.ZodRawShape> = keyof S extends never ? unknown : z.output<z.ZodObject<S>>;
/** A case command, discriminated by `do`. */
export type CaseCommand = { [N in CaseCommandName]: { do: N } & Fields<(typeof CASE_COMMAND_SHAPES)[N]> }[CaseCommandName];
export type CaseCommandOf<N extends CaseCommandName> = Extract<CaseCommand, { do: N }>;

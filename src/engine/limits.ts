import { z } from 'zod';

/**
 * Bounds on everything a user may send: commands (HTTP, web UI, drill steps), request bodies and
 * uploaded YAML. Events are never deleted, so whatever is accepted stays in the log for good:
 * every string has a maximum length, ids a short one, every list a maximum size and no item
 * twice. The bounds live here, and every schema reuses them.
 */
export const LIMITS = {
  /** An id a client or a plan chooses: a measure id, a unit or venue id, a person id. */
  id: 64,
  /** A role, `unit-id/position`. */
  role: 2 * 64 + 1,
  /** Short text: a name, a place, a file name, a label. */
  short: 200,
  /** Free text: a matter, a note, a reason, a legal basis, an opinion. */
  text: 4_000,
  /** Items of a list such as `units`. */
  list: 50,
  /** A JSON (or CSV, YAML) request body, in bytes; evidence uploads have their own limit. */
  body: 1024 * 1024,
  /** An evidence file (现场取证), in bytes. */
  attachment: 20 * 1024 * 1024,
  /** YAML text a user sends or names (a plan, a drill scenario), in characters. */
  yaml: 500_000,
  /** Alias expansions one YAML document may make: an alias bomb stops here. */
  yamlAliases: 100,
} as const;

const KEBAB = /^[a-z][a-z0-9-]*$/;
const ROLE = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;

/** An opaque id (a measure id, a person id, a stored version's id). */
export const ShortId = z.string().min(1).max(LIMITS.id);
/** A kebab-case id, such as a unit or a position. */
export const Slug = z.string().max(LIMITS.id).regex(KEBAB, { message: 'expected an id in kebab-case (a-z, 0-9, -)' });
/** A unit id. */
export const UnitId = z.string().max(LIMITS.id).regex(KEBAB, { message: 'expected a unit id in kebab-case (a-z, 0-9, -)' });
/** A role: `unit-id/position`. */
export const RoleId = z.string().max(LIMITS.role).regex(ROLE, { message: 'expected a role unit-id/position in kebab-case' });
/** Short text; add `.min(1)` where it is required. */
export const ShortText = z.string().max(LIMITS.short);
/** Free text; add `.min(1)` where it is required. */
export const Text = z.string().max(LIMITS.text);

/** A list of at most `max` items, none twice. */
export function uniqueList<T extends z.ZodType>(item: T, max: number = LIMITS.list) {
  return z
    .array(item)
    .max(max)
    .refine((items) => new Set(items.map((i) => (typeof i === 'object' ? JSON.stringify(i) : i))).size === items.length, { message: 'an item is listed twice' });
}

/** A change that changes something: an empty patch is a mistake, answered 400. */
export function nonEmpty<T extends z.ZodType<object>>(schema: T) {
  return schema.refine((value) => Object.keys(value).length > 0, { message: 'send at least one field to change', params: { refusal: 'input.empty_change' } });
}

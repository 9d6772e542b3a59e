import { z } from 'zod';
import { nonEmpty, RoleId, ShortId, ShortText, Slug, UnitId, uniqueList } from '../engine/limits.js';
import { parseInstant } from '../engine/time.js';
import { UnitKind } from '../plan/plan.schema.js';

export type { OrganizationFile } from '../plan/plan.schema.js';

/** A display name in both languages (bounded: it is kept in every revision). */
const Label = z.strictObject({ zh: ShortText.min(1), en: ShortText.min(1) });

/** `POST /api/org/units`. */
export const UnitBody = z.strictObject({ id: UnitId, kind: UnitKind, name: Label, positions: uniqueList(Slug).optional(), in_charge: RoleId.optional() });
export type UnitBody = z.input<typeof UnitBody>;
/** `PATCH /api/org/units/:id`: id and kind never change. */
export const UnitPatch = nonEmpty(UnitBody.omit({ id: true, kind: true }).partial());
export type UnitPatch = z.input<typeof UnitPatch>;

/** `POST /api/org/venues`. */
export const VenueBody = z.strictObject({ id: Slug, kind: z.enum(['residence', 'activity']), name: Label, address: ShortText.optional() });
export type VenueBody = z.input<typeof VenueBody>;
/** `PATCH /api/org/venues/:id`. */
export const VenuePatch = nonEmpty(VenueBody.omit({ id: true }).partial());
export type VenuePatch = z.input<typeof VenuePatch>;

/** Bounds of a person's fields, for the JSON API and the CSV import alike. */
export const PERSON = { name: 100, phone: 40, email: 200 } as const;
/** `POST /api/org/people`. */
export const PersonBody = z.strictObject({ name: z.string().min(1).max(PERSON.name), unit_id: UnitId, phone: z.string().max(PERSON.phone).nullable().optional(), email: z.string().max(PERSON.email).nullable().optional() });
export type PersonBody = z.input<typeof PersonBody>;
/** `PATCH /api/org/people/:id`: people are deactivated, never deleted. */
export const PersonPatch = nonEmpty(PersonBody.partial().extend({ active: z.boolean().optional() }));
export type PersonPatch = z.input<typeof PersonPatch>;

/** `POST /api/org/positions`: a person assigned to a role. */
export const PositionBody = z.strictObject({ person_id: ShortId, role: RoleId });
export type PositionBody = z.input<typeof PositionBody>;

/** An instant with its offset, as the roster is read and written. */
export const Instant = z.string().max(40).refine((s) => parseInstant(s) !== null, { message: 'expected an ISO 8601 time with offset' });
/** `POST /api/org/roster`: a duty shift. */
export const ShiftBody = z.strictObject({ role: RoleId, person_id: ShortId, starts_at: Instant, ends_at: Instant });
export type ShiftBody = z.input<typeof ShiftBody>;

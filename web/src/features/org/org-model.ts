import dayjs, { type Dayjs } from 'dayjs';
import type { OrganizationFile } from '../../../../src/api';
import { dayIn, localInstant, wallClockText, zonedInstant } from '../../../../src/api/county-time';

/** The organization's data as the org screens read it, and the time helpers of the roster and positions. */

/** GET /api/org: the organization document and its revision number. */
export type OrgDoc = OrganizationFile & { rev: number };

export interface Person {
  id: string;
  name: string;
  unit_id: string;
  phone: string | null;
  email: string | null;
  active: boolean;
}

/** Who holds which role; times are epoch milliseconds (strings from PostgreSQL). */
export interface Position {
  id: string;
  person_id: string;
  role: string;
  created_at: number | string;
  ended_at: number | string | null;
}

/** A duty shift; times are ISO strings in the county's offset. */
export interface Shift {
  id: string;
  role: string;
  person_id: string;
  starts_at: string;
  ends_at: string;
}

/** A role of the organization (`unit/position`); duty roles are held through the roster. */
export interface RoleOption {
  role: string;
  duty: boolean;
}

/** What every tab needs: the document, people, roles, whether the user may change things. */
export interface OrgData {
  org: OrgDoc;
  people: Person[];
  roles: RoleOption[];
  admin: boolean;
  reloadPeople: () => Promise<void>;
  /** Reads the organization document again (a change made a new revision). */
  reloadOrg: () => Promise<void>;
}

export type CsvKind = 'people' | 'positions' | 'roster';

/** `yyyy-mm-ddThh:mm` of an ISO instant: its wall time in its own (the county's) offset; compares as text. */
export const wall = (iso: string) => iso.slice(0, 16);

/** `yyyy-mm-dd hh:mm` of an ISO instant already in the county's offset. */
export const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** A date and time picked (read as the county's wall clock, to the minute) as an ISO instant with the county's offset. */
export const countyInstant = (d: Dayjs, tz: string) => zonedInstant(localInstant(d.year(), d.month() + 1, d.date(), tz, d.hour(), d.minute()), tz);

/** Today in the county, as a plain local date for the calendar and pickers. */
export const countyToday = (tz: string) => dayjs(dayIn(Date.now(), tz));

/** Epoch milliseconds (a number, or a string from PostgreSQL) as `yyyy-mm-dd hh:mm` in the county's zone. */
export function instant(ms: number | string | null, tz: string): string {
  if (ms === null || ms === '') return '—';
  return wallClockText(Number(ms), tz);
}

/**
 * A shift's hours as seen from one day: `08:00–次日08:00` for a shift starting that day,
 * `…–08:00` for one that started before, `全天` for one covering the whole day.
 */
export function span(s: Shift, day: string, next: string, t: (key: string, vars?: Record<string, unknown>) => string): string {
  const startsToday = s.starts_at.slice(0, 10) === day;
  const endDay = s.ends_at.slice(0, 10);
  const endTime = s.ends_at.slice(11, 16);
  const from = startsToday ? s.starts_at.slice(11, 16) : '…';
  const to = endDay === day ? endTime : endDay === next && endTime !== '00:00' ? t('org.nextDay', { time: endTime }) : endDay === next ? '24:00' : '…';
  if (from === '…' && (to === '…' || to === '24:00')) return t('org.allDay');
  return `${from}–${to}`;
}

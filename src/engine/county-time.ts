import { formatInstant, offsetMinutes, zoneOffset } from './time.js';

/*
 * Times in the county's time zone (the plan's `org.timezone`, an IANA name such as
 * Asia/Shanghai): the one place that turns instants into the county's wall clock and calendar
 * days and back. The engines, the API, the reports, the notifications and the web all read
 * times through it, so a day ends at the same instant everywhere. Everything here is pure and
 * imports nothing from the server, so the web may use it too.
 */

/** A calendar day, `2026-03-02`. */
const DAY = /^(\d{4})-(\d\d)-(\d\d)$/;

/** The county's wall clock at an instant. */
export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 is Sunday, 6 Saturday. */
  weekday: number;
}

/** An instant in a time zone as ISO 8601 with the zone's offset at that instant (`2026-03-02T09:04:00+08:00`). Pure. */
export function zonedInstant(ms: number, timeZone: string): string {
  return formatInstant(ms, zoneOffset(ms, timeZone));
}

/** Formats instants in the county's zone, with its offset: how views and events show times. Pure. */
export function countyTime(county: { readonly org: { readonly timezone: string } }): (ms: number) => string {
  const timeZone = county.org.timezone;
  return (ms) => zonedInstant(ms, timeZone);
}

/** The wall clock of a time zone at an instant. Pure. */
export function wallClockAt(ms: number, timeZone: string): WallClock {
  const d = new Date(ms + offsetMinutes(zoneOffset(ms, timeZone)) * 60_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
}

/** The calendar day of an instant in a time zone (`2026-03-02`). Pure. */
export function dayIn(ms: number, timeZone: string): string {
  return zonedInstant(ms, timeZone).slice(0, 10);
}

/** `2026-03-02 09:04`: an instant as people read it on the county's wall clock. Pure. */
export function wallClockText(ms: number, timeZone: string): string {
  return zonedInstant(ms, timeZone).slice(0, 16).replace('T', ' ');
}

/**
 * The instant a wall-clock time happens in a time zone. Days past the month's end run on into
 * the next month (day 32 of January is 1 February), so `day + 1` is the next day. A time that
 * a change of offset skips is read with the offset after the change. Pure.
 */
export function localInstant(year: number, month: number, day: number, timeZone: string, hour = 0, minute = 0): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // The zone's offset at the result, found in two steps (it can differ either side of a change).
  const guess = asUtc - offsetMinutes(zoneOffset(asUtc, timeZone)) * 60_000;
  return asUtc - offsetMinutes(zoneOffset(guess, timeZone)) * 60_000;
}

/** Local midnight, the start of a calendar day in a time zone. Pure. */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  return localInstant(year, month, day, timeZone);
}

/** The parts of a calendar day's text (`2026-03-02`), or null when it is not a real day. Pure. */
export function parseDay(text: string): { year: number; month: number; day: number } | null {
  const m = DAY.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? { year, month, day } : null;
}

/** The instant a calendar day ends in a time zone: midnight at the start of the next day. Pure. */
export function endOfDay(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return localMidnight(y, m, d + 1, timeZone);
}

/**
 * The fields of events that hold instants (epoch ms inside the engine), shown in the county's
 * time as ISO when events are presented — in the API and in the drill output alike. `at` and
 * `recorded_at` are every event's own and presented apart.
 */
export const TIME_FIELDS: ReadonlySet<string> = new Set(['deadline', 'accept_by', 'due', 'since', 'object_by', 'review_by', 'decide_by', 'summoned_at']);

import { localMidnight, parseDay, wallClockAt } from '../../../engine/county-time.js';

/*
 * The periods the accountability reports cover: a month, a year, or the days a reader asks
 * for, always bounded by midnights in the county's time zone so that a summons issued at
 * 23:30 county time falls on the day the county saw it.
 */

/** A half-open interval of instants `[from, to)`, epoch ms. */
export interface Period {
  from: number;
  to: number;
}

/** Is an instant inside the period (its start included, its end excluded)? Pure. */
export const inPeriod = (ms: number, p: Period) => ms >= p.from && ms < p.to;

/** The calendar month containing an instant, in a time zone. Pure. */
export function monthOf(ms: number, timeZone: string): Period {
  const { year, month } = wallClockAt(ms, timeZone);
  return { from: localMidnight(year, month, 1, timeZone), to: localMidnight(year, month + 1, 1, timeZone) };
}

/** The calendar year in a time zone. Pure. */
export function yearOf(year: number, timeZone: string): Period {
  return { from: localMidnight(year, 1, 1, timeZone), to: localMidnight(year + 1, 1, 1, timeZone) };
}

/**
 * A period from query text: `from` and `to` are calendar days in the county (`2026-03-01`,
 * `to` inclusive) or ISO instants with an offset (`to` exclusive); both missing means the
 * current month. Returns an error text for anything else. Pure.
 */
export function parsePeriod(from: string | undefined, to: string | undefined, timeZone: string, now: number): Period | { error: string } {
  if (from === undefined && to === undefined) return monthOf(now, timeZone);
  if (from === undefined || to === undefined) return { error: 'give both `from` and `to`, or neither for the current month' };
  const instant = (text: string, end: boolean): number | null => {
    const d = parseDay(text);
    if (d) return localMidnight(d.year, d.month, end ? d.day + 1 : d.day, timeZone);
    if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) return null;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  };
  const a = instant(from, false);
  const b = instant(to, true);
  if (a === null) return { error: `\`from\` is not a date (YYYY-MM-DD) or an ISO instant with an offset: ${from}` };
  if (b === null) return { error: `\`to\` is not a date (YYYY-MM-DD) or an ISO instant with an offset: ${to}` };
  if (b <= a) return { error: '`to` must come after `from`' };
  return { from: a, to: b };
}

import { describe, expect, it } from 'vitest';
import { countyTime, dayIn, endOfDay, localInstant, localMidnight, parseDay, TIME_FIELDS, wallClockAt, wallClockText, zonedInstant } from './county-time.js';

const SHANGHAI = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';

describe('times in the county', () => {
  it('formats an instant as ISO with the offset the zone had then', () => {
    expect(zonedInstant(Date.parse('2026-03-02T01:04:00Z'), SHANGHAI)).toBe('2026-03-02T09:04:00+08:00');
    expect(zonedInstant(Date.parse('2026-01-15T12:00:00Z'), BERLIN)).toBe('2026-01-15T13:00:00+01:00');
    expect(zonedInstant(Date.parse('2026-07-15T12:00:00Z'), BERLIN)).toBe('2026-07-15T14:00:00+02:00');
    expect(countyTime({ org: { timezone: SHANGHAI } })(Date.parse('2026-03-02T01:04:00.250Z'))).toBe('2026-03-02T09:04:00.250+08:00');
  });

  it('puts the last second of a day and the first of the next on their own days', () => {
    const last = Date.parse('2026-03-02T23:59:59+08:00');
    const first = Date.parse('2026-03-03T00:00:00+08:00');
    expect(dayIn(last, SHANGHAI)).toBe('2026-03-02');
    expect(dayIn(first, SHANGHAI)).toBe('2026-03-03');
    // The same instants are still 2 March in UTC: the county's day, not the server's.
    expect(new Date(first).toISOString().slice(0, 10)).toBe('2026-03-02');
    expect(endOfDay('2026-03-02', SHANGHAI)).toBe(first);
    expect(localMidnight(2026, 3, 3, SHANGHAI)).toBe(first);
    expect(wallClockText(last, SHANGHAI)).toBe('2026-03-02 23:59');
    expect(wallClockAt(first, SHANGHAI)).toEqual({ year: 2026, month: 3, day: 3, hour: 0, minute: 0, weekday: 2 });
  });

  it('finds midnight in a zone with daylight saving time, on both days the clocks change', () => {
    // Berlin springs forward on 29 March 2026 (02:00 → 03:00) and falls back on 25 October.
    expect(localMidnight(2026, 3, 29, BERLIN)).toBe(Date.parse('2026-03-29T00:00:00+01:00'));
    expect(localMidnight(2026, 3, 30, BERLIN)).toBe(Date.parse('2026-03-30T00:00:00+02:00'));
    expect(endOfDay('2026-03-29', BERLIN) - localMidnight(2026, 3, 29, BERLIN)).toBe(23 * 3_600_000);
    expect(localMidnight(2026, 10, 25, BERLIN)).toBe(Date.parse('2026-10-25T00:00:00+02:00'));
    expect(endOfDay('2026-10-25', BERLIN)).toBe(Date.parse('2026-10-26T00:00:00+01:00'));
    expect(endOfDay('2026-10-25', BERLIN) - localMidnight(2026, 10, 25, BERLIN)).toBe(25 * 3_600_000);
    expect(dayIn(localMidnight(2026, 3, 30, BERLIN), BERLIN)).toBe('2026-03-30');
    expect(dayIn(localMidnight(2026, 3, 30, BERLIN) - 1000, BERLIN)).toBe('2026-03-29');
  });

  it('reads a wall-clock time on a day, running days on past the end of a month or year', () => {
    expect(localInstant(2026, 3, 2, SHANGHAI, 8, 30)).toBe(Date.parse('2026-03-02T08:30:00+08:00'));
    expect(localInstant(2026, 7, 1, BERLIN, 8)).toBe(Date.parse('2026-07-01T08:00:00+02:00'));
    expect(localMidnight(2026, 12, 32, SHANGHAI)).toBe(Date.parse('2027-01-01T00:00:00+08:00'));
    expect(localMidnight(2026, 13, 1, SHANGHAI)).toBe(Date.parse('2027-01-01T00:00:00+08:00'));
    expect(endOfDay('2026-02-28', SHANGHAI)).toBe(Date.parse('2026-03-01T00:00:00+08:00'));
  });

  it('reads calendar days, refusing days that do not exist', () => {
    expect(parseDay('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2026-3-2')).toBeNull();
    expect(parseDay('2026-03-02T00:00:00+08:00')).toBeNull();
  });

  it('lists the time fields of incident, case and register events once', () => {
    expect([...TIME_FIELDS].sort()).toEqual(['accept_by', 'deadline', 'decide_by', 'due', 'object_by', 'review_by', 'since', 'summoned_at']);
  });
});

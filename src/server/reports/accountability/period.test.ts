import { describe, expect, it } from 'vitest';
import { parsePeriod, type Period } from './period.js';

/* Periods from query text: calendar days and instants, bounded by the county's midnights. */

/** March 2026 in the county (UTC+8). */
const MARCH: Period = { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') };

describe('periods from query text', () => {
  const tz = 'Asia/Shanghai';
  it('reads calendar days in the county, the last day included', () => {
    expect(parsePeriod('2026-03-01', '2026-03-31', tz, 0)).toEqual(MARCH);
    expect(parsePeriod('2026-12-31', '2026-12-31', tz, 0)).toEqual({ from: Date.parse('2026-12-31T00:00:00+08:00'), to: Date.parse('2027-01-01T00:00:00+08:00') });
  });
  it('reads ISO instants, the end excluded', () => {
    expect(parsePeriod('2026-03-02T09:00:00+08:00', '2026-03-02T10:00:00Z', tz, 0)).toEqual({ from: Date.parse('2026-03-02T01:00:00Z'), to: Date.parse('2026-03-02T10:00:00Z') });
  });
  it('defaults to the current month in the county (31 March 17:00 UTC is already April there)', () => {
    expect(parsePeriod(undefined, undefined, tz, Date.parse('2026-03-15T12:00:00+08:00'))).toEqual(MARCH);
    expect(parsePeriod(undefined, undefined, tz, Date.parse('2026-03-31T17:00:00Z'))).toEqual({ from: MARCH.to, to: Date.parse('2026-05-01T00:00:00+08:00') });
  });
  it('refuses impossible dates, a lone bound, text without an offset, and an empty span', () => {
    expect(parsePeriod('2026-02-30', '2026-03-01', tz, 0)).toHaveProperty('error');
    expect(parsePeriod('2026-03-01', undefined, tz, 0)).toHaveProperty('error');
    expect(parsePeriod('2026-03-01T00:00:00', '2026-03-02', tz, 0)).toHaveProperty('error');
    expect(parsePeriod('2026-03-02', '2026-03-01', tz, 0)).toHaveProperty('error');
  });
});

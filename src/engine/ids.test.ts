import { describe, expect, it, vi } from 'vitest';
import { randomIds, seededIds, timeOrderedId } from './ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ids', () => {
  it('gives streams time-ordered UUIDs that sort in the order they were made, within a millisecond too', () => {
    const ids = randomIds();
    const made = Array.from({ length: 5_000 }, (_, i) => ids((['incident', 'case', 'risk'] as const)[i % 3]!));
    for (const id of made) expect(id).toMatch(UUID_V7);
    expect(new Set(made).size).toBe(made.length);
    // More than one id per millisecond here: the order holds without a clock tick between them.
    expect([...made].sort()).toEqual(made);
  });

  it('keeps a time-ordered id unguessable: its random part differs between ids of the same millisecond', () => {
    const a = timeOrderedId();
    const b = timeOrderedId();
    const random = (id: string) => id.replace(/-/g, '').slice(13);
    expect(random(a)).not.toBe(random(b));
    // The creation time leads the id: the first 48 bits are the milliseconds since 1970.
    const ms = parseInt(a.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it('keeps counting up when the clock goes back, and across draws of random bytes', () => {
    const before = Array.from({ length: 300 }, () => timeOrderedId());
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now - 5_000);
    try {
      const after = Array.from({ length: 300 }, () => timeOrderedId());
      const all = [...before, ...after];
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort()).toEqual(all);
    } finally {
      clock.mockRestore();
    }
  });

  it('gives tracking codes with no order or time in them', () => {
    const ids = randomIds();
    const codes = Array.from({ length: 200 }, () => ids('tracking'));
    for (const c of codes) expect(c).toMatch(/^YJ-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect([...codes].sort()).not.toEqual(codes);
  });

  it('gives drills the same ids for the same seed', () => {
    const a = seededIds('s');
    const b = seededIds('s');
    expect([a('incident'), a('tracking'), a('incident')]).toEqual([b('incident'), b('tracking'), b('incident')]);
  });
});

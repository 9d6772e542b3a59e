/**
 * Instants are epoch milliseconds inside the engine. People and the contract see ISO 8601
 * with an explicit offset, e.g. `2026-03-02T09:04:00+08:00`.
 */

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(Z|[+-]\d\d:\d\d)$/;

/** Parses an ISO 8601 instant with an offset; null when it is not one. Pure. */
export function parseInstant(text: string): { ms: number; offset: string } | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return { ms, offset: m[8]! };
}

/** Minutes east of UTC for an offset text (`Z`, `+08:00`). */
export function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number) as [number, number];
  return sign * (h * 60 + m);
}

/** Formats an instant in a fixed offset, to the second (milliseconds when not whole). Pure. */
export function formatInstant(ms: number, offset = 'Z'): string {
  const shifted = new Date(ms + offsetMinutes(offset) * 60_000).toISOString();
  const body = ms % 1000 === 0 ? shifted.slice(0, 19) : shifted.slice(0, 23);
  return `${body}${offset}`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, string>();

/**
 * Offset of a time zone at an instant, as `+08:00`. Offsets change at most on whole
 * quarter-hours, so results are cached per zone and quarter-hour.
 */
export function zoneOffset(ms: number, timeZone: string): string {
  const key = `${timeZone}\u0000${Math.floor(ms / 900_000)}`;
  const cached = offsetCache.get(key);
  if (cached) return cached;
  let format = zoneFormats.get(timeZone);
  if (!format) zoneFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })));
  const part = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-]\d\d:\d\d)?/.exec(part ?? '');
  const offset = m?.[1] ?? 'Z';
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/**
 * The same time of day `days` working days later, in a time zone: Saturdays and Sundays do
 * not count (public holidays are not known to the product). Pure.
 */
export function addWorkingDays(ms: number, days: number, timeZone: string): number {
  let t = ms;
  let left = days;
  while (left > 0) {
    t += 86_400_000;
    const local = new Date(t + offsetMinutes(zoneOffset(t, timeZone)) * 60_000).getUTCDay();
    if (local !== 0 && local !== 6) left--;
  }
  return t;
}

/**
 * Durations as written in plans and scenarios: `90s`, `15m`, `1h`, `1h5m`, `15d`.
 * Units must appear in the order d, h, m, s, each at most once.
 */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Parses a duration to milliseconds; returns null when the text is not a duration. Pure. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return null;
  const [, d, h, min, s] = m;
  return (
    Number(d ?? 0) * DAY + Number(h ?? 0) * HOUR + Number(min ?? 0) * MINUTE + Number(s ?? 0) * SECOND
  );
}

/** Formats milliseconds as the shortest duration text (`1h5m`, `0s` for zero). Pure. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms / SECOND);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

import stringWidth from 'string-width';

/**
 * Lays out rows as aligned columns for a terminal, by display width (a Chinese character
 * takes two columns). With `header`, a rule goes under the first row. Pure.
 */
export function textTable(rows: string[][], header = false): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, stringWidth(cell))));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - stringWidth(cell)))).join('  ');
  const lines = rows.map(line);
  if (header) lines.splice(1, 0, widths.map((n) => '-'.repeat(n)).join('  '));
  return lines;
}

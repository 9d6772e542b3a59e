import { stringify, type Input, type Options } from 'csv-stringify/sync';

/*
 * Every CSV the server writes goes through here, so no cell can turn into a spreadsheet
 * formula (CSV injection, OWASP): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return gets a leading `'`, which spreadsheets show as text. Names, matters and
 * notes come from petitions and imports, i.e. from outside.
 */

/** A formula start, possibly behind apostrophes already (so that `restoreCell` undoes exactly one). */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A plain signed number (`-3`, `+8613800000001`, `-2.5%`) is read as a number, never a formula. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?%?$/;
const needsQuote = (text: string) => FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);

/** The text as a safe CSV cell. */
export function neutralizeCell(text: string): string {
  return needsQuote(text) ? `'${text}` : text;
}

/** Undoes `neutralizeCell` on import, so an exported file can be imported back unchanged. */
export function restoreCell(text: string): string {
  return text.startsWith("'") && needsQuote(text.slice(1)) ? text.slice(1) : text;
}

/** csv-stringify with every text cell neutralised (numbers are written as numbers). */
export function toCsv(input: Input, options: Options = {}): string {
  return stringify(input, { ...options, cast: { ...options.cast, string: (value) => neutralizeCell(value) } });
}

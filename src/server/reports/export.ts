import type { Lang } from '../../i18n/messages.js';
import { toCsv as csvText } from '../csv.js';
import { t as word } from '../../i18n/messages.js';
import type { Assessment } from './accountability/assessment.js';
import type { AccountabilityReport, Compliance, DeadlineOutcome } from './accountability/figures.js';

/*
 * Accountability tables as files: XLSX (exceljs) for the county's offices, and CSV with a
 * UTF-8 byte-order mark so Excel opens the Chinese correctly. One table definition serves
 * both, so the two files always show the same columns and figures.
 */

/** How a column's values are written: rates as percentages, minutes to 0.1. */
export type Format = 'text' | 'int' | 'minutes' | 'percent';

export interface Column<R> {
  header: Record<Lang, string>;
  format: Format;
  value: (row: R) => string | number | null;
  width?: number;
}

/** A table: a title (XLSX only), columns, rows. */
export interface Table<R> {
  sheet: Record<Lang, string>;
  title: Record<Lang, string>;
  columns: readonly Column<R>[];
  rows: readonly R[];
}

const NUMBER_FORMAT: Record<Format, string | undefined> = { text: undefined, int: '0', minutes: '0.0', percent: '0.0%' };

/** `2026-03-02T09:04:00+08:00` → `2026-03-02 09:04`: the county's local time, as it was given. */
export const localText = (iso: string | null) => (iso === null ? '' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);

/**
 * An XLSX workbook with one sheet per table: the title merged across row 1, the header in
 * row 2 (frozen), one row per record from row 3. Numbers stay numbers (rates as fractions
 * shown as percentages), empty figures are empty cells.
 */
export async function toXlsx(tables: readonly Table<any>[], lang: Lang, created: Date): Promise<Buffer> {
  // ExcelJS takes most of a second to load: on the first export, not at start.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Yingji 应急';
  book.created = created;
  for (const table of tables) {
    const sheet = book.addWorksheet(table.sheet[lang], { views: [{ state: 'frozen', ySplit: 2 }] });
    sheet.columns = table.columns.map((c) => ({ width: c.width ?? (c.format === 'text' ? 18 : 12), style: NUMBER_FORMAT[c.format] ? { numFmt: NUMBER_FORMAT[c.format]! } : {} }));
    const title = sheet.getRow(1);
    title.getCell(1).value = table.title[lang];
    title.font = { bold: true, size: 14 };
    if (table.columns.length > 1) sheet.mergeCells(1, 1, 1, table.columns.length);
    const header = sheet.getRow(2);
    table.columns.forEach((c, i) => (header.getCell(i + 1).value = c.header[lang]));
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'middle' };
    table.rows.forEach((r, i) => {
      const row = sheet.getRow(i + 3);
      table.columns.forEach((c, j) => {
        const v = c.value(r);
        row.getCell(j + 1).value = v === '' ? null : v;
      });
    });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const csvValue = (v: string | number | null, format: Format) => {
  if (v === null) return '';
  if (format === 'percent' && typeof v === 'number') return `${Math.round(v * 1000) / 10}%`;
  return v;
};

/** One table as CSV: a UTF-8 byte-order mark, the header, one line per record (CRLF); no cell reads as a formula. */
export function toCsv(table: Table<any>, lang: Lang): string {
  const rows = table.rows.map((r) => table.columns.map((c) => csvValue(c.value(r), c.format)));
  return `\ufeff${csvText([table.columns.map((c) => c.header[lang]), ...rows], { record_delimiter: 'windows' })}`;
}

const h = (zh: string, en: string) => ({ zh, en });
type UnitRow = AccountabilityReport['units'][number];

/** The summons columns shared by the period summary and the year-end table. */
function summonsColumns<R extends UnitRow>(): Column<R>[] {
  return [
    { header: h('单位', 'Unit'), format: 'text', value: () => '', width: 28 },
    { header: h('到场通知(次)', 'Summons'), format: 'int', value: (r) => r.summoned },
    { header: h('按时到场', 'On time'), format: 'int', value: (r) => r.on_time },
    { header: h('迟到', 'Late'), format: 'int', value: (r) => r.late },
    { header: h('未到场', 'Missed'), format: 'int', value: (r) => r.missed },
    { header: h('已解除', 'Stood down'), format: 'int', value: (r) => r.stood_down },
    { header: h('按时到场率', 'On-time rate'), format: 'percent', value: (r) => r.on_time_rate },
    { header: h('到场用时中位数(分钟)', 'Median minutes to arrive'), format: 'minutes', value: (r) => r.median_minutes, width: 14 },
    { header: h('到场用时90%分位(分钟)', '90th percentile minutes'), format: 'minutes', value: (r) => r.p90_minutes, width: 14 },
    { header: h('未经批准的处置措施', 'Measures without prior approval'), format: 'int', value: (r) => r.unapproved_measures, width: 14 },
  ];
}

/** Puts the unit's name in the first column, in the table's language. */
function named<R extends { name: Record<Lang, string> }>(columns: Column<R>[], lang: Lang): Column<R>[] {
  const [first, ...rest] = columns;
  return [{ ...first!, value: (r) => r.name[lang] }, ...rest];
}

const complianceColumns = <R>(get: (r: R) => { cases: number; acceptance: Compliance; handling: Compliance }): Column<R>[] => [
  { header: h('承办案件', 'Cases'), format: 'int', value: (r) => get(r).cases },
  { header: h('按期受理', 'Accepted in time'), format: 'int', value: (r) => get(r).acceptance.on_time },
  { header: h('受理超期', 'Acceptance late or overdue'), format: 'int', value: (r) => get(r).acceptance.late + get(r).acceptance.overdue, width: 14 },
  { header: h('按期受理率(15日)', 'Acceptance rate (15 days)'), format: 'percent', value: (r) => get(r).acceptance.rate, width: 14 },
  { header: h('按期办结', 'Handled in time'), format: 'int', value: (r) => get(r).handling.on_time },
  { header: h('办理超期', 'Handling late or overdue'), format: 'int', value: (r) => get(r).handling.late + get(r).handling.overdue, width: 14 },
  { header: h('按期办结率(60日)', 'Handling rate (60 days)'), format: 'percent', value: (r) => get(r).handling.rate, width: 14 },
];

const yearTitle = (a: Assessment) => h(`${a.year}年度信访工作考核表(到场纪律与案件办理时限)`, `Year-end petition assessment ${a.year} (arrival discipline and case deadlines)`);
const periodText = (p: { from: string; to: string }) => `${p.from.slice(0, 10)} – ${localText(p.to)}`;

/** The year-end assessment (年终信访考核) as one table: one row per unit. */
export function assessmentTable(a: Assessment, lang: Lang): Table<Assessment['rows'][number]> {
  return {
    sheet: h('年终考核', 'Assessment'),
    title: yearTitle(a),
    columns: [...named(summonsColumns<Assessment['rows'][number]>(), lang), ...complianceColumns<Assessment['rows'][number]>((r) => r)],
    rows: a.rows,
  };
}

/** The period's accountability report as tables: per unit, late and missed summons, unapproved measures, case compliance. */
export function accountabilityTables(r: AccountabilityReport, lang: Lang) {
  const period = periodText(r.period);
  const status = (s: string) => word(lang, `summons.${s}`);
  const outcome = (o: DeadlineOutcome | null) => (o === null ? '' : OUTCOME[o][lang]);
  const units: Table<UnitRow> = {
    sheet: h('到场汇总', 'Summons by unit'),
    title: h(`到场情况汇总 ${period}`, `Summons by unit ${period}`),
    columns: named(summonsColumns<UnitRow>(), lang),
    rows: r.units,
  };
  const summons: Table<AccountabilityReport['late'][number]> = {
    sheet: h('迟到未到', 'Late and missed'),
    title: h(`迟到及未到场清单 ${period}`, `Late and missed summons ${period}`),
    columns: [
      { header: h('单位', 'Unit'), format: 'text', value: (x) => x.unit_name[lang], width: 28 },
      { header: h('被通知人', 'Summoned'), format: 'text', value: (x) => x.role_name[lang], width: 32 },
      { header: h('地点', 'Venue'), format: 'text', value: (x) => x.venue_name[lang] },
      { header: h('通知时间', 'Issued'), format: 'text', value: (x) => localText(x.issued_at) },
      { header: h('到场时限', 'Deadline'), format: 'text', value: (x) => localText(x.deadline) },
      { header: h('到场时间', 'Arrived'), format: 'text', value: (x) => localText(x.arrived_at) },
      { header: h('状态', 'Status'), format: 'text', value: (x) => status(x.status) },
      { header: h('超时(分钟)', 'Minutes over'), format: 'minutes', value: (x) => x.minutes_over },
      { header: h('事件编号', 'Incident'), format: 'text', value: (x) => x.incident, width: 38 },
    ],
    rows: r.late,
  };
  const measures: Table<AccountabilityReport['measures'][number]> = {
    sheet: h('未经批准措施', 'Unapproved measures'),
    title: h(`未经事先批准采取的处置措施 ${period}`, `Measures taken without prior approval ${period}`),
    columns: [
      { header: h('单位', 'Unit'), format: 'text', value: (x) => x.unit_name?.[lang] ?? '', width: 28 },
      { header: h('措施', 'Measure'), format: 'text', value: (x) => x.kind_name[lang] },
      { header: h('依据', 'Basis'), format: 'text', value: (x) => x.basis, width: 30 },
      { header: h('实施时间', 'Taken'), format: 'text', value: (x) => localText(x.taken_at) },
      { header: h('事后批准人', 'Approved after the fact by'), format: 'text', value: (x) => x.approved_by ?? '' },
      { header: h('事后批准时间', 'Approved at'), format: 'text', value: (x) => localText(x.approved_at) },
      { header: h('地点', 'Venue'), format: 'text', value: (x) => x.venue_name[lang] },
      { header: h('事件编号', 'Incident'), format: 'text', value: (x) => x.incident, width: 38 },
    ],
    rows: r.measures,
  };
  const cases: Table<AccountabilityReport['cases'][number]> = {
    sheet: h('案件办理时限', 'Case deadlines'),
    title: h(`案件受理与办理时限 ${period}(按登记时间)`, `Case deadlines ${period} (by registration)`),
    columns: [{ header: h('承办单位', 'Handling unit'), format: 'text', value: (x) => x.name[lang], width: 28 }, ...complianceColumns<AccountabilityReport['cases'][number]>((x) => x)],
    rows: r.cases,
  };
  const overdue: Table<AccountabilityReport['overdue_cases'][number]> = {
    sheet: h('超期案件', 'Overdue cases'),
    title: h(`超期案件 ${period}`, `Cases past a deadline ${period}`),
    columns: [
      { header: h('承办', 'Handler'), format: 'text', value: (x) => x.name[lang], width: 28 },
      // The case, never its tracking code: the code is the petitioner's, to follow and rate the case (safeguards 6).
      { header: h('案件编号', 'Case'), format: 'text', value: (x) => x.id.slice(0, 8) },
      { header: h('登记时间', 'Registered'), format: 'text', value: (x) => localText(x.opened_at) },
      { header: h('受理期限', 'Accept by'), format: 'text', value: (x) => localText(x.accept_by) },
      { header: h('受理', 'Acceptance'), format: 'text', value: (x) => outcome(x.acceptance) },
      { header: h('办结期限', 'Due'), format: 'text', value: (x) => localText(x.due) },
      { header: h('办理', 'Handling'), format: 'text', value: (x) => outcome(x.handling) },
    ],
    rows: r.overdue_cases,
  };
  return { units, summons, measures, cases, overdue };
}

const OUTCOME: Record<DeadlineOutcome, Record<Lang, string>> = {
  on_time: h('按期', 'in time'),
  late: h('超期完成', 'late'),
  overdue: h('已超期', 'overdue'),
  pending: h('期限内', 'running'),
  closed: h('已结案', 'closed'),
};

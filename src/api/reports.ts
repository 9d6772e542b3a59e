import { z } from 'zod';

/**
 * The figures of the accountability reports, as the server computes and sends them. Type-only:
 * the computation stays on the server; only its shapes reach the web.
 */
export type { Assessment, AssessmentRow } from '../server/reports/accountability/assessment.js';
export type { AccountabilityReport, CaseFigures, Compliance, MeasureRecord, SummonsRecord, UnitFigures } from '../server/reports/accountability/figures.js';
export type { Notice } from '../server/reports/accountability/notice.js';

const ReportLang = z.enum(['zh', 'en']).optional();

/** A period of the accountability report (`GET /api/reports/accountability` and its exports). */
export const PeriodQuery = z.object({
  from: z.string().max(40).optional().describe('first day (YYYY-MM-DD, county time) or an ISO instant; with `to`; both missing: this month'),
  to: z.string().max(40).optional().describe('last day, inclusive (YYYY-MM-DD), or an ISO instant, exclusive'),
  unit: z.string().min(1).max(100).optional().describe('only this unit'),
  lang: ReportLang,
});
export type PeriodQuery = z.input<typeof PeriodQuery>;

/** A calendar year of the year-end assessment (`GET /api/reports/assessment` and its exports). */
export const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional().describe('calendar year; default this year'), lang: ReportLang });
export type YearQuery = z.input<typeof YearQuery>;

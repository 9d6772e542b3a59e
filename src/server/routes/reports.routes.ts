import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PeriodQuery, YearQuery } from '../../api/reports.js';
import { dayIn, wallClockAt } from '../../engine/county-time.js';
import type { Plan } from '../../plan/plan.js';
import { reportsRepository } from '../../store/reports.repository.js';
import { mayReadReports } from '../auth/permissions.js';
import { principal, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError } from '../errors.js';
import { assessment } from '../reports/accountability/assessment.js';
import { accountabilityReport, measureKey } from '../reports/accountability/figures.js';
import { noticeDraft } from '../reports/accountability/notice.js';
import { parsePeriod, yearOf, type Period } from '../reports/accountability/period.js';
import { accountabilityTables, assessmentTable, toCsv, toXlsx } from '../reports/export.js';
import { assessmentDocument, noticeDocument } from '../reports/documents/accountability.js';
import { printDocument, sendDocument } from '../reports/documents/print.js';

const TABLES = ['units', 'summons', 'measures', 'cases', 'overdue'] as const;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Accountability (§5.2, safeguards 2–3): per-unit summons figures, late and missed summons,
 * measures taken without prior approval, case deadline compliance; the draft notice (通报)
 * and the year-end assessment (年终信访考核), as JSON, XLSX and CSV. Readable by
 * administrators, the working group, county leaders and the petition bureau.
 */
export function reportRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = s.store.db;

  /** The active plan, once the reader may read reports. */
  const readable = async (req: FastifyRequest): Promise<Plan> => {
    const p = principal(req);
    const plan = await s.plans.current();
    if (!mayReadReports(p, plan)) throw new ApiError('forbidden', refusal('forbidden.reports'));
    return plan;
  };

  const periodOf = (plan: Plan, q: { from?: string | undefined; to?: string | undefined }): Period => {
    const period = parsePeriod(q.from, q.to, plan.org.timezone, s.clock());
    if ('error' in period) throw new ApiError('bad_request', period.error);
    return period;
  };

  const report = async (plan: Plan, period: Period, unit: string | null) => {
    if (unit !== null && !plan.units.has(unit)) throw new ApiError('bad_request', refusal('input.unknown_unit', { id: unit }));
    const incidents = await reportsRepository.incidentsTouching(db, period.from, period.to);
    const unapproved = incidents.filter((i) => i.measures.some((m) => m.takenWithoutApproval)).map((i) => i.id);
    const takers = await reportsRepository.measureTakers(db, unapproved);
    return {
      incidents,
      cases: await reportsRepository.casesOpened(db, period.from, period.to),
      takenBy: new Map(takers.map((x) => [measureKey(x.incident, x.measure), x.role])),
      plan,
      period,
      now: s.clock(),
      unit,
    };
  };

  const yearNow = (plan: Plan) => wallClockAt(s.clock(), plan.org.timezone).year;

  const file = (reply: FastifyReply, name: string, type: string) =>
    reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
  const span = (plan: Plan, p: Period) => `${dayIn(p.from, plan.org.timezone)}_${dayIn(p.to - 1, plan.org.timezone)}`;

  r.get('/api/reports/accountability', { config: { read: 'reports' }, schema: { querystring: PeriodQuery, tags: ['reports'], summary: 'Accountability figures of a period, optionally of one unit' } }, async (req) => {
    const plan = await readable(req);
    return accountabilityReport(await report(plan, periodOf(plan, req.query), req.query.unit ?? null));
  });

  r.get('/api/reports/accountability.xlsx', { config: { read: 'reports' }, schema: { querystring: PeriodQuery, tags: ['reports'], summary: 'The accountability report as an XLSX workbook (one sheet per table)' } }, async (req, reply) => {
    const plan = await readable(req);
    const period = periodOf(plan, req.query);
    const tables = accountabilityTables(accountabilityReport(await report(plan, period, req.query.unit ?? null)), req.query.lang ?? 'zh');
    file(reply, `yingji-accountability-${span(plan, period)}.xlsx`, XLSX);
    return toXlsx([tables.units, tables.summons, tables.measures, tables.cases, tables.overdue], req.query.lang ?? 'zh', new Date(s.clock()));
  });

  r.get(
    '/api/reports/accountability.csv',
    { config: { read: 'reports' }, schema: { querystring: PeriodQuery.extend({ table: z.enum(TABLES).optional().describe('which table; default `units`') }), tags: ['reports'], summary: 'One table of the accountability report as CSV (UTF-8 with BOM)' } },
    async (req, reply) => {
      const plan = await readable(req);
      const period = periodOf(plan, req.query);
      const table = req.query.table ?? 'units';
      const tables = accountabilityTables(accountabilityReport(await report(plan, period, req.query.unit ?? null)), req.query.lang ?? 'zh');
      file(reply, `yingji-accountability-${table}-${span(plan, period)}.csv`, 'text/csv; charset=utf-8');
      return toCsv(tables[table], req.query.lang ?? 'zh');
    },
  );

  r.get(
    '/api/reports/notice',
    { config: { read: 'reports' }, schema: { querystring: PeriodQuery.omit({ unit: true, lang: true }).extend({ format: z.enum(['json', 'text']).optional() }), tags: ['reports'], summary: 'Draft notice (通报) of the units late or missing in a period: text in Chinese and its figures' } },
    async (req, reply) => {
      const plan = await readable(req);
      const period = periodOf(plan, req.query);
      const notice = noticeDraft(accountabilityReport(await report(plan, period, null)), plan, period, s.clock());
      if (req.query.format === 'text') return reply.type('text/plain; charset=utf-8').send(notice.text);
      return notice;
    },
  );

  r.get(
    '/api/reports/notice.docx',
    { config: { read: 'reports' }, schema: { querystring: PeriodQuery.omit({ unit: true, lang: true }), tags: ['reports'], summary: 'The draft notice (通报) as DOCX in the official document layout, for the working group to edit and issue' } },
    async (req, reply) => {
      const plan = await readable(req);
      const period = periodOf(plan, req.query);
      const notice = noticeDraft(accountabilityReport(await report(plan, period, null)), plan, period, s.clock());
      return sendDocument(reply, await printDocument(noticeDocument(notice), `通报(草稿)-${span(plan, period)}`, `yingji-notice-${span(plan, period)}`), 'docx');
    },
  );

  const yearly = async (req: FastifyRequest, query: z.infer<typeof YearQuery>) => {
    const plan = await readable(req);
    const year = query.year ?? yearNow(plan);
    const input = await report(plan, yearOf(year, plan.org.timezone), null);
    return { year, plan, table: assessment({ ...input, year }) };
  };

  r.get('/api/reports/assessment', { config: { read: 'reports' }, schema: { querystring: YearQuery, tags: ['reports'], summary: 'Year-end petition assessment (年终信访考核): one row per unit' } }, async (req) => (await yearly(req, req.query)).table);

  r.get('/api/reports/assessment.xlsx', { config: { read: 'reports' }, schema: { querystring: YearQuery, tags: ['reports'], summary: 'The year-end assessment as XLSX' } }, async (req, reply) => {
    const { year, table } = await yearly(req, req.query);
    const lang = req.query.lang ?? 'zh';
    file(reply, `yingji-assessment-${year}.xlsx`, XLSX);
    return toXlsx([assessmentTable(table, lang)], lang, new Date(s.clock()));
  });

  r.get('/api/reports/assessment.csv', { config: { read: 'reports' }, schema: { querystring: YearQuery, tags: ['reports'], summary: 'The year-end assessment as CSV (UTF-8 with BOM)' } }, async (req, reply) => {
    const { year, table } = await yearly(req, req.query);
    file(reply, `yingji-assessment-${year}.csv`, 'text/csv; charset=utf-8');
    return toCsv(assessmentTable(table, req.query.lang ?? 'zh'), req.query.lang ?? 'zh');
  });

  r.get('/api/reports/assessment.docx', { config: { read: 'reports' }, schema: { querystring: YearQuery.omit({ lang: true }), tags: ['reports'], summary: 'The year-end assessment as DOCX in the official document layout' } }, async (req, reply) => {
    const { year, plan, table } = await yearly(req, req.query);
    return sendDocument(reply, await printDocument(assessmentDocument(table, plan, s.clock()), `${year}年度信访工作考核`, `yingji-assessment-${year}`), 'docx');
  });
}

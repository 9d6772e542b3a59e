import type { FastifyReply } from 'fastify';
import type { IncidentEvent } from '../../../engine/incident/events.js';
import { incidentView } from '../../../engine/incident/view.js';
import { formatInstant } from '../../../engine/time.js';
import { runDrill } from '../../../drill/drill.runner.js';
import { parseScenario } from '../../../drill/scenario.js';
import { refusal } from '../../../i18n/refusals.js';
import { drillsRepository } from '../../../store/drills.repository.js';
import { eventsRepository } from '../../../store/events.repository.js';
import { incidentsRepository } from '../../../store/incidents.repository.js';
import type { Reader } from '../../auth/permissions.js';
import { incidentFor, withheldMatters } from '../../auth/visibility.js';
import { presentIncident, type Services } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { incidentReport, incidentReportName, type IncidentReportSource } from './incident.report.js';
import type { OfficialDocument } from './official.js';
import { docxToPdf } from './pdf.js';

/** A document ready to send: its DOCX, the content it was made from, and its file name. */
export interface Printed {
  docx: Buffer;
  content: OfficialDocument;
  /** The Chinese file name, without its extension. */
  name: string;
  /** The file name in ASCII, for clients that cannot read `filename*`. */
  ascii: string;
}

/** An official document laid out as DOCX, under a file name. */
export async function printDocument(content: OfficialDocument, name: string, ascii: string): Promise<Printed> {
  // Loaded on the first print, not at start: the server is ready sooner (issue 13).
  const { officialDocument } = await import('./official.js');
  return { docx: await officialDocument(content), content, name, ascii };
}

/**
 * The report of a real incident as the reader may see it, with the audit chain head as it
 * stands now. Only once the on-site phase is over (cleared or closed): before that it would
 * be a report of something still happening.
 */
export async function printIncident(s: Services, reader: Reader, id: string): Promise<Printed> {
  const db = s.store.db;
  const row = await incidentsRepository.get(db, id);
  if (!row) throw notFound(`incident ${id}`);
  if (row.state.status === 'open') throw new ApiError('conflict', refusal('report.not_ended'));
  const plan = await s.plans.byDigest(row.digest);
  const [view, rows, chain] = await Promise.all([presentIncident(db, reader, row.state, plan), eventsRepository.ofStream(db, 'incident', id), eventsRepository.head(db)]);
  const events = rows.map((r) => ({
    event: { ...(JSON.parse(r.data) as object), type: r.type, at: Number(r.at) } as IncidentEvent,
    role: r.actor_role,
    onBehalf: r.on_behalf === 1,
  }));
  const src: IncidentReportSource = { plan, state: row.state, events, view, secrets: withheldMatters(reader, plan, [row.state]), zone: { timeZone: plan.org.timezone }, printedAt: s.clock(), chain, drill: null };
  return printDocument(incidentReport(src), incidentReportName(src), `incident-report-${id}`);
}

/**
 * The report of a saved drill: its scenario run again on its plan (runs are pure and seeded, so
 * this is the run that was saved), marked 演练 on every page. Nothing of it is recorded.
 */
export async function printDrill(s: Services, reader: Reader, id: string): Promise<Printed> {
  const row = await drillsRepository.report(s.store.db, id);
  if (!row) throw notFound(`drill report ${id}`);
  const plan = await s.plans.byDigest(row.plan_digest);
  const parsed = parseScenario(row.scenario_file, row.source, plan);
  if (!parsed.ok) throw new ApiError('invalid_scenario', refusal('drill.errors', { n: parsed.errors.length }));
  const run = runDrill(parsed.scenario, plan);
  const state = run.state;
  if (!state) throw new ApiError('conflict', refusal('rejection.no_incident'));
  const t = (ms: number) => formatInstant(ms, parsed.scenario.offset);
  // Drill cases are rehearsals: they are named to nobody.
  const view = incidentFor(reader, plan, { id: state.id, ...incidentView(state, t) }, new Map());
  const src: IncidentReportSource = {
    plan,
    state,
    events: run.events.map((event) => ({ event, role: null, onBehalf: false })),
    view,
    secrets: withheldMatters(reader, plan, [state]),
    zone: { offset: parsed.scenario.offset },
    printedAt: s.clock(),
    chain: null,
    drill: { title: parsed.scenario.title.zh, file: row.scenario_file },
  };
  return printDocument(incidentReport(src), incidentReportName(src), `drill-report-${row.id.slice(0, 8)}`);
}

/** The file names of an attachment: ASCII for old clients, the Chinese name as RFC 5987 `filename*`. */
export function contentDisposition(name: string, ascii: string): string {
  return `attachment; filename="${ascii.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const TYPES = { docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pdf: 'application/pdf' } as const;

/** Sends a document as DOCX, or as PDF converted from the same DOCX (`pdf_unavailable` without LibreOffice). */
export async function sendDocument(reply: FastifyReply, doc: Printed, format: 'docx' | 'pdf'): Promise<Buffer> {
  const bytes = format === 'docx' ? doc.docx : await docxToPdf(doc.docx, JSON.stringify(doc.content));
  reply.header('content-type', TYPES[format]).header('content-disposition', contentDisposition(`${doc.name}.${format}`, `${doc.ascii}.${format}`)).header('cache-control', 'no-store');
  return bytes;
}

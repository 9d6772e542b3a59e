import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommandSchema, IncidentListQuery, ReportBody, type Command } from '../../api/incidents.js';
import { incidentCursor, incidentsRepository, type IncidentKey } from '../../store/incidents.repository.js';
import { mayIssue, type Principal } from '../auth/permissions.js';
import { presentIncident, presentIncidents, principal, type PresentedIncident, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';
import { printIncident, sendDocument } from '../reports/documents/print.js';
import type { IncidentStream } from '../streams.js';
import { CommandHeaders, commandHeaders, runCommand, type CommandRoute } from './stream.command.js';
import { requireStoredSitePlan } from './site-plans.routes.js';

/** Incidents per page of `GET /api/incidents` unless the reader asks for another number. */
const LIST_PAGE = 500;

/** The place an `after` cursor names, or a 400 for anything that is not one. */
export function readCursor(after: string): IncidentKey {
  const key = incidentCursor.read(after);
  if (!key) throw new ApiError('bad_request', 'after: not a cursor this list gave');
  return key;
}

/** The body of POST /api/incidents: a `report` command (`do` may be left out). */
const IdParams = z.object({ id: z.string().min(1).max(100) });

/** Incidents: report, issue commands, read. Routes stay thin: validate → authorize → command → present. */
export function incidentRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Commands on incidents: a refusal shows the incident as it stands. */
  const incidents = (p: Principal): CommandRoute<IncidentStream, PresentedIncident> => ({
    what: 'incident',
    permit: (command, state, plan) => mayIssue(p, command, plan, state),
    refusal: (rejection) => refusal(`rejection.${rejection.code}`),
    rejected: async (state, plan) => ({ incident: state ? await presentIncident(s.store.db, p, state, plan) : null }),
    present: (state, plan) => presentIncident(s.store.db, p, state, plan),
  });

  r.post('/api/incidents', { schema: { body: ReportBody, headers: CommandHeaders, tags: ['incidents'], summary: 'Report an incident (a `report` command)' } }, async (req, reply) => {
    const p = principal(req);
    const sent = commandHeaders(req, s.clock());
    const command = { ...req.body, do: 'report' } as Command;
    if (command.do === 'report') {
      const plan = await s.plans.current();
      if (!plan.venues.has(command.venue)) throw new ApiError('bad_request', refusal('input.unknown_venue', { id: command.venue }));
      const unknown = command.units.find((u) => !plan.units.has(u));
      if (unknown) throw new ApiError('bad_request', refusal('input.unknown_unit', { id: unknown }));
      await requireStoredSitePlan(s, command);
    }
    const view = await runCommand(s.processor, incidents(p), p, null, command, undefined, { ...sent, reply });
    reply.code(201);
    return view;
  });

  r.post(
    '/api/incidents/:id/commands',
    { schema: { params: IdParams, body: CommandSchema, headers: CommandHeaders, tags: ['incidents'], summary: 'Issue one command; 409 with the reason when the rules refuse it' } },
    async (req, reply) => {
      const p = principal(req);
      const sent = commandHeaders(req, s.clock());
      const command = req.body as Command;
      if (command.do === 'report') throw new ApiError('bad_request', refusal('input.use_report'));
      if (command.do === 'attach') throw new ApiError('bad_request', refusal('input.use_attachments'));
      if (command.do === 'place') await requireStoredSitePlan(s, command);
      return runCommand(s.processor, incidents(p), p, req.params.id, command, undefined, { ...sent, reply });
    },
  );

  r.get(
    '/api/incidents',
    {
      schema: {
        querystring: IncidentListQuery,
        tags: ['incidents'],
        summary: 'Incidents, newest first, a page at a time',
        description:
          'An array of incident views, `limit` (500 unless given, 1,000 at most) at a time. When more follow, the answer names the next page in ' +
          'its `X-Next-Cursor` header (pass it as `after`) and in `Link: <…>; rel="next"`; without them this is the last page.',
      },
      config: { read: 'incident' },
    },
    async (req, reply) => {
      const p = principal(req);
      const { status, limit = LIST_PAGE, after } = req.query;
      const page = await incidentsRepository.page(s.store.db, { statuses: status ? [status] : undefined, after: after === undefined ? null : readCursor(after), limit });
      if (page.next) {
        const next = incidentCursor.write(page.next);
        const query = new URLSearchParams({ ...(status ? { status } : {}), limit: String(limit), after: next });
        reply.header('x-next-cursor', next).header('link', `</api/incidents?${query}>; rel="next"`);
      }
      return presentIncidents(s.store.db, p, await Promise.all(page.rows.map(async ({ state, digest }) => ({ state, plan: await s.plans.byDigest(digest) }))));
    },
  );

  r.get('/api/incidents/:id', { schema: { params: IdParams, tags: ['incidents'], summary: 'One incident' }, config: { read: 'incident' } }, async (req) => {
    const p = principal(req);
    const row = await incidentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`incident ${req.params.id}`);
    return presentIncident(s.store.db, p, row.state, await s.plans.byDigest(row.digest));
  });

  for (const format of ['docx', 'pdf'] as const) {
    r.get(
      `/api/incidents/:id/report.${format}`,
      {
        schema: {
          params: IdParams,
          tags: ['incidents'],
          summary: `The incident report (事件处置报告) as ${format.toUpperCase()}, in the official document layout, once the incident is cleared or closed`,
          ...(format === 'pdf' ? { description: 'Converted from the DOCX with LibreOffice; 503 `pdf_unavailable` on a server without it.' } : {}),
        },
        config: { read: 'incident' },
      },
      async (req, reply) => sendDocument(reply, await printIncident(s, principal(req), req.params.id), format),
    );
  }
}

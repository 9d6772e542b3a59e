import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommandSchema, IncidentListQuery, ReportBody, type Command } from '../../api/incidents.js';
import { incidentsRepository } from '../../store/incidents.repository.js';
import { mayIssue, type Principal } from '../auth/permissions.js';
import { presentIncident, presentIncidents, principal, type PresentedIncident, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';
import type { IncidentStream } from '../streams.js';
import { runCommand, type CommandRoute } from './stream.command.js';

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

  r.post('/api/incidents', { schema: { body: ReportBody, tags: ['incidents'], summary: 'Report an incident (a `report` command)' } }, async (req, reply) => {
    const p = principal(req);
    const command = { ...req.body, do: 'report' } as Command;
    if (command.do === 'report') {
      const plan = await s.plans.current();
      if (!plan.venues.has(command.venue)) throw new ApiError('bad_request', refusal('input.unknown_venue', { id: command.venue }));
      const unknown = command.units.find((u) => !plan.units.has(u));
      if (unknown) throw new ApiError('bad_request', refusal('input.unknown_unit', { id: unknown }));
    }
    const view = await runCommand(s.processor, incidents(p), p, null, command);
    reply.code(201);
    return view;
  });

  r.post(
    '/api/incidents/:id/commands',
    { schema: { params: IdParams, body: CommandSchema, tags: ['incidents'], summary: 'Issue one command; 409 with the reason when the rules refuse it' } },
    async (req) => {
      const p = principal(req);
      const command = req.body as Command;
      if (command.do === 'report') throw new ApiError('bad_request', refusal('input.use_report'));
      if (command.do === 'attach') throw new ApiError('bad_request', refusal('input.use_attachments'));
      return runCommand(s.processor, incidents(p), p, req.params.id, command);
    },
  );

  r.get(
    '/api/incidents',
    { schema: { querystring: IncidentListQuery, tags: ['incidents'], summary: 'Incidents, newest first' }, config: { read: 'incident' } },
    async (req) => {
      const p = principal(req);
      const states = await incidentsRepository.list(s.store.db, req.query);
      return presentIncidents(s.store.db, p, await Promise.all(states.map(async (state) => ({ state, plan: await s.plans.byDigest(state.plan.digest) }))));
    },
  );

  r.get('/api/incidents/:id', { schema: { params: IdParams, tags: ['incidents'], summary: 'One incident' }, config: { read: 'incident' } }, async (req) => {
    const p = principal(req);
    const row = await incidentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`incident ${req.params.id}`);
    return presentIncident(s.store.db, p, row.state, await s.plans.byDigest(row.digest));
  });
}

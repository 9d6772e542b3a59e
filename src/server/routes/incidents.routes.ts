import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMAND_SHAPES, CommandSchema, type Command } from '../../engine/commands.js';
import { incidentsRepository } from '../../store/incidents.repository.js';
import { mayIssue, type Reader } from '../auth/permissions.js';
import type { Actor, Outcome } from '../command.processor.js';
import { presentIncident, presentIncidents, principal, type Services } from '../context.js';
import { refusal, type Refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';

/** The body of POST /api/incidents: a `report` command (`do` may be left out). */
const ReportBody = z.strictObject({ do: z.literal('report').optional(), ...COMMAND_SHAPES.report });
const IdParams = z.object({ id: z.string().min(1).max(100) });

/** Incidents: report, issue commands, read. Routes stay thin: validate → authorize → command → present. */
export function incidentRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const run = async (p: ReturnType<typeof principal>, incidentId: string | null, command: Command) =>
    s.processor.submit(incidentId, command, (state, plan): Actor | { forbidden: Refusal } => {
      const permission = mayIssue(p, command, plan, state);
      if (!permission.ok) return { forbidden: permission.reason };
      return { userId: p.userId, username: p.username, role: permission.role, onBehalf: permission.onBehalf };
    });

  const answer = async (p: Reader, outcome: Outcome) => {
    if (outcome.kind === 'not_found') throw notFound('incident');
    if (outcome.kind === 'forbidden') throw new ApiError('forbidden', outcome.reason);
    if (outcome.kind === 'rejected') {
      throw new ApiError('rejected', refusal(`rejection.${outcome.rejection.code}`), {
        reason: outcome.rejection.code,
        incident: outcome.state ? await presentIncident(s.store.db, p, outcome.state, outcome.plan) : null,
      });
    }
    return presentIncident(s.store.db, p, outcome.state, outcome.plan);
  };

  r.post('/api/incidents', { schema: { body: ReportBody, tags: ['incidents'], summary: 'Report an incident (a `report` command)' } }, async (req, reply) => {
    const p = principal(req);
    const command = { ...req.body, do: 'report' } as Command;
    if (command.do === 'report') {
      const plan = await s.plans.current();
      if (!plan.venues.has(command.venue)) throw new ApiError('bad_request', refusal('input.unknown_venue', { id: command.venue }));
      const unknown = command.units.find((u) => !plan.units.has(u));
      if (unknown) throw new ApiError('bad_request', refusal('input.unknown_unit', { id: unknown }));
    }
    const view = await answer(p, await run(p, null, command));
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
      return answer(p, await run(p, req.params.id, command));
    },
  );

  r.get(
    '/api/incidents',
    { schema: { querystring: z.object({ status: z.enum(['open', 'cleared', 'closed']).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), tags: ['incidents'], summary: 'Incidents, newest first' }, config: { read: 'incident' } },
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

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMMAND_NAMES, type Command } from '../../engine/commands.js';
import type { IncidentState } from '../../engine/incident.state.js';
import type { Plan } from '../../plan/plan.js';
import { eventsRepository } from '../../store/events.repository.js';
import { incidentsRepository } from '../../store/incidents.repository.js';
import { mayIssue, type Principal } from '../auth/permissions.js';
import { countyTime, presentEvent, presentIncident, principal, type Services } from '../context.js';
import { notFound } from '../errors.js';

/**
 * What the signed-in user may do on an incident right now: the commands they may issue, and
 * for role-bound commands the roles they may act for. Used by the UI to offer only what
 * will be accepted by permissions (the engine may still refuse by the rules).
 */
export function allowedFor(p: Principal, state: IncidentState, plan: Plan) {
  const commands: string[] = [];
  const roles: Record<'ack' | 'arrive' | 'leave', string[]> = { ack: [], arrive: [], leave: [] };
  for (const name of COMMAND_NAMES) {
    if (name === 'report') continue;
    if (name === 'ack' || name === 'arrive' || name === 'leave') {
      for (const s of state.summons) {
        const pending = name === 'ack' ? s.ackedAt === null && s.arrivedAt === null : name === 'arrive' ? s.arrivedAt === null : s.arrivedAt !== null && s.leftAt === null;
        if (pending && mayIssue(p, { do: name, role: s.role }, plan, state).ok) roles[name].push(s.role);
      }
      if (roles[name].length) commands.push(name);
      continue;
    }
    const probe = { do: name, id: 'x', by: p.roles[0] ?? 'x/x', role: 'x/x' } as unknown as Command;
    if (mayIssue(p, probe, plan, state).ok) commands.push(name);
  }
  const approveAs = p.roles.filter((r) => plan.approvers.has(r));
  return { commands, roles, approve_as: approveAs };
}

/** Views for people at work: an incident's timeline, my summons, measures awaiting approval. */
export function workRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const Id = z.object({ id: z.string().min(1).max(100) });

  r.get('/api/incidents/:id/events', { schema: { params: Id, tags: ['incidents'], summary: "An incident's events in order: its timeline" } }, async (req) => {
    principal(req);
    const row = await incidentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`incident ${req.params.id}`);
    const t = countyTime(await s.plans.byDigest(row.digest));
    return (await eventsRepository.ofIncident(s.store.db, req.params.id)).map((e) => presentEvent(e, t));
  });

  r.get('/api/incidents/:id/allowed', { schema: { params: Id, tags: ['incidents'], summary: 'What the signed-in user may do on this incident now' } }, async (req) => {
    const p = principal(req);
    const row = await incidentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`incident ${req.params.id}`);
    return allowedFor(p, row.state, await s.plans.byDigest(row.digest));
  });

  r.get('/api/my/summons', { schema: { tags: ['work'], summary: 'Summons of the roles I hold, on incidents not closed, nearest deadline first' } }, async (req) => {
    const p = principal(req);
    const out = [];
    for (const state of await incidentsRepository.list(s.store.db, { limit: 1000 })) {
      if (state.status === 'closed' && state.summons.every((x) => x.arrivedAt !== null || x.status === 'missed')) continue;
      const plan = await s.plans.byDigest(state.plan.digest);
      const view = presentIncident(state, plan);
      for (const summons of view.summons) {
        if (!p.roles.includes(summons.role)) continue;
        out.push({ incident: view.incident, summons, lingering: state.lingering, responsible: state.units.some((u) => summons.role === `${u}/${plan.summonPosition}`) });
      }
    }
    return out.sort((a, b) => Date.parse(a.summons.deadline) - Date.parse(b.summons.deadline));
  });

  r.get('/api/approvals', { schema: { tags: ['work'], summary: 'Major measures awaiting a decision, and measures taken without approval' } }, async (req) => {
    const p = principal(req);
    const out = [];
    for (const state of await incidentsRepository.list(s.store.db, { limit: 1000 })) {
      const plan = await s.plans.byDigest(state.plan.digest);
      const view = presentIncident(state, plan);
      for (const m of view.measures) {
        if (!m.major || m.approved_at !== null || m.declined_at !== null) continue;
        out.push({ incident: view.incident, measure: m, approve_as: p.roles.filter((r) => plan.approvers.has(r)) });
      }
    }
    return out;
  });
}

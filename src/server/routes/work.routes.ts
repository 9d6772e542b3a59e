import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Allowed } from '../../api/incidents.js';
import { ApprovalsQuery } from '../../api/work.js';
import type { Command } from '../../engine/incident/commands.js';
import { decide } from '../../engine/incident/decider.js';
import type { IncidentState } from '../../engine/incident/state.js';
import type { Plan } from '../../plan/plan.js';
import { casesRepository } from '../../store/cases.repository.js';
import { eventsRepository } from '../../store/events.repository.js';
import { incidentsRepository } from '../../store/incidents.repository.js';
import { mayIssue, type Principal } from '../auth/permissions.js';
import { presentEvents, presentIncident, principal, type Services } from '../context.js';
import { notFound } from '../errors.js';

/**
 * What the signed-in user may do on an incident right now: commands that their roles permit
 * and the plan's rules accept in the incident's present state (asked of the engine itself),
 * the roles they may acknowledge, check in or check out for, and the measures they may take
 * or decide on. Check-out stays offered while it is refused, so its reason can be shown.
 */
export function allowedFor(p: Principal, state: IncidentState, plan: Plan, now: number): Allowed {
  const ctx = { plan, now, newId: () => 'probe' };
  const ok = (c: Command) => mayIssue(p, c, plan, state).ok && decide(state, c, ctx).ok;
  const probes: Command[] = [
    { do: 'headcount', value: state.headcount },
    { do: 'behavior', kind: 'lingering' },
    { do: 'guide', result: 'failed' },
    { do: 'persuade', result: 'failed' },
    { do: 'escalate' },
    { do: 'note', text: 'probe' },
    { do: 'attach', attachment: 'probe', sha256: '0'.repeat(64), name: 'probe', media_type: 'image/jpeg', size: 0 },
    { do: 'place', site_plan: '0'.repeat(64), marks: [] },
    { do: 'mark_major' },
    { do: 'mark_concluded' },
    { do: 'request_measure', id: `probe-${state.measures.length}`, kind: 'warning', basis: 'probe' },
    { do: 'clear' },
    { do: 'close' },
  ];
  const commands = probes.filter(ok).map((c) => c.do as string);
  const roles: Record<'ack' | 'arrive' | 'leave', string[]> = { ack: [], arrive: [], leave: [] };
  for (const s of state.summons) {
    if (ok({ do: 'ack', role: s.role })) roles.ack.push(s.role);
    if (ok({ do: 'arrive', role: s.role })) roles.arrive.push(s.role);
    if (s.arrivedAt !== null && s.leftAt === null && mayIssue(p, { do: 'leave', role: s.role }, plan, state).ok) roles.leave.push(s.role);
  }
  for (const kind of ['ack', 'arrive', 'leave'] as const) if (roles[kind].length) commands.push(kind);
  const approveAs = p.roles.filter((r) => plan.approvers.has(r));
  const measures = {
    take: state.measures.filter((m) => ok({ do: 'take_measure', id: m.id })).map((m) => m.id),
    // Declined by a county leader: not a normal action; taking it anyway needs a reason and is flagged.
    take_anyway: state.measures.filter((m) => m.declinedAt !== null && ok({ do: 'take_measure', id: m.id, reason: 'probe' })).map((m) => m.id),
    approve: approveAs.length ? state.measures.filter((m) => m.major && ok({ do: 'approve_measure', id: m.id, by: approveAs[0]! })).map((m) => m.id) : [],
    decline: approveAs.length ? state.measures.filter((m) => m.major && ok({ do: 'decline_measure', id: m.id, by: approveAs[0]!, reason: 'probe' })).map((m) => m.id) : [],
  };
  return { commands, roles, approve_as: approveAs, measures };
}

/** The behaviours seen on site, for a leader deciding on a measure. */
function notesOf(state: IncidentState): string[] {
  return [...new Set(state.behaviors.map((b) => b.kind))];
}

/** Who issued a measure's event, from the event's actor: the user and the role they acted in. */
type Actor = { user: string; role: string | null; on_behalf: boolean } | null;

/** A major measure's record, for the approvals history: who asked, who decided and when, whether it was taken and how. */
function measureHistory(events: readonly Record<string, unknown>[], id: string) {
  const of = (type: string) => events.filter((e) => e.type === type && e.id === id).at(-1);
  const actor = (e: Record<string, unknown> | undefined) => (e?.actor as Actor | undefined) ?? null;
  const requested = of('measure_requested');
  const approved = of('measure_approved');
  const declined = of('measure_declined');
  const taken = of('measure_taken');
  const decided = approved ?? declined;
  return {
    requested: requested ? { at: requested.at as string, actor: actor(requested) } : null,
    decision: decided
      ? {
          result: decided.type === 'measure_approved' ? ('approved' as const) : ('declined' as const),
          at: decided.at as string,
          by: decided.by as string,
          actor: actor(decided),
          after_the_fact: decided.after_the_fact === true,
          reason: typeof decided.reason === 'string' ? decided.reason : null,
        }
      : null,
    taken: taken ? { at: taken.at as string, actor: actor(taken), flagged: taken.flagged === true, reason: typeof taken.reason === 'string' ? taken.reason : null } : null,
  };
}

/** Views for people at work: an incident's timeline, my summons, measures awaiting approval and their history. */
export function workRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const Id = z.object({ id: z.string().min(1).max(100) });

  r.get('/api/incidents/:id/events', { schema: { params: Id, tags: ['incidents'], summary: "An incident's events in order: its timeline" }, config: { read: 'incident' } }, async (req) => {
    const p = principal(req);
    const row = await incidentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`incident ${req.params.id}`);
    const cases = await casesRepository.many(s.store.db, row.state.cases.map((c) => c.id));
    const forwardedTo = [...cases.values()].flatMap((c) => c.forwards.map((f) => f.to));
    return presentEvents(p, await s.plans.byDigest(row.digest), await eventsRepository.ofStream(s.store.db, 'incident', req.params.id), { forwardedTo });
  });

  r.get('/api/incidents/:id/allowed', { schema: { params: Id, tags: ['incidents'], summary: 'What the signed-in user may do on this incident now' }, config: { read: 'incident' } }, async (req) => {
    const p = principal(req);
    const row = await incidentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`incident ${req.params.id}`);
    return allowedFor(p, row.state, await s.plans.byDigest(row.digest), s.clock());
  });

  r.get('/api/my/summons', { schema: { tags: ['work'], summary: 'Summons of the roles I hold, on incidents not closed, nearest deadline first' }, config: { read: 'incident' } }, async (req) => {
    const p = principal(req);
    const out = [];
    for await (const { state } of incidentsRepository.each(s.store.db)) {
      if (state.status === 'closed' && state.summons.every((x) => x.arrivedAt !== null || x.status === 'missed' || x.status === 'stood_down')) continue;
      if (!state.summons.some((x) => p.roles.includes(x.role))) continue;
      const plan = await s.plans.byDigest(state.plan.digest);
      const view = await presentIncident(s.store.db, p, state, plan);
      for (const summons of view.summons) {
        if (!p.roles.includes(summons.role)) continue;
        out.push({ incident: view.incident, summons, lingering: state.lingering, responsible: state.units.some((u) => summons.role === `${u}/${plan.summonPosition}`) });
      }
    }
    return out.sort((a, b) => Date.parse(a.summons.deadline) - Date.parse(b.summons.deadline));
  });

  r.get(
    '/api/approvals',
    { schema: { querystring: ApprovalsQuery, tags: ['work'], summary: 'Major measures awaiting a decision (state=pending), or the history of decided ones and of measures taken without prior approval (state=decided)' }, config: { read: 'incident' } },
    async (req) => {
      const p = principal(req);
      if (req.query.state === 'decided') return approvalsHistory(p);
      const out = [];
      for await (const { state } of incidentsRepository.each(s.store.db)) {
        if (!state.measures.some((m) => m.major && m.approvedAt === null && m.declinedAt === null)) continue;
        const plan = await s.plans.byDigest(state.plan.digest);
        const view = await presentIncident(s.store.db, p, state, plan);
        for (const m of view.measures) {
          if (!m.major || m.approved_at !== null || m.declined_at !== null) continue;
          out.push({ incident: view.incident, measure: m, evidence: view.evidence, notes: notesOf(state), approve_as: p.roles.filter((r) => plan.approvers.has(r)) });
        }
      }
      return out;
    },
  );

  /**
   * Decided major measures and measures taken without prior approval, the latest first: the
   * incident as the reader may see it, the measure and its basis, who asked for it (the user and
   * role of the request), who decided and when (with the reason of a refusal), and whether and
   * how it was taken. Everything through the visibility policy (presentIncident, presentEvents).
   */
  async function approvalsHistory(p: Principal) {
    const out = [];
    for await (const { state } of incidentsRepository.each(s.store.db)) {
      const shown = state.measures.filter((m) => (m.major && (m.approvedAt !== null || m.declinedAt !== null)) || m.takenWithoutApproval);
      if (!shown.length) continue;
      const plan = await s.plans.byDigest(state.plan.digest);
      const view = await presentIncident(s.store.db, p, state, plan);
      const events = presentEvents(p, plan, await eventsRepository.ofStream(s.store.db, 'incident', state.id)) as Record<string, unknown>[];
      for (const m of view.measures) {
        if (!shown.some((x) => x.id === m.id)) continue;
        const history = measureHistory(events, m.id);
        out.push({ incident: view.incident, measure: m, ...history, last: history.decision?.at ?? history.taken?.at ?? m.requested_at });
      }
    }
    return out.sort((a, b) => Date.parse(b.last) - Date.parse(a.last)).map(({ last: _last, ...item }) => item);
  }
}

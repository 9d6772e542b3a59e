import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RiskCommand, RiskListQuery, RiskReport } from '../../api/risks.js';
import { countyTime, dayIn } from '../../engine/county-time.js';
import { decideRisk } from '../../engine/risk/decider.js';
import type { RiskState } from '../../engine/risk/state.js';
import { riskAlerts, riskView } from '../../engine/risk/view.js';
import type { Plan } from '../../plan/plan.js';
import { roleName, unitName, unitOf } from '../../plan/plan.js';
import { eventsRepository } from '../../store/events.repository.js';
import { risksRepository } from '../../store/risks.repository.js';
import { maySeeRisk, mayIssueRisk, oversees, usesRegister } from '../auth/risk.access.js';
import type { Principal } from '../auth/permissions.js';
import { presentEvents, principal, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';
import type { RiskStream } from '../streams.js';
import { runCommand, type CommandRoute } from './stream.command.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });

/** A matter of the register as the API shows it, with the names of its unit and leader. */
export function presentRisk(st: RiskState, plan: Plan) {
  return {
    ...riskView(st, countyTime(plan)),
    unit_name: { zh: unitName(plan, st.unit, 'zh'), en: unitName(plan, st.unit, 'en') },
    leader_name: st.leader && { zh: roleName(plan, st.leader, 'zh'), en: roleName(plan, st.leader, 'en') },
  };
}

/** Commands the principal may issue on the matter now, asked of the access rules and the risk engine. */
function allowedCommands(p: Principal, st: RiskState, plan: Plan, now: number): string[] {
  const ctx = { plan, now, newId: () => 'probe' };
  const today = dayIn(now, plan.org.timezone);
  const otherRole = [...plan.roles].find((r) => r !== st.leader) ?? 'probe/probe';
  const probes: RiskCommand[] = [
    { do: 'assign_leader', leader: otherRole },
    { do: 'record_action', text: 'probe' },
    { do: 'set_review', on: today },
    { do: 'complete_review', note: 'probe' },
    { do: 'change_level', level: st.level === 'high' ? 'low' : 'high', reason: 'probe' },
    { do: 'estimate', affected: st.affected },
    { do: 'mark_resolving' },
    { do: 'mark_resolved', note: 'probe' },
    { do: 'raise_sign', text: 'probe' },
    { do: 'handle_sign', done: 'probe' },
  ];
  return probes.filter((c) => mayIssueRisk(p, c, st, plan).ok && decideRisk(st, c, ctx).ok).map((c) => c.do);
}

/**
 * The early-warning register (§6): the list (filters: status, level, unit), reporting a matter or
 * a sign of a coming petition, one matter with its timeline and the actions open to the user,
 * commands, and the alerts the board shows (open signs, overdue reviews).
 */
export function riskRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Commands on matters of the register. */
  const matters = (p: Principal): CommandRoute<RiskStream, ReturnType<typeof presentRisk>> => ({
    what: 'matter',
    permit: (command, st, plan) => mayIssueRisk(p, command, st, plan),
    refusal: (rejection) => refusal(`risk.rejection.${rejection.code}`),
    present: presentRisk,
  });

  /**
   * Loads a matter the principal may see, with the plan it runs under (the current one for a
   * matter entered before plans were pinned): 404 when there is none, 403 when it is another unit's.
   */
  const load = async (p: Principal, id: string) => {
    const row = await risksRepository.pinned(s.store.db, id);
    if (!row) throw notFound('matter');
    const st = row.state;
    const plan = row.digest === null ? await s.plans.current() : await s.plans.byDigest(row.digest);
    if (!maySeeRisk(p, st, plan)) throw new ApiError('forbidden', refusal('forbidden.risk.other_unit'));
    return { st, plan };
  };

  r.get(
    '/api/risks',
    { config: { read: 'risk' }, schema: { querystring: RiskListQuery, tags: ['risks'], summary: 'The early-warning register: highest level first, then the nearest review' } },
    async (req) => {
      const p = principal(req);
      const plan = await s.plans.current();
      const { status, level, unit } = req.query;
      let states: RiskState[];
      if (oversees(p, plan)) states = await risksRepository.list(s.store.db, { status, level, units: unit ? [unit] : undefined });
      else {
        // A unit sees its own matters; a leader also those it was assigned.
        const own = [...new Set(p.roles.map(unitOf))];
        states = await risksRepository.list(s.store.db, { status, level, units: own, leaders: p.roles });
        if (!usesRegister(p, plan) && !states.some((st) => st.leader !== null && p.roles.includes(st.leader))) {
          throw new ApiError('forbidden', refusal('forbidden.risk.register', { clause: plan.file.early_warning.clause }));
        }
        if (unit) states = states.filter((st) => st.unit === unit);
      }
      return states.map((st) => presentRisk(st, plan));
    },
  );

  r.get(
    '/api/risks/alerts',
    { config: { read: 'risk' }, schema: { tags: ['risks'], summary: 'Open signs of a coming petition and overdue reviews the user may see, for the board' } },
    async (req) => {
      const p = principal(req);
      const plan = await s.plans.current();
      const t = countyTime(plan);
      const alerts = (await risksRepository.alerting(s.store.db)).filter((st) => maySeeRisk(p, st, plan)).flatMap((st) => riskAlerts(st, t));
      return {
        signs: alerts.filter((a) => a.kind === 'sign'),
        overdue: alerts.filter((a) => a.kind === 'review_overdue'),
        can_handle: oversees(p, plan),
      };
    },
  );

  r.post('/api/risks', { schema: { body: RiskReport, tags: ['risks'], summary: 'Report a matter of your area, or a sign of a coming petition (kind: sign)' } }, async (req, reply) => {
    const p = principal(req);
    const view = await runCommand(s.risks, matters(p), p, null, { ...req.body, do: 'report' } as RiskCommand);
    reply.code(201);
    return view;
  });

  r.get('/api/risks/:id', { schema: { params: IdParams, tags: ['risks'], summary: 'One matter, its timeline and the actions open to the user' }, config: { read: 'risk' } }, async (req) => {
    const p = principal(req);
    const { st, plan } = await load(p, req.params.id);
    const events = await eventsRepository.ofStream(s.store.db, 'risk', st.id);
    return {
      ...presentRisk(st, plan),
      allowed: allowedCommands(p, st, plan, s.clock()),
      events: presentEvents(p, plan, events, { risk: st }),
    };
  });

  r.post(
    '/api/risks/:id/commands',
    { schema: { params: IdParams, body: RiskCommand, tags: ['risks'], summary: 'Issue one command on a matter; 409 with the reason when the rules refuse it' } },
    async (req) => {
      const p = principal(req);
      const command = req.body as RiskCommand;
      if (command.do === 'report') throw new ApiError('bad_request', refusal('input.use_risk_report'));
      await load(p, req.params.id);
      return runCommand(s.risks, matters(p), p, req.params.id, command);
    },
  );
}

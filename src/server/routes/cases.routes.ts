import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CaseCommand, RegisterBody } from '../../api/cases.js';
import { decideCase, headOf } from '../../engine/case/decider.js';
import type { CaseState } from '../../engine/case/state.js';
import { caseView } from '../../engine/case/view.js';
import { countyTime } from '../../engine/county-time.js';
import type { Plan } from '../../plan/plan.js';
import { handlerName } from '../../i18n/describe.js';
import { casesRepository } from '../../store/cases.repository.js';
import { eventsRepository } from '../../store/events.repository.js';
import { actingRole, isHandler, mayIssueCase, maySee } from '../auth/case.access.js';
import type { Principal, Reader } from '../auth/permissions.js';
import { caseFor } from '../auth/visibility.js';
import { presentEvents, principal, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';
import { readPersonal, type CaseStream } from '../streams.js';
import { runCommand, type CommandRoute } from './stream.command.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });
/** A walk-in registration: the `register` command plus optional personal data (sealed at rest). */

/**
 * The case as the API shows it to a reader who may see it (the visibility policy): the tracking
 * code to its handlers, or to whoever has just registered it (to print for the petitioner).
 */
export function presentCase(reader: Reader, st: CaseState, plan: Plan, now: number, opts: { registered?: boolean } = {}) {
  return {
    ...caseFor(reader, plan, st, caseView(st, countyTime(plan), now), opts),
    handler_name: { zh: handlerName(plan, st.handler, 'zh'), en: handlerName(plan, st.handler, 'en') },
    /** Who approves an extension: the head of the handling unit (Art. 34). */
    head: headOf(plan, st.handler),
  };
}

/** Commands the principal may issue on the case now, asked of the permission layer and the case engine. */
function allowedCommands(p: Principal, st: CaseState, plan: Plan, now: number): string[] {
  const ctx = { plan, now, newId: () => 'probe' };
  const head = headOf(plan, st.handler);
  const probes: CaseCommand[] = [
    { do: 'accept' },
    { do: 'not_accept', reason: 'probe' },
    { do: 'forward', to: plan.file.follow_up.routes.find((r) => r.route === st.route)?.may_forward_to?.[0] ?? '__any__', reason: 'probe' },
    { do: 'object', reason: 'probe' },
    { do: 'extend', days: 1, reason: 'probe', approved_by: head },
    { do: 'schedule_reception', on: 'probe', place: 'probe', units: [] },
    { do: 'record_reception', summary: 'probe' },
    { do: 'hand_over', note: 'probe' },
    { do: 'opinion', kind: 'explains', text: 'probe' },
    { do: 'reply' },
    { do: 'request_review' },
    { do: 'decide_review', result: 'upheld', text: 'probe' },
  ];
  return probes
    .filter((c) => {
      if (c.do === 'forward' && c.to === '__any__') {
        // Any other unit will do for the probe: forwarding is offered while the case awaits acceptance.
        const other = [...plan.units.keys()].find((u) => u !== st.handler && !st.units.includes(u));
        if (!other) return false;
        c = { ...c, to: other };
      }
      if (c.do === 'extend' && !(p.admin || p.roles.includes(head))) return false;
      return mayIssueCase(p, c, st, plan).ok && decideCase(st, c, ctx).ok;
    })
    .map((c) => c.do);
}

/**
 * Follow-up cases (§4.2): walk-in registration, the work list, one case with its timeline and
 * the actions open to the user, commands, and the audited read of personal data.
 */
export function caseRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Commands on cases, acting in the principal's role on the case; `registered` shows the new tracking code. */
  const cases = (p: Principal, opts: { registered?: boolean } = {}): CommandRoute<CaseStream, ReturnType<typeof presentCase>> => ({
    what: 'case',
    permit: (command, st, plan) => {
      const ok = mayIssueCase(p, command, st, plan);
      return ok.ok ? { ok: true, role: actingRole(p, st) } : ok;
    },
    refusal: (rejection) => refusal(`case.rejection.${rejection.code}`),
    present: (st, plan) => presentCase(p, st, plan, s.clock(), opts),
  });

  /** Loads a case the principal may see; an invisible case is "not found", so its existence does not leak. */
  const load = async (p: Principal, id: string) => {
    const st = await casesRepository.get(s.store.db, id);
    const plan = st && (await s.plans.byDigest(st.plan.digest));
    if (!st || !plan || !maySee(p, st, plan)) throw notFound('case');
    return { st, plan };
  };

  r.get(
    '/api/cases',
    {
      schema: {
        querystring: z.object({ scope: z.enum(['mine', 'all']).default('mine'), open: z.enum(['1', '0']).default('1') }),
        tags: ['cases'],
        summary: 'The work list: cases the user handles (or may see), nearest deadline first',
      },
      config: { read: 'case' },
    },
    async (req) => {
      const p = principal(req);
      const now = s.clock();
      const states = await casesRepository.list(s.store.db, { open: req.query.open === '1', limit: 2000 });
      const shown: ReturnType<typeof presentCase>[] = [];
      for (const st of states) {
        const plan = await s.plans.byDigest(st.plan.digest);
        if (req.query.scope === 'mine' ? isHandler(p, st) : maySee(p, st, plan)) shown.push(presentCase(p, st, plan, now));
        if (shown.length === 500) break;
      }
      return shown;
    },
  );

  r.post('/api/cases', { schema: { body: RegisterBody, tags: ['cases'], summary: 'Register a walk-in visit as a case' } }, async (req, reply) => {
    const p = principal(req);
    const { personal, ...rest } = req.body;
    const view = await runCommand(s.cases, cases(p, { registered: true }), p, null, { ...rest, do: 'register' } as CaseCommand, personal);
    reply.code(201);
    return view;
  });

  r.get('/api/cases/:id', { schema: { params: IdParams, tags: ['cases'], summary: 'One case, its timeline and the actions open to the user' }, config: { read: 'case' } }, async (req) => {
    const p = principal(req);
    const { st, plan } = await load(p, req.params.id);
    const events = await eventsRepository.ofStream(s.store.db, 'case', st.id);
    return {
      ...presentCase(p, st, plan, s.clock()),
      handler_of: isHandler(p, st),
      allowed: allowedCommands(p, st, plan, s.clock()),
      events: presentEvents(p, plan, events, { case: st }),
    };
  });

  r.post(
    '/api/cases/:id/commands',
    { schema: { params: IdParams, body: CaseCommand, tags: ['cases'], summary: 'Issue one case command; 409 with the reason when the rules refuse it' } },
    async (req) => {
      const p = principal(req);
      const command = req.body as CaseCommand;
      if (command.do === 'register') throw new ApiError('bad_request', refusal('input.use_register'));
      await load(p, req.params.id);
      return runCommand(s.cases, cases(p), p, req.params.id, command);
    },
  );

  r.get(
    '/api/cases/:id/personal',
    {
      schema: { params: IdParams, querystring: z.object({ purpose: z.string().trim().min(1).max(200).default('case handling') }), tags: ['cases'], summary: "The petitioner's name and phone, for the case's handlers; every read is recorded" },
      config: { read: 'case' },
    },
    async (req) => {
      const p = principal(req);
      const { st } = await load(p, req.params.id);
      if (!isHandler(p, st)) throw new ApiError('forbidden', refusal('forbidden.case.personal'));
      const data = await readPersonal(s.cases, st.id, { userId: p.userId, username: p.username, role: actingRole(p, st), onBehalf: false }, req.query.purpose);
      if (!data) throw new ApiError('not_found', refusal(st.personalErasedAt !== null ? 'case.personal_erased' : 'case.personal_none'), { erased: st.personalErasedAt !== null });
      return data;
    },
  );
}

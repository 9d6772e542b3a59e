import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PlanUpload, type PlanInfo } from '../../api/plans.js';
import { ShortId } from '../../engine/limits.js';
import { explainPlan } from '../../plan/plan.explain.js';
import { plansRepository } from '../../store/plans.repository.js';
import { principal, requireAdmin, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';

/**
 * Plans: the active plan; versions uploaded by administrators, validated (errors with line
 * and column), stored, and activated explicitly. New incidents run under the active version;
 * running incidents keep theirs.
 */
export function planRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/plan', { config: { read: 'organization' }, schema: { tags: ['plans'], summary: 'The active plan, with its organization and a readable summary' } }, async (req) => {
    principal(req);
    const plan = await s.plans.current();
    const active = await plansRepository.active(s.store.db);
    return {
      id: plan.id,
      version: plan.version,
      digest: plan.digest,
      version_id: active?.id ?? null,
      plan: plan.file,
      organization: plan.org,
      explain: { zh: explainPlan(plan, 'zh'), en: explainPlan(plan, 'en') },
    } satisfies PlanInfo;
  });

  r.get('/api/plans', { config: { read: 'organization' }, schema: { tags: ['plans'], summary: 'Stored plan versions, newest first' } }, async (req) => {
    principal(req);
    return (await plansRepository.list(s.store.db)).map((v) => ({ ...v, active: v.active === 1 }));
  });

  r.get('/api/plans/:id', { config: { read: 'organization' }, schema: { params: z.object({ id: ShortId }), tags: ['plans'], summary: 'One plan version with its source' } }, async (req) => {
    principal(req);
    const v = await plansRepository.get(s.store.db, req.params.id);
    if (!v) throw notFound(`plan version ${req.params.id}`);
    return { ...v, active: v.active === 1 };
  });

  r.post('/api/plans', { schema: { body: PlanUpload, tags: ['plans'], summary: 'Validate and store a new plan version (not yet active)' } }, async (req, reply) => {
    const p = requireAdmin(req);
    const name = req.body.name ?? 'plan.yaml';
    const result = await s.plans.validate(name, req.body.source);
    if (!result.ok) {
      throw new ApiError('invalid_plan', refusal('plan.errors', { n: result.errors.length }), { errors: result.errors });
    }
    const id = crypto.randomUUID();
    await plansRepository.insert(s.store.db, {
      id,
      plan_id: result.plan.id,
      version: result.plan.version,
      source: req.body.source,
      created_at: s.clock(),
      created_by: p.username,
    });
    reply.code(201);
    return { id, plan_id: result.plan.id, version: result.plan.version, digest: result.plan.digest, active: false };
  });

  r.post('/api/plans/:id/activate', { schema: { params: z.object({ id: ShortId }), tags: ['plans'], summary: 'Make a stored version the active plan' } }, async (req) => {
    requireAdmin(req);
    const v = await plansRepository.get(s.store.db, req.params.id);
    if (!v) throw notFound(`plan version ${req.params.id}`);
    const check = await s.plans.validate(`${v.plan_id} ${v.version}`, v.source);
    if (!check.ok) throw new ApiError('invalid_plan', refusal('plan.no_longer_fits'), { errors: check.errors });
    await s.store.db.transaction().execute((trx) => plansRepository.activate(trx, v.id, s.clock()));
    s.plans.invalidate();
    const plan = await s.plans.current();
    return { id: v.id, plan_id: plan.id, version: plan.version, digest: plan.digest, active: true };
  });
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FailureLimiter } from '../auth/limiter.js';
import { casesRepository } from '../../store/cases.repository.js';
import { handlerName } from '../../i18n/describe.js';
import { countyTime, type Services } from '../context.js';
import { ApiError } from '../errors.js';

/**
 * The petitioner's lookup by tracking code (查询码): public, no sign-in, no personal data.
 * Lookups are rate-limited per address; a wrong code reveals nothing.
 */
export function trackRoutes(app: FastifyInstance, s: Services): void {
  // Wrong codes are what guessing produces: 30 a minute from one address, then a pause.
  const limiter = new FailureLimiter(30, 60_000, s.clock);
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/track/:code', { schema: { params: z.object({ code: z.string().max(64) }), tags: ['track'], summary: "A case's public status by tracking code" } }, async (req, reply) => {
    const wait = limiter.retryAfter(req.ip);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      throw new ApiError('rate_limited', 'too many lookups; try again in a minute');
    }
    const code = req.params.code.trim().toUpperCase();
    const row = await casesRepository.byTrackingCode(s.store.db, code);
    if (!row) {
      limiter.fail(req.ip);
      throw new ApiError('not_found', 'no case has this tracking code; check it and try again');
    }
    const plan = await s.plans.current();
    const t = countyTime(plan);
    return {
      tracking_code: row.tracking_code,
      status: 'registered',
      route: row.route,
      handler: row.handler,
      handler_name: { zh: handlerName(plan, row.handler, 'zh'), en: handlerName(plan, row.handler, 'en') },
      registered_at: t(Number(row.opened_at)),
      accept_by: t(Number(row.accept_by)),
      due: t(Number(row.due)),
    };
  });
}

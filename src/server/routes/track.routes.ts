import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RATINGS } from '../../engine/case/commands.js';
import type { CaseState } from '../../engine/case/state.js';
import { publicCaseView } from '../../engine/case/view.js';
import { countyTime } from '../../engine/county-time.js';
import { handlerName } from '../../i18n/describe.js';
import { FailureLimiter } from '../auth/limiter.js';
import { casesRepository } from '../../store/cases.repository.js';
import type { Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError } from '../errors.js';

const CodeParams = z.object({ code: z.string().max(64) });

/**
 * The petitioner's lookup by tracking code (查询码, Art. 18, 21): public, no sign-in, no
 * personal data. Lookups are rate-limited per address; a wrong code reveals nothing. After the
 * reply the petitioner rates the handling here.
 */
export function trackRoutes(app: FastifyInstance, s: Services): void {
  // Wrong codes are what guessing produces: 30 a minute from one address, then a pause.
  const limiter = new FailureLimiter(30, 60_000, s.clock);
  const r = app.withTypeProvider<ZodTypeProvider>();

  const find = async (req: FastifyRequest, reply: FastifyReply, raw: string): Promise<CaseState> => {
    const wait = limiter.retryAfter(req.ip);
    if (wait > 0) reply.header('retry-after', Math.ceil(wait / 1000));
    if (wait > 0) throw new ApiError('rate_limited', refusal('track.throttled'), { retry_after: Math.ceil(wait / 1000) });
    const st = await casesRepository.byTrackingCode(s.store.db, raw.trim().toUpperCase());
    if (!st) {
      limiter.fail(req.ip);
      throw new ApiError('not_found', refusal('track.not_found'));
    }
    return st;
  };

  const present = async (st: CaseState) => {
    const plan = await s.plans.byDigest(st.plan.digest);
    return {
      ...publicCaseView(st, countyTime(plan)),
      handler_name: { zh: handlerName(plan, st.handler, 'zh'), en: handlerName(plan, st.handler, 'en') },
    };
  };

  r.get('/api/track/:code', { config: { read: 'tracking' }, schema: { params: CodeParams, tags: ['track'], summary: "A case's public status by tracking code" } }, async (req, reply) =>
    present(await find(req, reply, req.params.code)),
  );

  r.post(
    '/api/track/:code/rating',
    {
      schema: {
        params: CodeParams,
        body: z.strictObject({ value: z.enum(RATINGS), comment: z.string().trim().max(500).optional() }),
        tags: ['track'],
        summary: 'The petitioner rates the handling after the reply (once per answer)',
      },
    },
    async (req, reply) => {
      const st = await find(req, reply, req.params.code);
      const outcome = await s.cases.submit(st.id, { do: 'rate', value: req.body.value, comment: req.body.comment }, { userId: 'petitioner', username: 'petitioner', role: null, onBehalf: false });
      if (outcome.kind === 'rejected') throw new ApiError('rejected', refusal(`case.rejection.${outcome.rejection.code}`), { reason: outcome.rejection.code });
      if (outcome.kind !== 'accepted') throw new ApiError('not_found', refusal('track.not_found'));
      return present(outcome.state);
    },
  );
}

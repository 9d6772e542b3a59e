import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countyTime } from '../../engine/county-time.js';
import { roleName } from '../../plan/plan.js';
import { AckLinks, type AckClaims, type AckRefusal } from '../../notify/ack-links.js';
import type { NotificationBody } from '../../notify/channels/channel.js';
import { refusal, type Refusal } from '../../i18n/refusals.js';
import { incidentsRepository } from '../../store/incidents.repository.js';
import { orgRepository } from '../../store/org.repository.js';
import { outboxRepository } from '../../store/outbox.repository.js';
import type { DeliveryAttemptRow, OutboxRow } from '../../store/schema.js';
import { usersRepository } from '../../store/users.repository.js';
import { FailureLimiter } from '../auth/limiter.js';
import { withhold, withheldMatters } from '../auth/visibility.js';
import type { Actor } from '../stream.processor.js';
import { presentIncident, principal, requireAdmin, type Services } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { deliveryView, messageView, type InboxMessage } from '../views/deliveries.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const TokenParams = z.object({ token: z.string().min(1).max(200) });

/** What a refused link tells its holder; a forged or unknown token is just not a link. */
const REFUSALS: Record<AckRefusal, { code: 'not_found' | 'conflict'; reason: string; message: Refusal }> = {
  malformed: { code: 'not_found', reason: 'invalid', message: refusal('link.invalid') },
  forged: { code: 'not_found', reason: 'invalid', message: refusal('link.invalid') },
  unknown: { code: 'not_found', reason: 'invalid', message: refusal('link.invalid') },
  expired: { code: 'conflict', reason: 'expired', message: refusal('link.expired') },
  used: { code: 'conflict', reason: 'used', message: refusal('link.used') },
};

/**
 * Notifications: a person's in-app inbox, whether each summons reached its people (every
 * attempt), the dead-letter list with an administrator's retry, and the public
 * acknowledgement links (signed, expiring, single use) that record an acknowledgement or a
 * check-in as the person the link was sent to.
 */
export function notifyRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Wrong tokens are what guessing produces: 30 a minute from one address, then a pause.
  const limiter = new FailureLimiter(30, 60_000, s.clock);

  const attemptsOf = async (rows: readonly OutboxRow[]): Promise<Map<string, DeliveryAttemptRow[]>> => {
    const by = new Map<string, DeliveryAttemptRow[]>();
    for (let i = 0; i < rows.length; i += 200) {
      const ids = rows.slice(i, i + 200).map((m) => m.id);
      if (!ids.length) continue;
      const found = await outboxRepository.attemptsOfMessages(s.store.db, ids);
      for (const a of found) by.set(a.message_id, [...(by.get(a.message_id) ?? []), a]);
    }
    return by;
  };

  const namesOf = async (rows: readonly OutboxRow[]): Promise<Map<string, string>> => {
    const ids = [...new Set(rows.map((m) => m.recipient))].slice(0, 1000);
    if (!ids.length) return new Map();
    const people = await orgRepository.names(s.store.db, ids);
    return new Map(people.map((p) => [p.id, p.name]));
  };

  r.get('/api/my/inbox', { config: { read: 'self' }, schema: { tags: ['notifications'], summary: 'My in-app notifications, newest first' } }, async (req) => {
    const p = principal(req);
    const personId = await usersRepository.personOf(s.store.db, p.userId);
    if (!personId) return [];
    const plan = await s.plans.current();
    const t = countyTime(plan);
    const rows = await outboxRepository.inbox(s.store.db, personId);
    // Texts written before accusations were kept out of messages are withheld here too.
    const incidents = await incidentsRepository.many(s.store.db, rows.filter((m) => m.source_stream === 'incident' && m.source_id).map((m) => m.source_id!));
    const secrets = withheldMatters(p, plan, [...incidents.values()].map((i) => i.state));
    return rows.map((m): InboxMessage => {
      const body = JSON.parse(m.body) as NotificationBody;
      return { ...messageView(m, t, new Map(), false, (text) => withhold(text, secrets)), ...(body.link ? { link: body.link } : {}) };
    });
  });

  r.get(
    '/api/incidents/:id/deliveries',
    { config: { read: 'incident' }, schema: { params: IdParams, tags: ['notifications'], summary: "Every notification an incident caused (summons, alerts, approval requests), each with its delivery attempts" } },
    async (req) => {
      const p = principal(req);
      const row = await incidentsRepository.get(s.store.db, req.params.id);
      if (!row) throw notFound(`incident ${req.params.id}`);
      const plan = await s.plans.byDigest(row.digest);
      const t = countyTime(plan);
      const rows = await outboxRepository.bySource(s.store.db, 'incident', req.params.id);
      const [attempts, names] = await Promise.all([attemptsOf(rows), namesOf(rows)]);
      const secrets = withheldMatters(p, plan, [row.state]);
      return rows.map((m) => deliveryView(m, t, attempts.get(m.id) ?? [], names, p.admin, (text) => withhold(text, secrets)));
    },
  );

  r.get('/api/admin/dead-letters', { config: { read: 'admin' }, schema: { tags: ['notifications'], summary: 'Notifications given up after their last attempt (administrators)' } }, async (req) => {
    requireAdmin(req);
    const t = countyTime(await s.plans.current());
    const rows = await outboxRepository.dead(s.store.db, 200);
    const [attempts, names] = await Promise.all([attemptsOf(rows), namesOf(rows)]);
    return rows.map((m) => deliveryView(m, t, attempts.get(m.id) ?? [], names, true, (text) => text));
  });

  r.post(
    '/api/admin/dead-letters/:id/retry',
    { schema: { params: IdParams, tags: ['notifications'], summary: 'Deliver a dead notification again, from a fresh set of attempts (administrators)' } },
    async (req) => {
      requireAdmin(req);
      const found = await outboxRepository.get(s.store.db, req.params.id);
      if (!found) throw notFound(`notification ${req.params.id}`);
      if (!(await s.notify.dispatcher.retry(req.params.id))) throw new ApiError('conflict', `notification ${req.params.id} is ${found.status}, not dead`);
      return { id: req.params.id, status: 'pending' };
    },
  );

  /** Checks a token, counting refusals against the address. */
  const check = async (req: FastifyRequest, reply: FastifyReply, token: string) => {
    const links = s.notify.links;
    if (!links) throw new ApiError('not_found', refusal('link.disabled'));
    const wait = limiter.retryAfter(req.ip);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      throw new ApiError('rate_limited', refusal('link.throttled'), { retry_after: Math.ceil(wait / 1000) });
    }
    const checked = await links.inspect(s.store.db, token);
    if (!checked.ok) return refuse(req, checked.reason);
    return { links, claims: checked.claims, expiresAt: checked.expiresAt };
  };
  const refuse = (req: FastifyRequest, reason: AckRefusal): never => {
    if (REFUSALS[reason].reason === 'invalid') limiter.fail(req.ip);
    const { code, message, reason: why } = REFUSALS[reason];
    throw new ApiError(code, message, { reason: why });
  };

  /** What the one-button page shows: who, which incident, what the button does. */
  const describeLink = async (claims: AckClaims, expiresAt: number) => {
    const row = await incidentsRepository.get(s.store.db, claims.incidentId);
    if (!row) throw notFound('incident');
    const plan = await s.plans.byDigest(row.digest);
    const t = countyTime(plan);
    const person = await orgRepository.person(s.store.db, claims.personId);
    // The holder of the link reads as the one role it was sent to.
    const reader = { admin: false, roles: [claims.role] };
    const view = await presentIncident(s.store.db, reader, row.state, plan);
    const summons = view.summons.find((x) => x.role === claims.role) ?? null;
    const venue = plan.org.venues.find((v) => v.id === row.state.venue)?.name ?? { zh: row.state.venue, en: row.state.venue };
    return {
      action: claims.action,
      person: { id: claims.personId, name: person?.name ?? null },
      role: claims.role,
      role_name: { zh: roleName(plan, claims.role, 'zh'), en: roleName(plan, claims.role, 'en') },
      incident: { id: row.state.id, venue: row.state.venue, venue_name: venue, matter: view.incident.matter, matter_withheld: view.incident.matter_withheld, headcount: row.state.headcount, status: row.state.status },
      summons,
      expires_at: t(expiresAt),
    };
  };

  r.get('/api/ack/:token', { config: { read: 'link' }, schema: { params: TokenParams, tags: ['notifications'], summary: 'What an acknowledgement link is for (public; the token is the credential)', security: [] } }, async (req, reply) => {
    const { claims, expiresAt } = await check(req, reply, req.params.token);
    return describeLink(claims, expiresAt);
  });

  r.post(
    '/api/ack/:token',
    { schema: { params: TokenParams, tags: ['notifications'], summary: 'Use an acknowledgement link: acknowledge the summons or check in, as the person it was sent to', security: [] } },
    async (req, reply) => {
      const { links, claims } = await check(req, reply, req.params.token);
      const user = await usersRepository.enabledOfPerson(s.store.db, claims.personId);
      const got: { refusal: AckRefusal | null; next: { token: string; expiresAt: number } | null } = { refusal: null, next: null };
      const outcome = await s.processor.submit(claims.incidentId, { do: claims.action, role: claims.role }, async (_state, _plan, trx): Promise<Actor | { forbidden: Refusal }> => {
        // Used up in the command's transaction: if the command fails, the link stays unused.
        const redeemed = await links.redeem(trx, req.params.token);
        if (!redeemed.ok) {
          got.refusal = redeemed.reason;
          return { forbidden: REFUSALS[redeemed.reason].message };
        }
        const person = await orgRepository.person(trx, claims.personId);
        if (person?.active !== 1) return { forbidden: refusal('forbidden.link_inactive') };
        // After acknowledging, the same person checks in on arrival with a fresh link.
        if (claims.action === 'ack') got.next = await links.create(trx, { ...claims, action: 'arrive' });
        return { userId: user?.id ?? '', username: user?.username ?? `person:${claims.personId}`, role: claims.role, onBehalf: false };
      });
      if (got.refusal) refuse(req, got.refusal);
      if (outcome.kind === 'not_found') throw notFound('incident');
      if (outcome.kind === 'forbidden') throw new ApiError('forbidden', outcome.reason);
      if (outcome.kind === 'rejected') throw new ApiError('rejected', refusal(`rejection.${outcome.rejection.code}`), { reason: outcome.rejection.code });
      const view = await presentIncident(s.store.db, { admin: false, roles: [claims.role] }, outcome.state, outcome.plan);
      const next = outcome.kind === 'accepted' ? got.next : null;
      const base = s.notify.publicUrl();
      return {
        done: claims.action,
        summons: view.summons.find((x) => x.role === claims.role) ?? null,
        ...(next ? { next: { action: 'arrive', token: next.token, ...(base ? { url: AckLinks.url(base, next.token) } : {}) } } : {}),
      };
    },
  );
}

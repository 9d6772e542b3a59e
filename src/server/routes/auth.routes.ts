import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type {} from '@fastify/cookie';
import { Login, type Me } from '../../api/auth.js';
import { refusal } from '../../i18n/refusals.js';
import { DeviceTokens, DEVICE_COOKIE, DEVICE_TTL } from '../auth/device.js';
import { SignInGuard } from '../auth/limiter.js';
import { dummyHash, verifyPassword } from '../auth/password.js';
import { unitOf } from '../../plan/plan.js';
import { casesRepository } from '../../store/cases.repository.js';
import { risksRepository } from '../../store/risks.repository.js';
import { usersRepository } from '../../store/users.repository.js';
import { maySee } from '../auth/case.access.js';
import type { Principal } from '../auth/permissions.js';
import { screensFor, type ScreenFacts } from '../auth/screens.js';
import { principalOf, sessions, SESSION_COOKIE, SESSION_TTL } from '../auth/sessions.js';
import { principal, type Services } from '../context.js';
import { ApiError } from '../errors.js';


/**
 * Sign-in, sign-out and the signed-in user. Failed sign-ins slow the guesser down (see
 * `SignInGuard`) instead of locking the account: a browser that signed in as the name before
 * is never held up by anyone else's failures, and no one waits more than 5 minutes.
 */
export function authRoutes(app: FastifyInstance, s: Services): void {
  const guard = new SignInGuard(s.clock);
  const devices = new DeviceTokens();
  void dummyHash(); // ready before the first unknown name, so that one answers as fast as the rest
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/login', { schema: { body: Login, tags: ['auth'], summary: 'Sign in; sets the session cookie and returns the CSRF token' } }, async (req, reply) => {
    const { username, password } = req.body;
    const attempt = { ip: req.ip, username, device: devices.verify(req.cookies[DEVICE_COOKIE], username) };
    const wait = await guard.begin(attempt);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header('retry-after', seconds);
      throw new ApiError('rate_limited', refusal('auth.throttled', { seconds }), { retry_after: seconds });
    }
    let outcome: 'ok' | 'failed' | 'error' = 'error';
    let user;
    try {
      user = await usersRepository.byUsername(s.store.db, username);
      // Unknown and disabled names check a password too, so every refusal takes as long.
      const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
      outcome = user && !user.disabled && ok ? 'ok' : 'failed';
    } finally {
      guard.settle(attempt, outcome);
    }
    if (outcome !== 'ok' || !user) throw new ApiError('unauthenticated', refusal('auth.wrong_password'));
    const secure = req.protocol === 'https';
    reply.setCookie(DEVICE_COOKIE, devices.issue(username), { path: '/api/login', httpOnly: true, sameSite: 'strict', secure, maxAge: DEVICE_TTL / 1000 });
    const now = s.clock();
    const { token, csrf } = await sessions.create(s.store.db, user.id, now);
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: SESSION_TTL / 1000,
    });
    const p = await principalOf(s.store.db, user, now);
    return { csrf_token: csrf, user: { username: p.username, admin: p.admin, roles: p.roles } };
  });

  r.post('/api/logout', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (req, reply) => {
    if (req.sessionId) {
      await sessions.revoke(s.store.db, req.sessionId, s.clock());
      app.forgetSession(req.sessionId);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  /** What the screens depend on besides the plan: does the user lead a matter, or may they see a case? */
  const facts = async (p: Principal): Promise<ScreenFacts> => {
    if (!p.roles.length) return { leadsMatter: false, seesCase: false };
    const leadsMatter = (await risksRepository.list(s.store.db, { leaders: p.roles, limit: 1 })).length > 0;
    const handles = await casesRepository.list(s.store.db, { handlers: [...new Set([...p.roles.map(unitOf), ...p.roles])], limit: 1 });
    let seesCase = handles.length > 0;
    // Cases that reached the user's units otherwise (forwarded, received together): the newest open ones.
    for (const st of seesCase ? [] : await casesRepository.list(s.store.db, { open: true, limit: 200 })) {
      if (maySee(p, st, await s.plans.byDigest(st.plan.digest))) {
        seesCase = true;
        break;
      }
    }
    return { leadsMatter, seesCase };
  };

  r.get('/api/me', { config: { read: 'self' }, schema: { tags: ['auth'], summary: 'The signed-in user, roles held now, the plan designations they fall under, the screens they can use (`can`), and the CSRF token' } }, async (req) => {
    const p = principal(req);
    // The plan's designations the user's roles fall under, and the screens they can use, decided
    // by the rules the server applies (auth/screens.ts), so the UI offers only what will be accepted.
    const plan = await s.plans.current();
    const designations = Object.entries(plan.designations).filter(([, a]) => a.includes(p.roles)).map(([name]) => name);
    const can = screensFor(p, plan, await facts(p));
    return { username: p.username, admin: p.admin, roles: p.roles, designations, can, csrf_token: req.csrfToken } satisfies Me;
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    csrfToken: string | null;
  }
}

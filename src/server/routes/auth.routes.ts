import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type {} from '@fastify/cookie';
import { z } from 'zod';
import { FailureLimiter } from '../auth/limiter.js';
import { verifyPassword } from '../auth/password.js';
import { principalOf, sessions, SESSION_COOKIE, SESSION_TTL } from '../auth/sessions.js';
import { principal, type Services } from '../context.js';
import { ApiError } from '../errors.js';

const Login = z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) });

/** Sign-in, sign-out and the signed-in user. Five failed sign-ins in 15 minutes block that name from that address. */
export function authRoutes(app: FastifyInstance, s: Services): void {
  const limiter = new FailureLimiter(5, 15 * 60_000, s.clock);
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/login', { schema: { body: Login, tags: ['auth'], summary: 'Sign in; sets the session cookie and returns the CSRF token' } }, async (req, reply) => {
    const key = `${req.ip}\u0000${req.body.username}`;
    const wait = limiter.retryAfter(key);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      throw new ApiError('rate_limited', 'too many failed sign-ins; try again later');
    }
    const user = await s.store.db.selectFrom('users').selectAll().where('username', '=', req.body.username).executeTakeFirst();
    const ok = user && !user.disabled ? await verifyPassword(req.body.password, user.password_hash) : false;
    if (!user || !ok) {
      limiter.fail(key);
      throw new ApiError('unauthenticated', 'wrong user name or password');
    }
    limiter.reset(key);
    const now = s.clock();
    const { token, csrf } = await sessions.create(s.store.db, user.id, now);
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
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

  r.get('/api/me', { schema: { tags: ['auth'], summary: 'The signed-in user, roles held now, and the CSRF token' } }, async (req) => {
    const p = principal(req);
    return { username: p.username, admin: p.admin, roles: p.roles, csrf_token: req.csrfToken };
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    csrfToken: string | null;
  }
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShortId } from '../../engine/limits.js';
import { refusal } from '../../i18n/refusals.js';
import { verifyChain } from '../../store/audit.js';
import { eventsRepository } from '../../store/events.repository.js';
import { orgRepository } from '../../store/org.repository.js';
import { usersRepository } from '../../store/users.repository.js';
import { hashPassword } from '../auth/password.js';
import { requireAdmin, type Services } from '../context.js';
import { ApiError } from '../errors.js';

const UserBody = z.strictObject({
  username: z.string().regex(/^[a-zA-Z0-9._-]{2,100}$/),
  password: z.string().min(10).max(1000),
  person_id: ShortId.nullable().optional(),
  admin: z.boolean().default(false),
});

/** Accounts and the audit check, for administrators; health for everyone. */
export function adminRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/healthz', { config: { read: 'public' }, schema: { tags: ['health'], summary: 'Liveness and database' } }, async () => {
    await eventsRepository.head(s.store.db);
    return { status: 'ok', database: s.store.dialect };
  });

  r.get('/api/users', { config: { read: 'admin' }, schema: { tags: ['accounts'], summary: 'Accounts' } }, async (req) => {
    requireAdmin(req);
    const rows = await usersRepository.list(s.store.db);
    return rows.map((u) => ({ ...u, is_admin: u.is_admin === 1, disabled: u.disabled === 1 }));
  });

  r.post('/api/users', { schema: { body: UserBody, tags: ['accounts'], summary: 'Create an account, optionally linked to a person' } }, async (req, reply) => {
    requireAdmin(req);
    const b = req.body;
    if (b.person_id && !(await orgRepository.person(s.store.db, b.person_id))) throw new ApiError('bad_request', refusal('input.unknown_person', { id: b.person_id }));
    const exists = await usersRepository.byUsername(s.store.db, b.username);
    if (exists) throw new ApiError('conflict', `user ${b.username} exists`);
    const row = { id: crypto.randomUUID(), username: b.username, password_hash: await hashPassword(b.password), person_id: b.person_id ?? null, is_admin: b.admin ? 1 : 0, created_at: s.clock(), disabled: 0 };
    await usersRepository.insert(s.store.db, row);
    reply.code(201);
    return { id: row.id, username: row.username, person_id: row.person_id, admin: b.admin };
  });

  r.get('/api/audit/verify', { config: { read: 'admin' }, schema: { tags: ['audit'], summary: "Check the event log's hash chain" } }, async (req) => {
    requireAdmin(req);
    return verifyChain(s.store.db);
  });
}

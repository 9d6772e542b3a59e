import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShortId } from '../../engine/limits.js';
import { verifyChain } from '../../store/audit.js';
import { orgRepository } from '../../store/org.repository.js';
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
    await s.store.db.selectFrom('chain_head').select('seq').execute();
    return { status: 'ok', database: s.store.dialect };
  });

  r.get('/api/users', { config: { read: 'admin' }, schema: { tags: ['accounts'], summary: 'Accounts' } }, async (req) => {
    requireAdmin(req);
    const rows = await s.store.db.selectFrom('users').select(['id', 'username', 'person_id', 'is_admin', 'disabled', 'created_at']).orderBy('username').execute();
    return rows.map((u) => ({ ...u, is_admin: u.is_admin === 1, disabled: u.disabled === 1 }));
  });

  r.post('/api/users', { schema: { body: UserBody, tags: ['accounts'], summary: 'Create an account, optionally linked to a person' } }, async (req, reply) => {
    requireAdmin(req);
    const b = req.body;
    if (b.person_id && !(await orgRepository.person(s.store.db, b.person_id))) throw new ApiError('bad_request', `unknown person "${b.person_id}"`);
    const exists = await s.store.db.selectFrom('users').select('id').where('username', '=', b.username).executeTakeFirst();
    if (exists) throw new ApiError('conflict', `user ${b.username} exists`);
    const row = { id: crypto.randomUUID(), username: b.username, password_hash: await hashPassword(b.password), person_id: b.person_id ?? null, is_admin: b.admin ? 1 : 0, created_at: s.clock(), disabled: 0 };
    await s.store.db.insertInto('users').values(row).execute();
    reply.code(201);
    return { id: row.id, username: row.username, person_id: row.person_id, admin: b.admin };
  });

  r.get('/api/audit/verify', { config: { read: 'admin' }, schema: { tags: ['audit'], summary: "Check the event log's hash chain" } }, async (req) => {
    requireAdmin(req);
    return verifyChain(s.store.db);
  });
}

import { hash, randomBytes } from 'node:crypto';
import type { Db } from '../../store/db.js';
import { orgRepository } from '../../store/org.repository.js';
import type { UserRow } from '../../store/schema.js';
import { sessionsRepository } from '../../store/sessions.repository.js';
import type { Principal } from './permissions.js';

export const SESSION_COOKIE = 'yingji_session';
export const SESSION_TTL = 12 * 3_600_000;

const sha256 = (s: string) => hash('sha256', s, 'hex');

/** Sessions: a random token in an httpOnly cookie; only its hash is stored, with a CSRF token. */
export const sessions = {
  async create(db: Db, userId: string, now: number): Promise<{ token: string; csrf: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await sessionsRepository.insert(db, { id: sha256(token), user_id: userId, csrf, created_at: now, expires_at: now + SESSION_TTL, revoked_at: null });
    return { token, csrf };
  },

  async resolve(db: Db, token: string, now: number): Promise<{ user: UserRow; csrf: string; id: string } | null> {
    const row = await sessionsRepository.withUser(db, sha256(token));
    if (!row || row.revoked_at !== null || Number(row.expires_at) <= now || row.disabled) return null;
    const { csrf, session_id, expires_at: _e, revoked_at: _r, ...user } = row;
    return { user, csrf, id: session_id };
  },

  async revoke(db: Db, sessionId: string, now: number): Promise<void> {
    await sessionsRepository.revoke(db, sessionId, now);
  },
};

/** The roles a user holds now: their person's positions and current duty shifts. */
export async function principalOf(db: Db, user: UserRow, now: number): Promise<Principal> {
  const roles = user.person_id ? await orgRepository.rolesOf(db, user.person_id, now) : [];
  return { userId: user.id, username: user.username, admin: user.is_admin === 1, roles };
}

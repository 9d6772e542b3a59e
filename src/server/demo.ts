import { randomBytes } from 'node:crypto';
import type { Plan } from '../plan/plan.js';
import { roleName } from '../plan/plan.js';
import type { Store } from '../store/db.js';
import { orgRepository } from '../store/org.repository.js';
import { usersRepository } from '../store/users.repository.js';
import { hashPassword } from './auth/password.js';

/** The demo account name for a role: the role id with `/` replaced by `.` (contract §4). */
export const demoUsername = (role: string) => role.replace('/', '.');

const YEAR = 365 * 86_400_000;

export interface DemoPassword {
  password: string;
  hash: Promise<string>;
}

/**
 * The demo accounts' password (given, or made up) and its hash, begun at once: scrypt runs on
 * libuv's threads, so the server starts it first and opens the database meanwhile. One hash for
 * all demo accounts: they share one password by design, so nothing leaks.
 */
export function demoPassword(password: string | undefined): DemoPassword {
  const pass = password ?? randomBytes(9).toString('base64url');
  const hash = hashPassword(pass);
  hash.catch(() => undefined); // awaited by seedDemo; failing before then is no unhandled rejection
  return { password: pass, hash };
}

/**
 * Loads the demo people: one person and one account per position of the organization (duty
 * positions through a year-long roster shift), plus `admin`. Idempotent: a second start
 * keeps the people and sets the accounts' password again. Returns the password.
 */
export async function seedDemo(store: Store, plan: Plan, password: string | undefined | DemoPassword, now: number): Promise<{ password: string; usernames: string[] }> {
  const { password: pass, hash: hashing } = typeof password === 'object' ? password : demoPassword(password);
  const hash = await hashing;
  const db = store.db;
  const usernames: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const role of [...plan.roles].sort()) {
      const username = demoUsername(role);
      usernames.push(username);
      const existing = await usersRepository.byUsername(trx, username);
      if (existing) {
        await usersRepository.update(trx, existing.id, { password_hash: hash, disabled: 0 });
        continue;
      }
      const personId = crypto.randomUUID();
      const [unit, position] = role.split('/') as [string, string];
      await orgRepository.insertPerson(trx, {
        id: personId,
        name: `${roleName(plan, role, 'zh')}(演示)`,
        unit_id: unit,
        phone: null,
        email: null,
        active: 1,
        created_at: now,
      });
      if (plan.org.positions[position]?.duty) {
        await orgRepository.insertShift(trx, { id: crypto.randomUUID(), role, person_id: personId, starts_at: now - 86_400_000, ends_at: now + YEAR, created_at: now });
      } else {
        await orgRepository.insertPosition(trx, { id: crypto.randomUUID(), person_id: personId, role, created_at: now });
      }
      await usersRepository.insert(trx, { id: crypto.randomUUID(), username, password_hash: hash, person_id: personId, is_admin: 0, created_at: now, disabled: 0 });
    }
    const admin = await usersRepository.byUsername(trx, 'admin');
    if (admin) await usersRepository.update(trx, admin.id, { password_hash: hash, is_admin: 1, disabled: 0 });
    else await usersRepository.insert(trx, { id: crypto.randomUUID(), username: 'admin', password_hash: hash, person_id: null, is_admin: 1, created_at: now, disabled: 0 });
    usernames.push('admin');
  });
  return { password: pass, usernames };
}

import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { DEMO_PASSWORD, testApp, type TestApp } from '../../../test/support/server.js';
import { verifyPassword } from '../auth/password.js';

/*
 * Sign-in under attack: an attacker hammering one name, spraying many names, or naming
 * accounts that do not exist must not keep the real person out, must be slowed down, and
 * must learn nothing from how long an answer takes.
 */

// Every password check goes through the real scrypt; the spy only counts the calls.
vi.mock('../auth/password.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../auth/password.js')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

const SECOND = 1000;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const LEADER = 'county-party.leader';
const ATTACKER = '10.0.0.66';

for (const dialect of DIALECTS) {
  describe(`sign-in protection on ${dialect}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await testApp(dialect, T0);
      vi.mocked(verifyPassword).mockClear();
    });
    afterEach(async () => {
      await t.close();
    });

    const login = (username: string, password: string, remoteAddress: string, cookie?: string) =>
      t.app.inject({ method: 'POST', url: '/api/login', remoteAddress, payload: { username, password }, ...(cookie ? { headers: { cookie } } : {}) });
    const deviceCookie = (res: LightMyRequestResponse) => {
      const c = res.cookies.find((x) => x.name === 'yingji_device');
      expect(c, 'a device cookie').toBeDefined();
      expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/login' });
      return `yingji_device=${c!.value}`;
    };
    const expectThrottled = (res: LightMyRequestResponse) => {
      expect(res.statusCode, res.body).toBe(429);
      const seconds = Number(res.headers['retry-after']);
      expect(seconds).toBeGreaterThan(0);
      // In Chinese, the product's first language, when the client names none (refusals.ts).
      expect(res.json()).toEqual({ error: { code: 'rate_limited', message: `登录失败次数过多,请${seconds}秒后再试`, retry_after: seconds } });
      return seconds;
    };

    it('the real person signs in with the right password while an attacker hammers wrong ones', async () => {
      // The leader signed in from the office (the attacker's address too) once before.
      const office = await login(LEADER, DEMO_PASSWORD, ATTACKER);
      expect(office.statusCode).toBe(200);
      const device = deviceCookie(office);

      let evaluated = 0;
      let throttled = 0;
      const hammer = async () => {
        const res = await login(LEADER, `guess-${t.clock.now}`, ATTACKER);
        if (res.statusCode === 401) evaluated++;
        else if (expectThrottled(res)) throttled++;
        return res.statusCode;
      };
      // Ten minutes of one wrong guess a second from the attacker. The leader tries from home
      // (no device cookie) right after each of the attacker's guesses that was checked, the
      // worst moment, and from the office with the device cookie.
      let homeWaits = 0;
      for (let second = 0; second < 600; second++) {
        const checked = (await hammer()) === 401;
        if (checked || second % 120 === 0) {
          const fromOffice = await login(LEADER, DEMO_PASSWORD, ATTACKER, device);
          expect(fromOffice.statusCode, `office at ${second} s: ${fromOffice.body}`).toBe(200);
        }
        if (checked) {
          let home = await login(LEADER, DEMO_PASSWORD, '198.51.100.7');
          if (home.statusCode === 429) {
            // At most a short wait, and the attacker keeps hammering meanwhile.
            const wait = expectThrottled(home);
            expect(wait).toBeLessThanOrEqual(30);
            homeWaits++;
            for (let i = 0; i < wait; i++) {
              t.clock.now += SECOND;
              second++;
              expect(await hammer()).toBe(429);
            }
            home = await login(LEADER, DEMO_PASSWORD, '198.51.100.7');
          }
          expect(home.statusCode, `home at ${second} s: ${home.body}`).toBe(200);
        }
        t.clock.now += SECOND;
      }
      // The attacker got only a handful of guesses checked in ten minutes; the rest waited.
      expect(evaluated).toBeGreaterThan(5);
      expect(evaluated).toBeLessThanOrEqual(16);
      expect(throttled).toBeGreaterThan(550);
      expect(homeWaits).toBeGreaterThan(0); // the worst moment was reached, and it was short
    }, 180_000);

    it('caps one address trying many user names (password spraying)', async () => {
      const names = ['working-group.leader', 'petition-bureau.staff', 'admin', LEADER, ...Array.from({ length: 30 }, (_, i) => `nobody-${i}`)];
      const answers: number[] = [];
      for (const name of names) answers.push((await login(name, 'Spring2026!', ATTACKER)).statusCode);
      expect(answers.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(answers.slice(20)).toEqual(Array(names.length - 20).fill(429));
      expectThrottled(await login('zhao.liu', 'Spring2026!', ATTACKER));
      // Throttled attempts are not checked: no password hashing for them.
      expect(verifyPassword).toHaveBeenCalledTimes(20);
      // Another address is not affected.
      expect((await login(LEADER, DEMO_PASSWORD, '198.51.100.7')).statusCode).toBe(200);
    }, 120_000);

    it('parallel guesses cannot slip past the count; parallel right passwords all get in', async () => {
      const guesses = await Promise.all(Array.from({ length: 9 }, (_, i) => login(LEADER, `guess-${i}`, ATTACKER)));
      expect(guesses.filter((r) => r.statusCode === 401)).toHaveLength(5);
      for (const r of guesses.filter((x) => x.statusCode !== 401)) expectThrottled(r);
      // Twelve sign-ins at once from one office address, seven of them the same person (more
      // than the free tries: the later ones queue behind the first, then go through).
      const accounts = (await t.store.db.selectFrom('users').select('username').where('username', '!=', LEADER).orderBy('username').limit(6).execute()).map((u) => u.username);
      const names = [...accounts, ...Array<string>(6).fill(accounts[0]!)];
      expect(names).toHaveLength(12);
      const office = await Promise.all(names.map((n) => login(n, DEMO_PASSWORD, '10.0.0.1')));
      expect(office.map((r) => r.statusCode)).toEqual(names.map(() => 200));
    }, 120_000);

    it('unknown, disabled and known user names all check a password hash (same work, same answer)', async () => {
      await t.store.db.updateTable('users').set({ disabled: 1 }).where('username', '=', 'zhao.liu').execute();
      const cases = [
        { username: 'no-such-user', password: DEMO_PASSWORD, status: 401 },
        { username: 'zhao.liu', password: DEMO_PASSWORD, status: 401 },
        { username: LEADER, password: 'wrong-password', status: 401 },
        { username: LEADER, password: DEMO_PASSWORD, status: 200 },
      ];
      const bodies: string[] = [];
      for (const c of cases) {
        vi.mocked(verifyPassword).mockClear();
        const res = await login(c.username, c.password, '198.51.100.7');
        expect(res.statusCode, c.username).toBe(c.status);
        if (c.status === 401) bodies.push(res.body);
        expect(verifyPassword, c.username).toHaveBeenCalledTimes(1);
        // The same scrypt settings as a stored hash: the same cost.
        expect(vi.mocked(verifyPassword).mock.calls[0]![1]).toMatch(/^scrypt\$32768\$8\$1\$/);
      }
      expect(new Set(bodies)).toEqual(new Set(['{"error":{"code":"unauthenticated","message":"用户名或密码错误"}}']));
    });

    it('a device cookie is bound to its user name and cannot be forged', async () => {
      const device = deviceCookie(await login(LEADER, DEMO_PASSWORD, '198.51.100.7'));
      for (let i = 0; i < 20; i++) await login(`nobody-${i}`, 'x', ATTACKER);
      // The leader's cookie does not let the attacker past the cap for other names…
      expectThrottled(await login('working-group.leader', DEMO_PASSWORD, ATTACKER, device));
      expectThrottled(await login(LEADER, DEMO_PASSWORD, ATTACKER, 'yingji_device=forged.AAAA'));
      // …but it does let the leader in from there.
      expect((await login(LEADER, DEMO_PASSWORD, ATTACKER, device)).statusCode).toBe(200);
    }, 120_000);
  });
}

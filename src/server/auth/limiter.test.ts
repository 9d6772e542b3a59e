import { describe, expect, it } from 'vitest';
import { addressKey, FailureLimiter, SIGN_IN_POLICY, SignInGuard, Throttle, type SignInAttempt } from './limiter.js';

/*
 * The limits on guessing: a throttle slows a key down (waits doubling up to a ceiling) and
 * forgets it when quiet; the sign-in guard keeps a known device apart from everyone else,
 * counts an attempt before the password is checked, and remembers a bounded number of keys.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('Throttle', () => {
  const policy = { free: 3, baseMs: SECOND, maxMs: 10 * SECOND, quietMs: 15 * MINUTE };

  it('lets `free` failures through, then waits doubling from the base up to the ceiling', () => {
    const clock = { now: 0 };
    const t = new Throttle(policy, () => clock.now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(t.retryAfter('k'));
      clock.now += t.retryAfter('k');
      t.fail('k');
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 10].map((s) => s * SECOND));
    // The wait counts from the last failure.
    clock.now += 4 * SECOND;
    expect(t.retryAfter('k')).toBe(6 * SECOND);
    expect(t.retryAfter('other')).toBe(0);
  });

  it('forgets a key that stays quiet', () => {
    const clock = { now: 0 };
    const t = new Throttle(policy, () => clock.now);
    for (let i = 0; i < 4; i++) t.fail('k');
    expect(t.retryAfter('k')).toBe(2 * SECOND);
    expect(t.count('k')).toBe(4);
    clock.now += 15 * MINUTE - 1;
    expect(t.count('k')).toBe(4);
    clock.now += 1;
    expect(t.retryAfter('k')).toBe(0);
    expect(t.size).toBe(0);
    t.fail('k');
    expect(t.retryAfter('k')).toBe(0);
  });

  it('remembers at most `capacity` keys, dropping the least recently failed', () => {
    const clock = { now: 0 };
    const t = new Throttle(policy, () => clock.now, 100);
    for (let i = 0; i < 5; i++) t.fail('hot');
    for (let i = 0; i < 10_000; i++) {
      t.fail(`random-${i}`);
      if (i % 50 === 0) t.fail('hot'); // still failing: kept
      expect(t.size).toBeLessThanOrEqual(100);
    }
    expect(t.retryAfter('hot')).toBeGreaterThan(0);
    expect(t.retryAfter('random-0')).toBe(0);
  });
});

describe('FailureLimiter (tracking codes, acknowledgement links)', () => {
  it('stays bounded however many keys fail', () => {
    const limiter = new FailureLimiter(30, MINUTE, () => 0, 50);
    for (let i = 0; i < 1000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(50);
    for (let i = 0; i < 100; i++) limiter.fail('one');
    expect(limiter.retryAfter('one')).toBe(MINUTE);
  });
});

describe('SignInGuard', () => {
  const attacker = { ip: '10.0.0.66', username: 'county-party.leader', device: null };
  /** Runs attempts one after another, each settled with `outcome`; the waits answered. */
  const run = async (guard: SignInGuard, attempts: SignInAttempt[], outcome: 'ok' | 'failed' = 'failed', step?: () => void) => {
    const waits: number[] = [];
    for (const a of attempts) {
      const wait = await guard.begin(a);
      if (wait === 0) guard.settle(a, outcome);
      waits.push(wait);
      step?.();
    }
    return waits;
  };

  it('counts attempts in flight: a parallel burst of wrong guesses gets only the free tries checked', async () => {
    const guard = new SignInGuard(() => 0);
    const checked: number[] = [];
    const burst = Array.from({ length: 50 }, async (_, i) => {
      const wait = await guard.begin(attacker);
      if (wait > 0) return wait;
      checked.push(i);
      await new Promise((r) => setImmediate(r)); // the password check takes a while
      guard.settle(attacker, 'failed');
      return 0;
    });
    const waits = await Promise.all(burst);
    expect(checked).toHaveLength(SIGN_IN_POLICY.pair.free);
    expect(waits.filter((w) => w > 0)).toHaveLength(50 - SIGN_IN_POLICY.pair.free);
  });

  it('a parallel burst of right passwords (many people behind one address) queues, and every one goes through', async () => {
    const guard = new SignInGuard(() => 0);
    const people = Array.from({ length: 60 }, (_, i) => ({ ip: '10.0.0.1', username: i % 3 ? `user-${i}` : 'same-user', device: null }));
    const waits = await Promise.all(
      people.map(async (a) => {
        const wait = await guard.begin(a);
        if (wait === 0) {
          await new Promise((r) => setImmediate(r));
          guard.settle(a, 'ok');
        }
        return wait;
      }),
    );
    expect(waits.every((w) => w === 0)).toBe(true);
    expect(guard.addresses.count('10.0.0.1')).toBe(0);
  });

  it('a right password from the address lets it try the name afresh', async () => {
    const guard = new SignInGuard(() => 0);
    expect(await run(guard, Array(5).fill(attacker))).toEqual([0, 0, 0, 0, 0]);
    expect(await guard.begin(attacker)).toBe(SECOND);
    const clock = { now: 0 };
    const g2 = new SignInGuard(() => clock.now);
    await run(g2, Array(4).fill(attacker));
    await run(g2, [attacker], 'ok');
    expect(g2.pairs.count(`${attacker.ip}\u0000${attacker.username}`)).toBe(0);
    expect(await run(g2, Array(5).fill(attacker))).toEqual([0, 0, 0, 0, 0]);
  });

  it('an attempt whose check failed (error) counts nothing', async () => {
    const guard = new SignInGuard(() => 0);
    for (let i = 0; i < 10; i++) {
      expect(await guard.begin(attacker)).toBe(0);
      guard.settle(attacker, 'error');
    }
    expect(guard.size).toBe(0);
  });

  it('a known device is judged by its own failures only, even on the attacker’s address', async () => {
    const clock = { now: 0 };
    const guard = new SignInGuard(() => clock.now);
    const waits = await run(guard, Array(200).fill(attacker), 'failed', () => (clock.now += SECOND));
    expect(waits.filter((w) => w > 0).length).toBeGreaterThan(150);
    expect(await guard.begin({ ...attacker, device: 'the-leaders-phone' })).toBe(0);
    // A stolen device cookie buys a few guesses, then slows down like the rest.
    const stolen = await run(guard, Array(7).fill({ ...attacker, device: 'stolen' }));
    expect(stolen.filter((w) => w === 0)).toHaveLength(SIGN_IN_POLICY.device.free);
  });

  it('counts an IPv6 client by its /64: a fresh address per guess gains nothing', async () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:10.0.0.66')).toBe('10.0.0.66');
    expect(addressKey('10.0.0.66')).toBe('10.0.0.66');
    const guard = new SignInGuard(() => 0);
    const hopping = Array.from({ length: 8 }, (_, i) => ({ ip: `2001:db8:1:2::${i.toString(16)}`, username: 'county-party.leader', device: null }));
    expect(await run(guard, hopping)).toEqual([0, 0, 0, 0, 0, SECOND, SECOND, SECOND]);
  });

  it('caps one address across user names (password spraying)', async () => {
    const guard = new SignInGuard(() => 0);
    const waits = await run(guard, Array.from({ length: 40 }, (_, i) => ({ ip: '10.0.0.66', username: `user-${i}`, device: null })));
    expect(waits.filter((w) => w === 0)).toHaveLength(SIGN_IN_POLICY.address.free);
    // Another address is not affected.
    expect(await guard.begin({ ip: '10.0.0.7', username: 'user-1', device: null })).toBe(0);
  });

  it('slows a name tried from many addresses for at most 30 s', async () => {
    const clock = { now: 0 };
    const guard = new SignInGuard(() => clock.now);
    const many = Array.from({ length: 500 }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}`, username: 'county-party.leader', device: null }));
    const waits = await run(guard, many, 'failed', () => (clock.now += 100));
    expect(Math.max(...waits)).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(SIGN_IN_POLICY.user.maxMs);
  });

  it('keeps its memory bounded under a flood of random names and addresses', async () => {
    const guard = new SignInGuard(() => 0, 1000);
    await run(
      guard,
      Array.from({ length: 20_000 }, (_, i) => ({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, username: `random-${i}`, device: null })),
    );
    expect(guard.pairs.size).toBeLessThanOrEqual(1000);
    expect(guard.addresses.size).toBeLessThanOrEqual(1000);
    expect(guard.users.size).toBeLessThanOrEqual(1000);
    expect(guard.size).toBeLessThanOrEqual(4000);
  });
});

/** How many keys a limiter remembers by default; the least recently failed are forgotten first. */
export const DEFAULT_CAPACITY = 10_000;

/**
 * Counts failures per key in a sliding window: after `max` failures within `windowMs`, the
 * key is blocked until the oldest failure leaves the window. In memory, per process, and
 * bounded: at most `capacity` keys (least recently failed forgotten first), `max` times each.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** Keys remembered now. */
  get size(): number {
    return this.failures.size;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const now = this.clock();
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list.length >= this.max ? list[0]! + this.windowMs - now : 0;
  }

  fail(key: string): void {
    const list = this.failures.get(key) ?? [];
    list.push(this.clock());
    // Only the newest `max` failures decide; re-inserting keeps the map in least-recent order.
    if (list.length > this.max) list.splice(0, list.length - this.max);
    this.failures.delete(key);
    this.failures.set(key, list);
    evict(this.failures, this.capacity);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}

/** Forgets the oldest entries (Map order) until at most `capacity` remain. */
function evict<K, V>(map: Map<K, V>, capacity: number): void {
  while (map.size > capacity) map.delete(map.keys().next().value as K);
}

/** How a throttle slows a key down: free failures, then a wait doubling from `baseMs` up to `maxMs`. */
export interface ThrottlePolicy {
  /** Failures allowed without any wait. */
  free: number;
  /** The wait after the first failure beyond the free ones, ms; it doubles with each further failure. */
  baseMs: number;
  /** The longest wait, ms. */
  maxMs: number;
  /** A key with no failure for this long is forgotten, ms. */
  quietMs: number;
}

/**
 * Slows a key down instead of locking it out: after `free` failures, the next attempt must
 * wait `baseMs · 2^(n − free)` (at most `maxMs`) after the last failure; a key that stays quiet
 * for `quietMs` starts afresh. Bounded: at most `capacity` keys, the least recently failed
 * forgotten first.
 */
export class Throttle {
  private readonly keys = new Map<string, { n: number; last: number }>();

  constructor(
    readonly policy: ThrottlePolicy,
    private readonly clock: () => number = Date.now,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** Keys remembered now. */
  get size(): number {
    return this.keys.size;
  }

  private current(key: string, now: number) {
    const entry = this.keys.get(key);
    if (entry && now - entry.last >= this.policy.quietMs) {
      this.keys.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const now = this.clock();
    const entry = this.current(key, now);
    if (!entry || entry.n < this.policy.free) return 0;
    const wait = Math.min(this.policy.baseMs * 2 ** (entry.n - this.policy.free), this.policy.maxMs);
    return Math.max(0, entry.last + wait - now);
  }

  fail(key: string): void {
    const now = this.clock();
    const entry = this.current(key, now) ?? { n: 0, last: now };
    // Past the longest wait more failures change nothing: the count stays small.
    entry.n = Math.min(entry.n + 1, this.policy.free + 64);
    entry.last = Math.max(entry.last, now);
    this.keys.delete(key);
    this.keys.set(key, entry);
    evict(this.keys, this.capacity);
  }

  /** Failures remembered for the key. */
  count(key: string): number {
    return this.current(key, this.clock())?.n ?? 0;
  }

  reset(key: string): void {
    this.keys.delete(key);
  }
}

/** Who is signing in: the client's address, the name tried, and a device token valid for that name. */
export interface SignInAttempt {
  ip: string;
  username: string;
  /** The id of a device that signed in as `username` before (a valid device cookie), or null. */
  device: string | null;
}

/**
 * The address as the limits count it: IPv4 as is (also when mapped into IPv6), IPv6 by its
 * /64 prefix, since one subscriber usually holds a whole /64 and could otherwise take a fresh
 * address for every guess.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.replace(/%.*$/, '').split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The sign-in policies; see `SignInGuard`. */
export const SIGN_IN_POLICY = {
  /** One address trying one name: 5 free failures, then 1 s doubling up to 5 minutes. */
  pair: { free: 5, baseMs: SECOND, maxMs: 5 * MINUTE, quietMs: 15 * MINUTE },
  /** One address across all names (password spraying): 20 free, then up to 5 minutes. */
  address: { free: 20, baseMs: SECOND, maxMs: 5 * MINUTE, quietMs: 15 * MINUTE },
  /** One name from every unknown device (distributed guessing): 10 free, then up to 30 s, never longer. */
  user: { free: 10, baseMs: SECOND, maxMs: 30 * SECOND, quietMs: 15 * MINUTE },
  /** One known device: 5 free, then up to 5 minutes (a stolen device cookie buys few guesses). */
  device: { free: 5, baseMs: SECOND, maxMs: 5 * MINUTE, quietMs: 15 * MINUTE },
} satisfies Record<string, ThrottlePolicy>;

/**
 * Slows password guessing without letting an attacker lock the real person out:
 *
 * - A device that signed in as the name before (it shows a device cookie bound to the name)
 *   is judged only by its own failures: no other address, and no one sharing its address,
 *   can slow it down.
 * - Any other attempt waits on three keys: its address with the name (the attacker's own
 *   address slows down, up to 5 minutes), its address across all names (spraying is capped),
 *   and the name from anywhere (a distributed attack; at most 30 s, and since one address's
 *   attempts are spaced by up to 5 minutes, one address alone cannot keep the name waiting).
 *   No key is ever locked for good; there is no 15-minute lockout.
 *
 * Attempts in flight (the password being checked) count against the free ones, so a burst of
 * parallel requests cannot slip past the count: attempts beyond the room left queue until
 * earlier ones are settled, then go ahead or are told to wait. Attempts answered "wait" are
 * not counted. All keys live in bounded maps; in-flight counts exist only while in flight.
 */
export class SignInGuard {
  readonly pairs: Throttle;
  readonly addresses: Throttle;
  readonly users: Throttle;
  readonly devices: Throttle;
  private readonly inFlight = new Map<Throttle, Map<string, number>>();
  private waiting: (() => void)[] = [];

  constructor(
    clock: () => number = Date.now,
    capacity = DEFAULT_CAPACITY,
    policy = SIGN_IN_POLICY,
    /** Attempts that may queue at once; beyond that they are told to wait a second. */
    private readonly maxQueued = 1000,
  ) {
    this.pairs = new Throttle(policy.pair, clock, capacity);
    this.addresses = new Throttle(policy.address, clock, capacity);
    this.users = new Throttle(policy.user, clock, capacity);
    this.devices = new Throttle(policy.device, clock, capacity);
    for (const t of [this.pairs, this.addresses, this.users, this.devices]) this.inFlight.set(t, new Map());
  }

  private keys(a: SignInAttempt): [Throttle, string][] {
    if (a.device !== null) return [[this.devices, a.device]];
    const address = addressKey(a.ip);
    return [
      [this.pairs, `${address}\u0000${a.username}`],
      [this.addresses, address],
      [this.users, a.username],
    ];
  }

  private flying(t: Throttle, k: string): number {
    return this.inFlight.get(t)!.get(k) ?? 0;
  }

  /**
   * Milliseconds the attempt must wait (refuse it), or 0: check the password, then call
   * `settle` exactly once.
   */
  async begin(a: SignInAttempt): Promise<number> {
    const keys = this.keys(a);
    for (;;) {
      const wait = Math.max(...keys.map(([t, k]) => t.retryAfter(k)));
      if (wait > 0) return wait;
      // Room: the free failures not yet used, and past them one attempt at a time.
      const full = keys.some(([t, k]) => this.flying(t, k) >= Math.max(1, t.policy.free - t.count(k)));
      if (!full) break;
      if (this.waiting.length >= this.maxQueued) return 1000;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    for (const [t, k] of keys) this.inFlight.get(t)!.set(k, this.flying(t, k) + 1);
    return 0;
  }

  /**
   * The attempt's outcome: a wrong password (or unknown name) counts on every key; a right one
   * lets this address try the name afresh; `error` (the check itself failed) counts nothing.
   */
  settle(a: SignInAttempt, outcome: 'ok' | 'failed' | 'error'): void {
    for (const [t, k] of this.keys(a)) {
      const n = this.flying(t, k) - 1;
      if (n > 0) this.inFlight.get(t)!.set(k, n);
      else this.inFlight.get(t)!.delete(k);
      if (outcome === 'failed') t.fail(k);
    }
    if (outcome === 'ok') {
      if (a.device !== null) this.devices.reset(a.device);
      else this.pairs.reset(`${addressKey(a.ip)}\u0000${a.username}`);
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Keys remembered now, all maps together. */
  get size(): number {
    return this.pairs.size + this.addresses.size + this.users.size + this.devices.size;
  }
}

import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { timeOrderedId } from '../engine/ids.js';
import type { Store, Trx } from '../store/db.js';
import { outboxRepository } from '../store/outbox.repository.js';
import type { OutboxRow } from '../store/schema.js';
import { describeError, type ChannelResult, type Channels } from './channels/channel.js';
import { toDelivery } from './outbox.js';

/** How failed deliveries are retried: `baseMs × factor^(attempt−1)`, at most `maxDelayMs`, with jitter. */
export interface RetryPolicy {
  baseMs: number;
  factor: number;
  /** Tries before a message goes to the dead-letter list. */
  maxAttempts: number;
  maxDelayMs: number;
  /** Fraction of each delay that is random (0: none, 1: "full jitter"); default 0.5. */
  jitter?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, factor: 2, maxAttempts: 8, maxDelayMs: 30 * 60_000, jitter: 0.5 };

/**
 * The wait before the try after `attempt` failed (attempt counts from 1). Jitter spreads
 * retries of many messages that failed together, so a receiver coming back is not flooded.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * policy.factor ** Math.max(0, attempt - 1));
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0.5));
  return Math.max(1, Math.round(exp * (1 - jitter * random())));
}

/** Where the dispatcher reports; pino's logger fits. */
export interface DispatcherLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  store: Store;
  channels: Channels;
  retry?: Partial<RetryPolicy>;
  clock?: () => number;
  random?: () => number;
  /**
   * How long a claim holds, ms: a message claimed by a process that dies is tried again
   * when it runs out. Must exceed the channels' timeouts. Default 2 minutes.
   */
  leaseMs?: number;
  /** Messages in flight at once, and the most one pass claims. Default 64. */
  concurrency?: number;
  /** Longest sleep between looks at the outbox (another process may have enqueued), ms. Default 5 s. */
  pollMs?: number;
  /**
   * Least time between the starts of two passes, ms, and the longest a finished send waits for
   * its outcome to be recorded. Each pass is a transaction on the one writer: commits that
   * enqueue messages in quick succession (a burst of due timers) share a pass instead of each
   * taking one, and the outcomes of a pass's sends ride with the next pass. Default 25 ms.
   */
  spacingMs?: number;
  /** How long `stop()` lets sends in flight finish before aborting them, ms. Default 10 s. */
  graceMs?: number;
  log?: DispatcherLog;
  /** Names this dispatcher in claims; default a random id. */
  workerId?: string;
}

interface Claimed {
  row: OutboxRow;
  attempt: number;
}

/** What a finished send answered, waiting to be recorded with the others of its pass. */
interface Outcome extends Claimed {
  result: ChannelResult;
  at: number;
}

/**
 * Delivers the outbox. Due messages are claimed in a short transaction (on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED`, so several processes share the work) and leased: the claim sets
 * `locked_until`, and a message whose claimant died is due again when the lease runs out.
 * Each pass is one transaction that records the outcomes of the sends finished since the last
 * pass and claims the next messages: one commit (one fsync on SQLite) for many outcomes, where
 * a transaction per outcome made a burst of notifications wait on the disk and held up every
 * request behind it. A pass woken by a commit runs one query when nothing is due.
 * Every attempt is recorded with its outcome; failures are retried with exponential backoff
 * and jitter, and after the last try (or a failure that cannot succeed) the message is dead,
 * on the dead-letter list until an administrator retries it. All state is in the database,
 * so a restart loses nothing.
 */
export class Dispatcher {
  readonly workerId: string;
  private readonly policy: RetryPolicy;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private loopDone: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  /** Finished sends whose outcome the next pass records. */
  private outcomes: Outcome[] = [];
  /**
   * The earliest time a message is known to fall due (a retry or a lease this dispatcher set,
   * or the outbox's answer): a pass woken by a commit sleeps until then without asking again.
   */
  private knownDue: number | null = null;
  private readonly spacingMs: number;
  /** When the last pass started (performance.now()). */
  private lastPass = -Infinity;

  constructor(private readonly opts: DispatcherOptions) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.clock = opts.clock ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.leaseMs = opts.leaseMs ?? 120_000;
    // Each pass is one commit: in-app messages are delivered at once, so a pass claims many.
    this.concurrency = opts.concurrency ?? 64;
    this.pollMs = opts.pollMs ?? 5_000;
    this.graceMs = opts.graceMs ?? 10_000;
    this.spacingMs = opts.spacingMs ?? 25;
    this.workerId = opts.workerId ?? randomUUID();
    // Every send in flight listens to the one stop signal.
    setMaxListeners(this.concurrency + 10, this.abort.signal);
  }

  /** Starts delivering in the background until `stop()`. */
  start(): void {
    if (this.loopDone || this.stopping) return;
    this.loopDone = this.loop();
  }

  /** Looks at the outbox now (call after a transaction that enqueued messages commits). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Claims the messages due now (up to the free capacity), delivers them and records the
   * outcomes. Resolves to how many were claimed. Steps the dispatcher by hand (tests, a
   * one-shot CLI run) instead of `start()`.
   */
  async runOnce(): Promise<number> {
    const claimed = await this.pass(this.concurrency - this.inflight.size);
    await Promise.all(claimed.map((c) => this.track(c)));
    await this.pass(0);
    return claimed.length;
  }

  /** An administrator's retry of a dead message; false unless it was dead. */
  async retry(id: string): Promise<boolean> {
    const done = await outboxRepository.retry(this.opts.store.db, id, this.clock());
    if (done) this.wake();
    return done;
  }

  /**
   * Stops gracefully: claims nothing more, lets sends in flight finish (aborting them after
   * the grace period, which records them as failed and due again), and records every outcome.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    if (this.inflight.size) {
      const timer = setTimeout(() => this.abort.abort(), this.graceMs);
      await Promise.allSettled([...this.inflight]);
      clearTimeout(timer);
    }
    await this.pass(0).catch((err: unknown) => this.opts.log?.error({ err }, 'notification dispatcher: recording the last outcomes failed; those messages are sent again after their lease'));
  }

  private async loop(): Promise<void> {
    // The first pass, and every pass after a sleep ran out, also asks the outbox when the next
    // message falls due (another process may have scheduled one, or died holding a lease).
    let woken = false;
    while (!this.stopping) {
      this.woken = false;
      let wait = this.pollMs;
      try {
        const free = this.concurrency - this.inflight.size;
        const claimed = await this.pass(free);
        for (const c of claimed) void this.track(c);
        // With every slot busy, a finished delivery wakes the loop; otherwise sleep until
        // the next message is due (a little at least: a due row another process holds
        // locked stays due until that claim commits).
        if (claimed.length < free) wait = Math.max(await this.untilNextDue(!woken), claimed.length ? 0 : 20);
      } catch (err) {
        this.opts.log?.error({ err }, 'notification dispatcher: a pass failed (sends finished in it are tried again when their lease runs out); trying again');
        wait = Math.min(this.pollMs, 1_000);
      }
      woken = this.woken || this.stopping ? (await this.sleep(0), true) : !(await this.sleep(wait));
    }
  }

  /**
   * Sleeps `ms` or until woken, but in either case until a spacing has passed since the last
   * pass started (not when stopping); resolves to true when the time ran out.
   */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const done = (ranOut: boolean) => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve(ranOut);
      };
      const spaced = (ranOut: boolean) => {
        const left = this.stopping ? 0 : this.lastPass + this.spacingMs - performance.now();
        if (left <= 0) return done(ranOut);
        clearTimeout(timer);
        timer = setTimeout(() => done(ranOut), left);
      };
      timer = setTimeout(() => spaced(true), Math.max(0, ms));
      this.wakeUp = () => spaced(false);
    });
  }

  /**
   * Ms until the earliest pending message (or lease) falls due, at most `pollMs`: asked of the
   * outbox when `ask`, else what this dispatcher knows (new messages are due at once and wake it).
   */
  private async untilNextDue(ask: boolean): Promise<number> {
    const now = this.clock();
    // Once the time it knew of has come, it asks: it keeps only the earliest time it set.
    if (this.knownDue !== null && this.knownDue <= now) {
      this.knownDue = null;
      ask = true;
    }
    const next = ask ? await outboxRepository.nextDue(this.opts.store.db) : this.knownDue;
    if (next === null) return this.pollMs;
    if (ask) this.expect(next);
    return Math.min(this.pollMs, Math.max(0, next - now));
  }

  /** Remembers a time a message falls due, set by this dispatcher. */
  private expect(due: number): void {
    if (this.knownDue === null || due < this.knownDue) this.knownDue = due;
  }

  private track(c: Claimed): Promise<void> {
    const p = this.deliver(c).finally(() => {
      this.inflight.delete(p);
      // Its outcome is recorded by the next pass, at most a spacing away (sleep).
      this.wake();
    });
    this.inflight.add(p);
    return p;
  }

  /**
   * One transaction: records the outcomes finished since the last pass, then claims up to
   * `limit` due messages and leases them to this dispatcher. A message found still leased by
   * a claimant that never finished is recorded as an abandoned attempt. When the transaction
   * fails, the outcomes are not recorded: their leases run out and the messages are sent
   * again with the same idempotency key, which receivers drop as a repeat.
   */
  private async pass(limit: number): Promise<Claimed[]> {
    if (this.stopping) limit = 0;
    const outcomes = this.outcomes.splice(0);
    if (limit <= 0 && !outcomes.length) return [];
    const { store } = this.opts;
    const now = this.clock();
    this.lastPass = performance.now();
    return store.db.transaction().execute(async (trx) => {
      if (outcomes.length) await this.record(trx, outcomes);
      if (limit <= 0) return [];
      const rows = await outboxRepository.due(trx, store.dialect, now, limit);
      const claimed: Claimed[] = [];
      const abandoned = rows.filter((row) => row.locked_until !== null);
      await outboxRepository.recordAttempts(
        trx,
        abandoned.map((row) => ({
          id: timeOrderedId(),
          message_id: row.id,
          attempt: row.attempts,
          at: now,
          outcome: 'failed' as const,
          detail: `abandoned: dispatcher ${row.locked_by ?? '?'} did not finish within its lease (stopped or too slow)`,
          external_id: null,
        })),
      );
      for (const row of rows) {
        if (row.locked_until !== null && row.attempts >= this.policy.maxAttempts) {
          await outboxRepository.giveUp(trx, row.id, `gave up after ${row.attempts} attempts: the last one was abandoned`);
          continue;
        }
        claimed.push({ row, attempt: row.attempts + 1 });
      }
      await outboxRepository.lease(
        trx,
        claimed.map((c) => c.row.id),
        { locked_by: this.workerId, locked_until: now + this.leaseMs, next_attempt_at: now + this.leaseMs },
      );
      if (claimed.length) this.expect(now + this.leaseMs);
      return claimed;
    });
  }

  /** Sends one claimed message; its outcome waits for the next pass. Never throws. */
  private async deliver({ row, attempt }: Claimed): Promise<void> {
    const channel = this.opts.channels[row.channel as keyof Channels];
    let result: ChannelResult;
    if (!channel) {
      result = { ok: false, retryable: false, reason: `channel ${row.channel} is not configured` };
    } else {
      try {
        result = await channel.send(toDelivery(row, attempt), this.abort.signal);
      } catch (err) {
        result = { ok: false, retryable: true, reason: `channel error: ${describeError(err)}` };
      }
    }
    this.outcomes.push({ row, attempt, result, at: this.clock() });
  }

  /** Records outcomes: one attempt row each (in one statement), and the message's new state while the claim is still this dispatcher's. */
  private async record(trx: Trx, outcomes: readonly Outcome[]): Promise<void> {
    await outboxRepository.recordAttempts(
      trx,
      outcomes.map(({ row, attempt, result, at }) => ({
        id: timeOrderedId(),
        message_id: row.id,
        attempt,
        at,
        outcome: result.ok ? ('sent' as const) : ('failed' as const),
        detail: result.ok ? null : result.reason.slice(0, 2_000),
        external_id: result.ok ? (result.id ?? null) : null,
      })),
    );
    const changes = outcomes.map(({ row, attempt, result, at }) => {
      const giveUp = !result.ok && (!result.retryable || attempt >= this.policy.maxAttempts);
      const unlocked = { locked_by: null, locked_until: null };
      const retryAt = result.ok || giveUp ? null : at + Math.max(backoffDelay(this.policy, attempt, this.random), result.retryAfterMs ?? 0);
      const change = result.ok
        ? { ...unlocked, status: 'sent' as const, sent_at: at, last_error: null }
        : retryAt === null
          ? {
              ...unlocked,
              status: 'dead' as const,
              last_error: result.retryable ? `gave up after ${attempt} attempts: ${result.reason}` : `not retryable: ${result.reason}`,
            }
          : { ...unlocked, next_attempt_at: retryAt, last_error: result.reason };
      return { id: row.id, attempt, change, retryAt };
    });
    const settled = await outboxRepository.settle(trx, this.workerId, changes);
    for (const { id, attempt, retryAt } of changes) {
      if (settled.has(id)) {
        if (retryAt !== null) this.expect(retryAt);
      } else {
        this.opts.log?.warn({ message: id, attempt }, 'notification dispatcher: the claim ran out before the outcome was recorded');
      }
    }
  }
}

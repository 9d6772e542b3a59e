import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Store } from '../store/db.js';
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
  /** Messages in flight at once. Default 16. */
  concurrency?: number;
  /** Longest sleep between looks at the outbox (another process may have enqueued), ms. Default 5 s. */
  pollMs?: number;
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

/**
 * Delivers the outbox. Due messages are claimed in a short transaction (on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED`, so several processes share the work) and leased: the claim sets
 * `locked_until`, and a message whose claimant died is due again when the lease runs out.
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

  constructor(private readonly opts: DispatcherOptions) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.clock = opts.clock ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.leaseMs = opts.leaseMs ?? 120_000;
    this.concurrency = opts.concurrency ?? 16;
    this.pollMs = opts.pollMs ?? 5_000;
    this.graceMs = opts.graceMs ?? 10_000;
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
    const claimed = await this.claim(this.concurrency - this.inflight.size);
    await Promise.all(claimed.map((c) => this.track(c)));
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
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let wait = this.pollMs;
      try {
        const free = this.concurrency - this.inflight.size;
        if (free > 0) {
          const claimed = await this.claim(free);
          for (const c of claimed) void this.track(c);
          // With every slot busy, a finished delivery wakes the loop; otherwise sleep until
          // the next message is due (a little at least: a due row another process holds
          // locked stays due until that claim commits).
          if (claimed.length < free) wait = Math.max(await this.untilNextDue(), claimed.length ? 0 : 20);
        }
      } catch (err) {
        this.opts.log?.error({ err }, 'notification dispatcher: claiming failed; trying again');
        wait = Math.min(this.pollMs, 1_000);
      }
      if (!this.woken && !this.stopping) await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wakeUp = done;
    });
  }

  /** Ms until the earliest pending message (or lease) falls due, at most `pollMs`. */
  private async untilNextDue(): Promise<number> {
    const next = await outboxRepository.nextDue(this.opts.store.db);
    if (next === null) return this.pollMs;
    return Math.min(this.pollMs, Math.max(0, next - this.clock()));
  }

  private track(c: Claimed): Promise<void> {
    const p = this.deliver(c).finally(() => {
      this.inflight.delete(p);
      this.wake();
    });
    this.inflight.add(p);
    return p;
  }

  /**
   * Claims up to `limit` due messages and leases them to this dispatcher. A message found
   * still leased by a claimant that never finished is recorded as an abandoned attempt.
   */
  private async claim(limit: number): Promise<Claimed[]> {
    if (limit <= 0 || this.stopping) return [];
    const { store } = this.opts;
    const now = this.clock();
    return store.db.transaction().execute(async (trx) => {
      const rows = await outboxRepository.due(trx, store.dialect, now, limit);
      const claimed: Claimed[] = [];
      for (const row of rows) {
        if (row.locked_until !== null) {
          await outboxRepository.recordAttempt(trx, {
            id: randomUUID(),
            message_id: row.id,
            attempt: row.attempts,
            at: now,
            outcome: 'failed',
            detail: `abandoned: dispatcher ${row.locked_by ?? '?'} did not finish within its lease (stopped or too slow)`,
            external_id: null,
          });
          if (row.attempts >= this.policy.maxAttempts) {
            await outboxRepository.giveUp(trx, row.id, `gave up after ${row.attempts} attempts: the last one was abandoned`);
            continue;
          }
        }
        const attempt = row.attempts + 1;
        await outboxRepository.lease(trx, row.id, { attempts: attempt, locked_by: this.workerId, locked_until: now + this.leaseMs, next_attempt_at: now + this.leaseMs });
        claimed.push({ row, attempt });
      }
      return claimed;
    });
  }

  /** Sends one claimed message and records the outcome. Never throws. */
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
    try {
      await this.record(row, attempt, result);
    } catch (err) {
      // The lease runs out and the message is tried again: receivers drop the repeat by key.
      this.opts.log?.error({ err, message: row.id }, 'notification dispatcher: recording an outcome failed');
    }
  }

  private async record(row: OutboxRow, attempt: number, result: ChannelResult): Promise<void> {
    const now = this.clock();
    const giveUp = !result.ok && (!result.retryable || attempt >= this.policy.maxAttempts);
    await this.opts.store.db.transaction().execute(async (trx) => {
      await outboxRepository.recordAttempt(trx, {
        id: randomUUID(),
        message_id: row.id,
        attempt,
        at: now,
        outcome: result.ok ? 'sent' : 'failed',
        detail: result.ok ? null : result.reason.slice(0, 2_000),
        external_id: result.ok ? (result.id ?? null) : null,
      });
      const unlocked = { locked_by: null, locked_until: null };
      const change = result.ok
        ? { ...unlocked, status: 'sent' as const, sent_at: now, last_error: null }
        : giveUp
          ? {
              ...unlocked,
              status: 'dead' as const,
              last_error: result.retryable ? `gave up after ${attempt} attempts: ${result.reason}` : `not retryable: ${result.reason}`,
            }
          : {
              ...unlocked,
              next_attempt_at: now + Math.max(backoffDelay(this.policy, attempt, this.random), result.retryAfterMs ?? 0),
              last_error: result.reason,
            };
      if (!(await outboxRepository.settle(trx, row.id, { workerId: this.workerId, attempt }, change))) {
        this.opts.log?.warn({ message: row.id, attempt }, 'notification dispatcher: the claim ran out before the outcome was recorded');
      }
    });
  }
}

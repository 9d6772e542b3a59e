import type { Store } from '../store/db.js';
import type { StreamKind } from '../store/schema.js';
import { timersRepository } from '../store/timers.repository.js';
import type { CommitWatcher } from './stream.processor.js';
/** Something whose durable timers the scheduler fires: the stream processor of each kind. */
export interface TimerSource {
  /** The kind of stream whose timers it fires. */
  readonly kind: StreamKind;
  fireDueTimers(): Promise<number>;
  /** Tells of each of its commits: the last sequence number and the earliest timer it wrote. */
  watchCommits?(watcher: CommitWatcher): () => void;
}

/** Own commits remembered until the store's announcement of them arrives (PostgreSQL's arrives later). */
const OWN_COMMITS = 1_024;

/** setTimeout's largest delay; longer waits are taken in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Fires durable timers. It sleeps until the earliest due time in the database (no polling)
 * and fires what fell due through the engine. Its own processors tell it the earliest timer
 * each commit wrote, so it moves its wake-up earlier without a query; a commit it did not see
 * written (another process's, via the store's listener) makes it look at the database again.
 * It knows the next due time of each kind of stream and wakes only the kinds that have timers
 * due: an incident's timer does not wait for empty slices of cases and risks, each a
 * transaction. A timer removed after it was planned costs one early wake-up that finds
 * nothing due. Timers that fell due while the server was down fire at start, recorded at
 * their original due time.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  private unlisten: (() => Promise<void>) | null = null;
  private wakeAt: number | null = null;
  /** The next due time of each kind, as last planned and told since (absent: none pending). */
  private readonly due = new Map<StreamKind, number>();
  /** A look at the next due time is queued: the commits of a burst queue one, not one each. */
  private replanning = false;
  /** Sequence numbers of commits the processors told of, whose announcement needs no query. */
  private readonly own = new Set<number>();
  private readonly unsubscribe: (() => void)[] = [];
  /** The earliest timer of each kind our commits wrote since the last planning query started. */
  private readonly writtenSince = new Map<StreamKind, number>();

  constructor(
    private readonly store: Store,
    private readonly sources: readonly TimerSource[],
    private readonly clock: () => number = Date.now,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /**
   * Starts watching; resolves at once. Timers that fell due while the server was down fire in
   * the background, in slices between requests: the server answers while it catches up.
   */
  async start(): Promise<void> {
    for (const source of this.sources) {
      const off = source.watchCommits?.({
        committing: (seq) => this.remember(seq),
        committed: (_seq, earliest) => this.written(source.kind, earliest),
        abandoned: (seq) => void this.own.delete(seq),
      });
      if (off) this.unsubscribe.push(off);
    }
    this.unlisten = await this.store.listen((seq) => {
      if (!this.own.delete(seq)) this.reschedule();
    });
    // Every kind fires at start: what fell due while the server was down is not known yet.
    void this.tick(true);
  }

  /** When the next wake-up is planned: epoch ms, or null (nothing pending, or planning). */
  get nextWake(): number | null {
    return this.wakeAt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    await this.unlisten?.();
    await this.busy;
    // A planning query that was on its way when stopping must not leave a wake-up behind (it
    // would keep the process alive until then).
    this.clear();
  }

  /** Looks at the next due time again (after any change). */
  reschedule(): void {
    if (this.stopped || this.replanning) return;
    this.replanning = true;
    this.busy = this.busy
      .then(() => {
        this.replanning = false;
        return this.plan();
      })
      .catch(this.onError);
  }

  /** One of our transactions is committing `seq`: its announcement (which may come before `written`) needs no query. */
  private remember(seq: number): void {
    this.own.add(seq);
    if (this.own.size > OWN_COMMITS) this.own.delete(this.own.values().next().value!);
  }

  /** One of our commits wrote timers of `kind` due from `earliest` on: wakes for them if sooner than planned. */
  private written(kind: StreamKind, earliest: number | null): void {
    if (this.stopped || earliest === null) return;
    // A planning query already on its way may not see this commit: it takes this into account.
    this.writtenSince.set(kind, Math.min(this.writtenSince.get(kind) ?? Infinity, earliest));
    this.due.set(kind, Math.min(this.due.get(kind) ?? Infinity, earliest));
    if (this.wakeAt === null || earliest < this.wakeAt) this.wake(earliest);
  }

  /** Fires the kinds with timers due (`all`: every kind), then plans the next wake-up. */
  private async tick(all = false): Promise<void> {
    if (this.stopped) return;
    const run = this.busy.then(async () => {
      const now = this.clock();
      for (const source of this.sources) {
        const due = this.due.get(source.kind);
        if (all || (due !== undefined && due <= now)) await source.fireDueTimers();
      }
      await this.plan();
    });
    this.busy = run.catch(this.onError);
    await this.busy;
  }

  private async plan(): Promise<void> {
    if (this.stopped) return;
    this.writtenSince.clear();
    const stored = await timersRepository.nextDue(
      this.store.db,
      this.sources.map((s) => s.kind),
    );
    this.due.clear();
    for (const source of this.sources) {
      const due = Math.min(stored.get(source.kind) ?? Infinity, this.writtenSince.get(source.kind) ?? Infinity);
      if (due !== Infinity) this.due.set(source.kind, due);
    }
    const due = Math.min(...this.due.values());
    if (due === Infinity) {
      this.clear();
      return;
    }
    // Armed again even for the same due time: the wait is measured against the clock as it is now.
    this.wake(due);
  }

  private wake(due: number): void {
    if (this.stopped) return;
    this.clear();
    this.wakeAt = due;
    const delay = Math.min(Math.max(0, due - this.clock()), MAX_DELAY);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wakeAt = null;
      void this.tick();
    }, delay);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wakeAt = null;
  }
}

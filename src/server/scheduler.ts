import type { Store } from '../store/db.js';
import { timersRepository } from '../store/timers.repository.js';
/** Something whose durable timers the scheduler fires: the stream processor of each kind. */
export interface TimerSource {
  fireDueTimers(): Promise<number>;
}

/** setTimeout's largest delay; longer waits are taken in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Fires durable timers. It sleeps until the earliest due time in the database (no polling),
 * wakes on any committed change (ours, or another process's via the store's listener) to
 * look again, and fires what fell due through the engine. Timers that fell due while the
 * server was down fire at start, recorded at their original due time.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  private unlisten: (() => Promise<void>) | null = null;
  private wakeAt: number | null = null;
  /** A look at the next due time is queued: the commits of a burst queue one, not one each. */
  private replanning = false;

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
    this.unlisten = await this.store.listen(() => this.reschedule());
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.unlisten?.();
    await this.busy;
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

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const run = this.busy.then(async () => {
      for (const source of this.sources) await source.fireDueTimers();
      await this.plan();
    });
    this.busy = run.catch(this.onError);
    await this.busy;
  }

  private async plan(): Promise<void> {
    if (this.stopped) return;
    const due = await timersRepository.nextDue(this.store.db);
    if (due === null) {
      this.clear();
      return;
    }
    if (this.wakeAt === due && this.timer) return;
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

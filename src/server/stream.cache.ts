import type { Store, Trx } from '../store/db.js';
import { eventsRepository } from '../store/events.repository.js';

/** A stream as last committed: its state (never mutated: the engine's `evolve` returns new states), plan digest and pending timers' key. */
export interface CommittedStream {
  state: { version: number };
  digest: string | null;
  timers: string;
}

/**
 * Hot streams as last committed, so a command does not read its stream's projection back
 * (profile: the projection read and its JSON parse were a statement and a parse per command).
 *
 * The guard is the hash chain's head. Every change of a stream appends events under the
 * store's write lock, so the head's sequence number counts every change by any process. The
 * cache knows up to which sequence number it has seen every append (`seq`); a transaction
 * that finds the head further on (another process sharing PostgreSQL) first forgets exactly
 * the streams appended since, read from the log. Entries are replaced only after commit,
 * never by a transaction that rolled back.
 */
export class StreamCache {
  /** Every append up to this sequence number is reflected; -1 before the first transaction. */
  private seq = -1;
  private readonly entries = new Map<string, CommittedStream>();

  constructor(private readonly capacity = 10_000) {}

  /** Under the write lock, with the chain head's sequence number just read: forgets what others changed since. */
  async sync(trx: Trx, head: number): Promise<void> {
    if (head === this.seq) return;
    if (this.seq < 0 || head < this.seq || head - this.seq > this.capacity) this.entries.clear();
    else for (const key of await eventsRepository.streamsBetween(trx, this.seq, head)) this.entries.delete(key);
    this.seq = head;
  }

  /** Forgets every stream: the next transaction reads them from the database (a restarted server's cold start). */
  clear(): void {
    this.entries.clear();
  }

  /** Whether the committed stream `key` is known (without touching its recency). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The committed stream `key` (`kind:id`), if known. */
  get(key: string): CommittedStream | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last: eviction takes the oldest.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * After a commit of a transaction that synced at `from` and appended up to `to` (0: nothing):
   * keeps the streams as it left them. Only when no other transaction synced in between:
   * otherwise that sync may already have forgotten an append by another process made after
   * this commit, and these states would hide it; they are simply read again.
   */
  committed(from: number, to: number, streams: Iterable<[string, CommittedStream]>): void {
    if (this.seq !== from) return;
    if (to) this.seq = to;
    for (const [key, stream] of streams) {
      this.entries.delete(key);
      this.entries.set(key, stream);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(key);
    }
  }
}

const caches = new WeakMap<Store, StreamCache>();

/** The cache every stream processor on `store` shares (one transaction holds streams of several kinds). */
export function streamCache(store: Store): StreamCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new StreamCache()));
  return cache;
}

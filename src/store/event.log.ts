import { eventHash, GENESIS } from './chain.js';
import type { Plan } from '../plan/plan.js';
import type { Store, Trx } from './db.js';
import type { NewEventRow, StreamKind } from './schema.js';

/** Who caused an event: recorded on it. `null` for the plan's own timers. */
export interface Actor {
  userId: string;
  username: string;
  role: string | null;
  /** Staff recording an action for the person holding `role` (e.g. checking them in). */
  onBehalf: boolean;
  /**
   * When the command was made on the sender's phone (epoch ms, its own clock), recorded beside
   * the arrival; never part of a decision: the engine and every deadline use the arrival.
   */
  madeAt?: number | null;
}

/** An engine event of any stream: a type, an instant, and its data. */
export interface StreamEvent {
  type: string;
  at: number;
}

/** A stream the appending transaction holds, as it stands (saved, not yet committed); undefined for any other. */
export type KnownStream = (kind: string, id: string) => { state: unknown; plan: Plan } | undefined;

/**
 * Runs in the transaction of a flush, after its rows are written: what the events cause in
 * the same transaction (e.g. the notifications' outbox). A failure rolls the events back.
 * `known`, where the writer has it, gives the streams the transaction holds, so the hook need
 * not read back what was just saved.
 */
export type FlushHook = (trx: Trx, rows: readonly NewEventRow[], known?: KnownStream) => Promise<void>;

/**
 * Appends events to the hash-chained log inside one transaction. Opening it takes the store's
 * write lock and reads the chain head; `flush` writes the rows and the new chain head and
 * announces them.
 * Every state change of every stream goes through here, in the transaction of the change.
 */
export class LogWriter {
  private readonly rows: NewEventRow[] = [];

  private constructor(
    private readonly store: Store,
    private readonly trx: Trx,
    private seq: number,
    private hash: string,
    private readonly now: number,
    private readonly onFlush: FlushHook | null,
  ) {}

  /** `onFlush` sees every flushed batch of rows inside the transaction. */
  static async open(store: Store, trx: Trx, now: number, onFlush: FlushHook | null = null): Promise<LogWriter> {
    const head = await store.lockHead(trx);
    return new LogWriter(store, trx, head.seq, head.hash ?? GENESIS, now, onFlush);
  }

  /** The last sequence number: the chain head's when opened, then the last appended. */
  get position(): number {
    return this.seq;
  }

  /** Chains one event of a stream at the stream's new version. */
  append(stream: StreamKind, id: string, version: number, event: StreamEvent, actor: Actor | null): void {
    const { type, at, ...data } = event;
    const row = {
      seq: ++this.seq,
      stream,
      stream_id: id,
      version,
      type,
      at,
      data: JSON.stringify(data),
      actor_user: actor?.username ?? null,
      actor_role: actor?.role ?? null,
      on_behalf: actor?.onBehalf ? 1 : 0,
      recorded_at: this.now,
      made_at: actor?.madeAt ?? null,
    };
    const hash = eventHash(this.hash, row);
    this.rows.push({ ...row, prev_hash: this.hash, hash });
    this.hash = hash;
  }

  /** Writes what was appended; returns the last sequence number, or 0 if nothing was. */
  async flush(): Promise<number> {
    if (!this.rows.length) return 0;
    const rows = this.rows.splice(0);
    // The announcement (PostgreSQL's NOTIFY) goes out at commit only, so it may precede the hook.
    await this.store.append(this.trx, rows, { seq: this.seq, hash: this.hash });
    if (this.onFlush) await this.onFlush(this.trx, rows);
    return this.seq;
  }
}

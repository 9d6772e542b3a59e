import type { Store } from '../store/db.js';
import type { RiskState } from '../engine/risk.state.js';
import { eventsRepository } from '../store/events.repository.js';
import { risksRepository } from '../store/risks.repository.js';
import type { EventRow } from '../store/schema.js';

/** Committed events in order, with the register matters their risk events belong to (who may read them depends on it). */
export interface Batch {
  rows: EventRow[];
  risks: ReadonlyMap<string, RiskState>;
}
export type Subscriber = (batch: Batch) => void;

/** Reads a page of events after `seq`, with the matters of its register events. */
export async function readBatch(store: Store, after: number, limit: number): Promise<Batch> {
  const rows = await eventsRepository.after(store.db, after, limit);
  const riskIds = rows.filter((r) => r.stream === 'risk').map((r) => r.stream_id);
  return { rows, risks: riskIds.length ? await risksRepository.many(store.db, riskIds) : new Map() };
}

/**
 * Fans committed events out to live subscribers (the SSE stream). On each commit notice,
 * from this process or another one sharing the database, it reads the events after its
 * cursor once and hands them to every subscriber, in sequence order.
 */
export class EventHub {
  private cursor = 0;
  private readonly subscribers = new Set<Subscriber>();
  private readonly streams = new Set<() => void>();
  private reading: Promise<void> = Promise.resolve();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    this.cursor = (await eventsRepository.head(this.store.db)).seq;
    this.unlisten = await this.store.listen(() => this.poke());
  }

  /** Ends every open live stream (at shutdown), then stops listening. */
  async stop(): Promise<void> {
    for (const end of this.streams) end();
    this.streams.clear();
    await this.unlisten?.();
    await this.reading;
    this.subscribers.clear();
  }

  /** Registers a way to end an open stream at shutdown; returns its removal. */
  track(end: () => void): () => void {
    this.streams.add(end);
    return () => this.streams.delete(end);
  }

  /** The last sequence number handed to subscribers. */
  get position(): number {
    return this.cursor;
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  /** Reads whatever was committed since the cursor (serialized, so order is kept). */
  poke(): Promise<void> {
    this.reading = this.reading.then(async () => {
      for (;;) {
        const batch = await readBatch(this.store, this.cursor, 1000);
        if (!batch.rows.length) return;
        this.cursor = Number(batch.rows.at(-1)!.seq);
        for (const s of this.subscribers) s(batch);
      }
    }).catch(() => {});
    return this.reading;
  }
}

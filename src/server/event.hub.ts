import type { Store } from '../store/db.js';
import type { RiskState } from '../engine/risk/state.js';
import { eventsRepository } from '../store/events.repository.js';
import { risksRepository } from '../store/risks.repository.js';
import type { EventRow } from '../store/schema.js';

/** Committed events in order, with the register matters their risk events belong to (who may read them depends on it). */
export interface Batch {
  rows: EventRow[];
  risks: ReadonlyMap<string, RiskState>;
}
/** One event as the live stream sends it: its sequence number and its `id:`/`data:` lines. */
export interface Frame {
  seq: number;
  text: string;
}
/** Turns a batch into the frames one kind of reader receives. */
export type Render = (batch: Batch) => Frame[];
/**
 * Receives the frames of a batch, rendered once for every reader of its kind; `bytes` is all of
 * them as one buffer, encoded once for the whole audience (a socket write without re-encoding).
 */
export type Sink = (frames: readonly Frame[], bytes: () => Buffer) => void;

interface Audience {
  render: Render;
  sinks: Set<Sink>;
}

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
 *
 * Readers who see the same events the same way (same plan, same roles) form one audience:
 * a batch is rendered (visibility applied, JSON serialized) once per audience, and each
 * subscriber only writes the shared text to its socket. With no subscriber at all, commit
 * notices just move the cursor: nothing is read.
 */
export class EventHub {
  private cursor = 0;
  private readonly audiences = new Map<string, Audience>();
  private readonly streams = new Set<() => void>();
  private reading: Promise<void> = Promise.resolve();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    this.cursor = (await eventsRepository.head(this.store.db)).seq;
    this.unlisten = await this.store.listen((seq) => void this.poke(seq));
  }

  /** Ends every open live stream (at shutdown), then stops listening. */
  async stop(): Promise<void> {
    for (const end of this.streams) end();
    this.streams.clear();
    await this.unlisten?.();
    await this.reading;
    this.audiences.clear();
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

  /** How many live subscribers there are, and how many audiences they form. */
  get size(): { subscribers: number; audiences: number } {
    let subscribers = 0;
    for (const a of this.audiences.values()) subscribers += a.sinks.size;
    return { subscribers, audiences: this.audiences.size };
  }

  /**
   * Subscribes `sink` to live events as the audience `key` sees them. `render` must depend
   * on nothing but the key (it is called once per batch for all the audience's sinks).
   */
  subscribe(key: string, render: Render, sink: Sink): () => void {
    let audience = this.audiences.get(key);
    if (!audience) this.audiences.set(key, (audience = { render, sinks: new Set() }));
    audience.sinks.add(sink);
    return () => {
      audience.sinks.delete(sink);
      if (!audience.sinks.size && this.audiences.get(key) === audience) this.audiences.delete(key);
    };
  }

  /**
   * Reads whatever was committed since the cursor (serialized, so order is kept). `seq`, the
   * sequence number just committed, lets the cursor move without reading when nobody listens.
   */
  poke(seq?: number): Promise<void> {
    this.reading = this.reading
      .then(async () => {
        if (!this.audiences.size && seq !== undefined) {
          this.cursor = Math.max(this.cursor, seq);
          return;
        }
        for (;;) {
          const batch = await readBatch(this.store, this.cursor, 1000);
          if (!batch.rows.length) return;
          this.cursor = Number(batch.rows.at(-1)!.seq);
          for (const audience of [...this.audiences.values()]) {
            const frames = audience.render(batch);
            let encoded: Buffer | null = null;
            const bytes = () => (encoded ??= Buffer.from(frames.map((f) => f.text).join('')));
            for (const sink of audience.sinks) sink(frames, bytes);
          }
        }
      })
      .catch(() => {});
    return this.reading;
  }
}

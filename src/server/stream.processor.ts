import type { Refusal } from '../i18n/refusals.js';
import type { Plan } from '../plan/plan.js';
import type { Decider, PendingTimer } from '../engine/kernel/decider.js';
import { randomIds, type IdKind } from '../engine/ids.js';
import type { Store, Trx } from '../store/db.js';
import { LogWriter, type Actor, type FlushHook, type KnownStream, type StreamEvent } from '../store/event.log.js';
import type { StreamKind } from '../store/schema.js';
import { timersRepository } from '../store/timers.repository.js';
import { commandKeysRepository } from '../store/command-keys.repository.js';
import type { PlanRegistry } from './plan.registry.js';
import { streamCache, type CommittedStream, type StreamCache } from './stream.cache.js';

export type { Actor };

/** What every stream's state has: its id and its version (the number of its events). */
export interface Versioned {
  id: string;
  version: number;
}

/**
 * One kind of stream as the server runs it: its pure decider, its projection, and the few
 * things that differ per kind, as hooks. `X` is the decider's context besides plan, instant and
 * ids; `P` is what a command may bring besides itself (a walk-in case's personal data).
 */
export interface StreamDefinition<S extends Versioned, C, E extends StreamEvent, R extends { code: string }, X extends object, P> {
  readonly decider: Decider<StreamKind, S, C, E, R, X>;
  /** The decider's context for a command with `payload`, and (without one) for its timers. */
  context(payload?: P): X;
  /** The projection and the digest of the plan the stream runs under (null: the current plan). */
  load(trx: Trx, id: string): Promise<{ state: S; digest: string | null } | undefined>;
  /** `load` of many streams in one statement (a slice of due timers); the missing are left out. */
  loadMany?(trx: Trx, ids: readonly string[]): Promise<Map<string, { state: S; digest: string | null }>>;
  /** Writes the projections of a batch's changed streams; `digest` is the plan a new stream is pinned to. */
  save(trx: Trx, streams: readonly { state: S; isNew: boolean; digest: string }[], now: number): Promise<void>;
  /** Completes an event before it is recorded (a summons names who holds the role). */
  complete?(trx: Trx, plan: Plan, event: E): Promise<E>;
  /** What a recorded event causes in the same transaction (a cleared incident opens a case). */
  recorded?(tx: StreamTransaction, stream: Stream<S>, event: E): Promise<void>;
  /** What an accepted command causes with its payload, in its transaction (personal data sealed). */
  accepted?(trx: Trx, stream: Stream<S>, isNew: boolean, payload: P | undefined, now: number): Promise<void>;
}

/** A definition of any kind: one transaction holds streams of several kinds. */
export type AnyDefinition = StreamDefinition<any, any, any, any, any, any>;
export type StateOf<D> = D extends StreamDefinition<infer S, any, any, any, any, any> ? S : never;
export type CommandOf<D> = D extends StreamDefinition<any, infer C, any, any, any, any> ? C : never;
export type EventOf<D> = D extends StreamDefinition<any, any, infer E, any, any, any> ? E : never;
export type RejectionOf<D> = D extends StreamDefinition<any, any, any, infer R extends { code: string }, any, any> ? R : never;
export type PayloadOf<D> = D extends StreamDefinition<any, any, any, any, any, infer P> ? P : never;

/**
 * Decides who acts, against the stream as it stands when the command applies (inside the
 * transaction, `trx`, so what it checks or uses up, e.g. a one-time link, commits or rolls
 * back with the command): the actor to record, or the reason it is not allowed.
 */
export type Authorize<S> = (state: S | null, plan: Plan, trx: Trx) => Actor | { forbidden: Refusal } | Promise<Actor | { forbidden: Refusal }>;

export type Outcome<S, E, R> =
  | { kind: 'accepted'; state: S; plan: Plan; events: E[] }
  | { kind: 'forbidden'; reason: Refusal }
  | { kind: 'rejected'; state: S | null; plan: Plan; rejection: R }
  | { kind: 'not_found' };
export type OutcomeOf<D> = Outcome<StateOf<D>, EventOf<D>, RejectionOf<D>>;

/** The outcome of a command sent with an idempotency key. */
export type KeyedOutcome<S, E, R> =
  | Outcome<S, E, R>
  /** A repeat of a keyed command: what came of it the first time, with the stream as it stands now. Nothing was appended. */
  | { kind: 'replayed'; of: 'accepted' | 'rejected'; state: S | null; plan: Plan; rejection: R | null }
  /** The key was used by another user, or for another stream or command. */
  | { kind: 'key_reused' };
export type KeyedOutcomeOf<D> = KeyedOutcome<StateOf<D>, EventOf<D>, RejectionOf<D>>;

/** A stream inside a transaction: its state so far, the plan it runs under, and what was stored. */
export interface Stream<S> {
  readonly definition: AnyDefinition;
  state: S | null;
  readonly plan: Plan;
  isNew: boolean;
  /** The version, pending timers and plan digest as stored, to write only what changed; null timers rewrite them. */
  stored: { version: number; timers: string | null; digest: string | null };
}

const timerKey = (timers: readonly PendingTimer[]) => timers.map((t) => `${t.key}@${t.due}`).join(',');

/** Told of every transaction of a processor that appended events, by the last sequence number it appended. */
export interface CommitWatcher {
  /** Before COMMIT: the store may announce `seq` (to every process) before `committed` is called. */
  committing(seq: number): void;
  /** After COMMIT, with the earliest due time among the timers the transaction wrote (null: none). */
  committed(seq: number, earliestTimer: number | null): void;
  /** The transaction that was committing `seq` rolled back: `seq` is not ours. */
  abandoned(seq: number): void;
}


/**
 * The streams one transaction works on, of any kind: loads each once (later commands of the
 * batch see earlier ones), appends their events to the log, and saves what changed.
 */
export class StreamTransaction {
  private readonly streams = new Map<string, Stream<unknown>>();
  private readonly deferred: (() => Promise<void>)[] = [];
  /** The earliest due time among the timers `save` wrote; null when it wrote none. */
  earliestWritten: number | null = null;

  constructor(
    readonly trx: Trx,
    readonly log: LogWriter,
    readonly now: number,
    private readonly plans: PlanRegistry,
    readonly newId: (kind: IdKind) => string,
    private readonly cache: StreamCache,
  ) {}

  /** Rows read ahead by `preload`, taken by `load`. */
  private readonly preloaded = new Map<string, { state: unknown; digest: string | null }>();

  /**
   * Reads the streams `ids` that neither this transaction nor the cache holds, in one statement
   * where the kind can (a slice of due timers after a restart: not one statement per stream).
   */
  async preload(definition: AnyDefinition, ids: readonly string[]): Promise<void> {
    if (!definition.loadMany) return;
    const kind = definition.decider.kind;
    const missing = ids.filter((id) => !this.streams.has(`${kind}:${id}`) && !this.cache.has(`${kind}:${id}`));
    if (!missing.length) return;
    for (const [id, row] of await definition.loadMany(this.trx, missing)) this.preloaded.set(`${kind}:${id}`, row);
  }

  /** A stream this transaction holds, as it stands (for the flush hook). */
  readonly known: KnownStream = (kind, id) => {
    const stream = this.streams.get(`${kind}:${id}`);
    return stream?.state ? { state: stream.state, plan: stream.plan } : undefined;
  };

  /** A stored stream, as this transaction left it (as last committed when the cache knows it); undefined when there is none. */
  async load<S>(definition: AnyDefinition, id: string): Promise<Stream<S> | undefined> {
    const key = `${definition.decider.kind}:${id}`;
    const known = this.streams.get(key);
    if (known) return known as Stream<S>;
    const committed = this.cache.get(key);
    const ahead = committed ? undefined : this.preloaded.get(key);
    if (ahead) this.preloaded.delete(key);
    const row = committed ?? ahead ?? (await definition.load(this.trx, id));
    if (!row) return undefined;
    const plan = row.digest === null ? await this.plans.current(this.trx) : await this.plans.byDigest(row.digest, this.trx);
    const state = row.state as S & Versioned;
    const timers = committed?.timers ?? timerKey(definition.decider.pending(state, { plan, ...definition.context() }));
    const stream: Stream<S> = { definition, state, plan, isNew: false, stored: { version: state.version, timers, digest: row.digest } };
    this.streams.set(key, stream);
    return stream;
  }

  /** A stream that does not exist yet, under `plan` (by default the current one); kept once its first event is recorded. */
  async begin<S>(definition: AnyDefinition, plan?: Plan): Promise<Stream<S>> {
    const under = plan ?? (await this.plans.current(this.trx));
    return { definition, state: null, plan: under, isNew: true, stored: { version: 0, timers: '', digest: under.digest } };
  }

  /** Folds events into the stream and appends them to the log, with what each causes. */
  async record<S>(stream: Stream<S>, events: readonly unknown[], actor: Actor | null): Promise<void> {
    const { definition } = stream;
    for (const raw of events) {
      const event = definition.complete ? await definition.complete(this.trx, stream.plan, raw) : raw;
      const state = definition.decider.evolve(stream.state, event) as S & Versioned;
      stream.state = state;
      this.streams.set(`${definition.decider.kind}:${state.id}`, stream);
      this.log.append(definition.decider.kind, state.id, state.version, event as StreamEvent, actor);
      await definition.recorded?.(this, stream, event);
    }
  }

  /** Fires the stream's timers due by now, earliest first, each at its own due time, before anything else happens to it. */
  async catchUp<S>(stream: Stream<S>): Promise<void> {
    if (stream.state === null) return;
    const { definition, plan } = stream;
    const { events } = definition.decider.fireDue(stream.state, { plan, newId: this.newId, ...definition.context() }, this.now);
    await this.record(stream, events, null);
  }

  /** Runs `step` just before the streams are saved (events of another stream, after this batch's). */
  later(step: () => Promise<void>): void {
    this.deferred.push(step);
  }

  /**
   * Runs what was deferred and saves every stream that changed: its projection, and its
   * timers (absolute due times, per the decider) when they differ from what is stored; a few
   * statements per kind for the whole batch, not a few per stream.
   */
  async save(): Promise<void> {
    for (let step = this.deferred.shift(); step; step = this.deferred.shift()) await step();
    const kinds = new Map<AnyDefinition, { projections: { state: Versioned; isNew: boolean; digest: string }[]; timers: { id: string; timers: PendingTimer[] }[] }>();
    for (const stream of this.streams.values()) {
      const state = stream.state as Versioned;
      const { definition, plan } = stream;
      let kind = kinds.get(definition);
      if (!kind) kinds.set(definition, (kind = { projections: [], timers: [] }));
      if (stream.isNew || state.version !== stream.stored.version) kind.projections.push({ state, isNew: stream.isNew, digest: plan.digest });
      const timers = definition.decider.pending(state, { plan, ...definition.context() });
      const key = timerKey(timers);
      if (key !== stream.stored.timers) {
        kind.timers.push({ id: state.id, timers });
        for (const t of timers) if (this.earliestWritten === null || t.due < this.earliestWritten) this.earliestWritten = t.due;
      }
      stream.isNew = false;
      stream.stored = { version: state.version, timers: key, digest: stream.stored.digest };
    }
    for (const [definition, { projections, timers }] of kinds) {
      if (projections.length) await definition.save(this.trx, projections, this.now);
      if (timers.length) await timersRepository.replace(this.trx, definition.decider.kind, timers);
    }
  }

  /** Every stream as saved, for the cache once the transaction commits. */
  saved(): [string, CommittedStream][] {
    return [...this.streams].map(([key, { state, stored }]) => [key, { state: state as Versioned, digest: stored.digest, timers: stored.timers ?? '' }]);
  }
}

/**
 * An idempotency key a command came with: who sent it and a digest of the request (the stream
 * asked for and the command), to tell a repeat from a different command under the same key.
 */
export interface CommandKey {
  key: string;
  userId: string;
  request: string;
}

type Job<D extends AnyDefinition> =
  | { kind: 'command'; id: string | null; command: CommandOf<D>; actor: Actor | Authorize<StateOf<D>>; payload?: PayloadOf<D>; key?: CommandKey; done: (o: KeyedOutcomeOf<D>) => void; fail: (e: unknown) => void }
  | { kind: 'step'; id: string; step: (tx: StreamTransaction, stream: Stream<StateOf<D>>) => Promise<unknown>; done: (r: unknown) => void; fail: (e: unknown) => void }
  | { kind: 'timers'; limit: number; done: (slice: TimerSlice) => void; fail: (e: unknown) => void };

/** What one slice of due timers did: the streams it caught up, whether more may be due, and how long its transaction took up to the COMMIT, ms. */
interface TimerSlice {
  streams: number;
  more: boolean;
  ms: number;
}

/**
 * About how long one slice's transaction may hold the writer, ms, from its first statement to
 * its COMMIT: claiming, firing, saving, the events and the outbox. With the commit this is the
 * wait a command arriving meanwhile sees. Firing alone is about a quarter of it: measuring only
 * the firing let a catch-up's transactions grow to 65 ms and more. The commit's fsync is left
 * out of the measure, as it costs the same for a few streams as for hundreds; counting it
 * shrank the slices on a slow disk until the commits were all there was.
 */
const TIMER_SLICE_MS = 16;
/** Bounds of the streams per slice: enough per commit to keep up, never one unbounded transaction. */
const TIMER_SLICE_MIN = 16;
const TIMER_SLICE_MAX = 1_000;

/**
 * Runs commands and timers of one stream kind through its decider against the database.
 * Jobs that arrive together run in one transaction (group commit: one fsync for many); within
 * a batch, jobs on one stream apply in arrival order, each seeing the last; across processes,
 * appends are serialized by the store's write lock. A stream's due timers fire before anything
 * else happens to it, and every event is appended, hash-chained, in the same transaction as
 * the projection it updates, whatever the outcome of the command that caused the catch-up.
 */
export class StreamProcessor<D extends AnyDefinition> {
  private queue: Job<D>[] = [];
  private running = false;
  private readonly newId: (kind: IdKind) => string;
  private onFlush: FlushHook | null = null;
  private readonly cache: StreamCache;
  /** Streams the next timer slice claims, adapted to how long the last slices took. */
  private timerSlice = 64;
  private readonly watchers = new Set<CommitWatcher>();

  constructor(
    private readonly store: Store,
    private readonly plans: PlanRegistry,
    readonly definition: D,
    private readonly clock: () => number = Date.now,
    newId?: (kind: IdKind) => string,
    private readonly maxBatch = 256,
  ) {
    this.newId = newId ?? randomIds();
    this.cache = streamCache(store);
  }

  /** The kind of stream it runs. */
  get kind(): StreamKind {
    return this.definition.decider.kind;
  }

  /**
   * Runs one command; `id` is null for a command that starts a stream. `actor` is who acts, or
   * a function that authorizes against the current state. Resolves once the outcome is durable.
   */
  submit(id: string | null, command: CommandOf<D>, actor: Actor | Authorize<StateOf<D>>, payload?: PayloadOf<D>): Promise<OutcomeOf<D>> {
    return new Promise((done, fail) => this.enqueue({ kind: 'command', id, command, actor, payload, done: done as (o: KeyedOutcomeOf<D>) => void, fail }));
  }

  /**
   * Runs one command sent with an idempotency key: the first time as `submit` does, a repeat
   * (same user, stream and command) answers what came of it then, appending nothing.
   */
  submitKeyed(key: CommandKey, id: string | null, command: CommandOf<D>, actor: Actor | Authorize<StateOf<D>>, payload?: PayloadOf<D>): Promise<KeyedOutcomeOf<D>> {
    return new Promise((done, fail) => this.enqueue({ kind: 'command', id, command, actor, payload, key, done, fail }));
  }

  /**
   * Runs `step` on a stored stream, its timers caught up, in a batch's transaction; resolves to
   * what it returns, or to undefined when there is no such stream.
   */
  withStream<T>(id: string, step: (tx: StreamTransaction, stream: Stream<StateOf<D>>) => Promise<T>): Promise<T | undefined> {
    return new Promise((done, fail) => this.enqueue({ kind: 'step', id, step, done: done as (r: unknown) => void, fail }));
  }

  /** Sets what every transaction's appended events also cause, in that transaction (the notifications' outbox). */
  withFlushHook(hook: FlushHook | null): this {
    this.onFlush = hook;
    return this;
  }

  /**
   * Fires every timer of this kind due now, in slices: each slice is one transaction of at most
   * 1,000 streams (sized to hold the writer about TIMER_SLICE_MS), durable before the next is queued; the next waits for the
   * event loop to take in requests, whose commands run first. A burst of due timers (or the
   * catch-up after a restart) then delays a request by about one slice, not by the whole
   * burst. Resolves to the number of streams touched.
   */
  async fireDueTimers(): Promise<number> {
    let fired = 0;
    for (;;) {
      const slice = await new Promise<TimerSlice>((done, fail) => this.enqueue({ kind: 'timers', limit: this.timerSlice, done, fail }));
      fired += slice.streams;
      if (!slice.more) return fired;
      // Halved or doubled at most per slice: one slow slice does not collapse the next.
      const scaled = this.timerSlice * Math.min(2, Math.max(0.5, TIMER_SLICE_MS / Math.max(0.1, slice.ms)));
      this.timerSlice = Math.round(Math.min(TIMER_SLICE_MAX, Math.max(TIMER_SLICE_MIN, scaled)));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Tells `watcher` of every transaction that appends events: before its COMMIT, after it with
   * the earliest due time among the timers it wrote (the scheduler needs no query to learn of
   * them), or that it rolled back. Returns the way to stop.
   */
  watchCommits(watcher: CommitWatcher): () => void {
    this.watchers.add(watcher);
    return () => void this.watchers.delete(watcher);
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }

  private enqueue(job: Job<D>): void {
    this.queue.push(job);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.loop());
    }
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length) await this.runBatch(this.nextBatch());
    } finally {
      this.running = false;
    }
  }

  /**
   * The jobs of the next transaction, in arrival order: the commands queued before a slice of
   * due timers together, then the slice alone. A command waits for a slice in progress, never
   * for one sharing its transaction; one queued after the slice waits for it, as it would for
   * any earlier job, so a steady stream of commands never holds timers back.
   */
  private nextBatch(): Job<D>[] {
    if (this.queue[0]!.kind === 'timers') return this.queue.splice(0, 1);
    const slice = this.queue.findIndex((job) => job.kind === 'timers');
    return this.queue.splice(0, Math.min(this.maxBatch, slice === -1 ? this.queue.length : slice));
  }

  private async runBatch(batch: Job<D>[]): Promise<void> {
    let results: unknown[];
    let lastSeq = 0;
    const committing = { seq: 0 };
    try {
      let synced: number;
      let saved: [string, CommittedStream][];
      let earliest: number | null;
      ({ results, lastSeq, synced, saved, earliest } = await this.store.db.transaction().execute((trx) => this.process(trx, batch, committing)));
      this.cache.committed(synced, lastSeq, saved);
      if (lastSeq) for (const w of this.watchers) w.committed(lastSeq, earliest);
    } catch (err) {
      if (committing.seq) for (const w of this.watchers) w.abandoned(committing.seq);
      if (batch.length === 1) {
        batch[0]!.fail(err);
        return;
      }
      // One bad job must not sink the others: retry each in its own transaction.
      for (const job of batch) await this.runBatch([job]);
      return;
    }
    if (lastSeq) this.store.committed(lastSeq);
    batch.forEach((job, i) => (job.done as (r: unknown) => void)(results[i]));
  }

  private async process(
    trx: Trx,
    batch: Job<D>[],
    committing: { seq: number },
  ): Promise<{ results: unknown[]; lastSeq: number; synced: number; saved: [string, CommittedStream][]; earliest: number | null }> {
    const started = performance.now();
    const now = this.clock();
    const hook = this.onFlush;
    // The hook runs at the flush, when `tx` exists and holds the batch's streams as saved.
    const log = await LogWriter.open(this.store, trx, now, hook && ((t, rows) => hook(t, rows, tx.known)));
    const synced = log.position;
    await this.cache.sync(trx, synced);
    const tx = new StreamTransaction(trx, log, now, this.plans, this.newId, this.cache);
    const results: unknown[] = [];
    for (const job of batch) {
      if (job.kind === 'timers') results.push(await this.fireDue(tx, job.limit));
      else if (job.kind === 'step') results.push(await this.step(tx, job.id, job.step));
      else results.push(await this.keyed(tx, job));
    }
    await tx.save();
    // Flushed whatever the outcomes: timers caught up before a refused command are part of the record.
    const lastSeq = await log.flush();
    if (lastSeq) {
      committing.seq = lastSeq;
      for (const w of this.watchers) w.committing(lastSeq);
    }
    // A slice's time is the whole transaction's up to the COMMIT: what it held the writer for.
    const ms = performance.now() - started;
    batch.forEach((job, i) => {
      if (job.kind === 'timers') (results[i] as TimerSlice).ms = ms;
    });
    return { results, lastSeq, synced, saved: tx.saved(), earliest: tx.earliestWritten };
  }

  /** Catches up the streams of at most `limit` due timers, earliest first. */
  private async fireDue(tx: StreamTransaction, limit: number): Promise<TimerSlice> {
    const { ids, more } = await timersRepository.claimDue(tx.trx, this.store.dialect, this.definition.decider.kind, tx.now, limit);
    await tx.preload(this.definition, ids);
    for (const id of ids) {
      const stream = await tx.load<StateOf<D>>(this.definition, id);
      if (!stream) continue;
      // A claimed timer the state no longer implies must not stay due: its row is rewritten.
      stream.stored.timers = null;
      await tx.catchUp(stream);
    }
    // The time is set once the transaction reaches its COMMIT.
    return { streams: ids.length, more, ms: 0 };
  }

  private async step(tx: StreamTransaction, id: string, step: (tx: StreamTransaction, stream: Stream<StateOf<D>>) => Promise<unknown>): Promise<unknown> {
    const stream = await tx.load<StateOf<D>>(this.definition, id);
    if (!stream) return undefined;
    await tx.catchUp(stream);
    return step(tx, stream);
  }

  /**
   * A command with its idempotency key, if it has one. The key is looked up inside the
   * transaction, after the write lock and after the earlier jobs of the batch: of two
   * identical requests, in one batch or racing from two processes, the first applies and the
   * second finds its key. The key is written in the same transaction as the command's events
   * (a rejection recorded on the stream included), so both commit or neither does.
   */
  private async keyed(tx: StreamTransaction, job: Extract<Job<D>, { kind: 'command' }>): Promise<KeyedOutcomeOf<D>> {
    const { key } = job;
    if (!key) return this.command(tx, job.id, job.command, job.actor, job.payload);
    const kind = this.definition.decider.kind;
    const prior = await commandKeysRepository.get(tx.trx, key.key);
    if (prior) {
      if (prior.user_id !== key.userId || prior.stream !== kind || prior.request !== key.request) return { kind: 'key_reused' };
      const rejection = prior.rejection === null ? null : (JSON.parse(prior.rejection) as RejectionOf<D>);
      if (prior.stream_id === null) return { kind: 'replayed', of: prior.outcome, state: null, plan: (await tx.begin(this.definition)).plan, rejection };
      const stream = await tx.load<StateOf<D>>(this.definition, prior.stream_id);
      if (!stream) return { kind: 'not_found' };
      await tx.catchUp(stream);
      return { kind: 'replayed', of: prior.outcome, state: stream.state, plan: stream.plan, rejection };
    }
    const outcome = await this.command(tx, job.id, job.command, job.actor, job.payload);
    if (outcome.kind === 'accepted' || outcome.kind === 'rejected') {
      const state = outcome.state as Versioned | null;
      await commandKeysRepository.insert(tx.trx, {
        key: key.key,
        user_id: key.userId,
        stream: kind,
        request: key.request,
        stream_id: state?.id ?? null,
        outcome: outcome.kind,
        rejection: outcome.kind === 'rejected' ? JSON.stringify(outcome.rejection) : null,
        created_at: tx.now,
      });
    }
    return outcome;
  }

  private async command(tx: StreamTransaction, id: string | null, command: CommandOf<D>, actor: Actor | Authorize<StateOf<D>>, payload: PayloadOf<D> | undefined): Promise<OutcomeOf<D>> {
    const { decider } = this.definition;
    let stream: Stream<StateOf<D>> | undefined;
    if (id === null) stream = await tx.begin<StateOf<D>>(this.definition);
    else {
      stream = await tx.load<StateOf<D>>(this.definition, id);
      if (!stream) return { kind: 'not_found' };
      await tx.catchUp(stream);
    }
    let who: Actor | null;
    if (typeof actor === 'function') {
      const answer = await actor(stream.state, stream.plan, tx.trx);
      if ('forbidden' in answer) return { kind: 'forbidden', reason: answer.forbidden };
      who = answer;
    } else who = actor;
    const isNew = stream.state === null;
    const decision = decider.decide(stream.state, command, { plan: stream.plan, now: tx.now, newId: tx.newId, ...this.definition.context(payload) });
    if (!decision.ok) {
      // Kinds that keep refusals record them on the stream; a refused start has no stream to record it on.
      const refusal = stream.state !== null ? decider.refusal?.(command, decision.rejection, tx.now) : null;
      if (refusal) await tx.record(stream, [refusal], who);
      return { kind: 'rejected', state: stream.state, plan: stream.plan, rejection: decision.rejection };
    }
    await tx.record(stream, decision.events, who);
    await this.definition.accepted?.(tx.trx, stream, isNew, payload, tx.now);
    return { kind: 'accepted', state: stream.state!, plan: stream.plan, events: decision.events };
  }
}

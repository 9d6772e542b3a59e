import type { Plan } from '../../plan/plan.js';
import type { IdKind } from '../ids.js';

/**
 * The one shape every event-sourced stream kind has (incident, case, early-warning matter).
 * The engine of a kind is pure: it decides events from a command and the state, folds events
 * into the state, lists its pending timers as absolute due times, and fires the timers due by
 * an instant, each recorded at its own due time. The server's stream processor and the drill's
 * virtual clock run any `Decider` the same way.
 */

/** A pending timer: a stable key (the same timer keeps its key) and its absolute due time. */
export interface PendingTimer {
  key: string;
  due: number;
}

/** What a decision may depend on besides the state: the plan, the instant, fresh ids. */
export interface DeciderContext {
  plan: Plan;
  now: number;
  newId: (kind: IdKind) => string;
}

/** What firing timers may depend on: a decision's context without the instant (each timer fires at its own). */
export type TimerContext = Omit<DeciderContext, 'now'>;

export type Decided<E, R> = { ok: true; events: E[] } | { ok: false; rejection: R };

export interface Decider<Kind extends string, S extends { id: string; version: number }, C, E, R, X = object> {
  /** The stream kind, as stored in the log (`incident`, `case`, `risk`). */
  readonly kind: Kind;
  /** The events a command causes on the state (null: the stream does not exist yet), or why it is refused. */
  decide(state: S | null, command: C, ctx: DeciderContext & X): Decided<E, R>;
  /** Folds one event into the state. */
  evolve(state: S | null, event: E): S;
  /** The timers the state is waiting for, earliest first. */
  pending(state: S, ctx: { plan: Plan } & X): PendingTimer[];
  /**
   * The events of one pending timer fired at `ctx.now`, recorded at the timer's own due time;
   * none when it is no longer pending or not yet due, so firing twice is harmless.
   */
  fire(state: S, timer: PendingTimer, ctx: DeciderContext & X): E[];
  /**
   * Fires every timer due by `now` (or strictly before it, when `inclusive` is false), earliest
   * first, each at its own due time; returns the events and the state they fold to. It is the
   * kernel's `fireDue` (kernel/timers.ts) over this kind's timers.
   */
  fireDue(state: S, ctx: TimerContext & X, now: number, inclusive?: boolean): { events: E[]; state: S };
  /** The event that records a refusal on the stream, for kinds that keep refusals in their log. */
  refusal?(command: C, rejection: R, at: number): E | null;
}

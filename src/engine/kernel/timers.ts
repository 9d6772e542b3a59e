import type { PendingTimer } from './decider.js';

/**
 * What advancing a stream's time needs from its kind: its pending timers, how one fires, and
 * how an event folds. `F` is what the timers depend on besides the instant (the plan, and per
 * kind ids or the retention period). A `Decider` is one; so is a kind's timer half alone,
 * for callers that only advance time.
 */
export interface TimerRules<S, E, F> {
  /** The timers the state is waiting for, earliest first (ties in a fixed order). */
  pending(state: S, ctx: F): PendingTimer[];
  /** The events of one pending timer fired at `ctx.now`, recorded at the timer's own due time. */
  fire(state: S, timer: PendingTimer, ctx: F & { now: number }): E[];
  evolve(state: S | null, event: E): S;
}

/**
 * Fires, earliest first, every timer due by `limit` (or strictly before it, when not
 * `inclusive`: a drill step at that instant comes first, contract §3), including timers that
 * firing creates, each at its own due time. Returns the events in order and the state they
 * fold to. Pure: the one loop that advances time for every stream kind.
 */
export function fireDue<S, E, F>(rules: TimerRules<S, E, F>, state: S, ctx: F, limit: number, inclusive = true): { events: E[]; state: S } {
  const events: E[] = [];
  let current = state;
  for (;;) {
    const next = rules.pending(current, ctx)[0];
    if (!next || next.due > limit || (!inclusive && next.due === limit)) return { events, state: current };
    const fired = rules.fire(current, next, { ...ctx, now: next.due });
    // A due timer that records nothing would stay due and be fired forever.
    if (fired.length === 0) throw new Error(`timer ${next.key} is due at ${next.due} but fires no event`);
    for (const e of fired) {
      events.push(e);
      current = rules.evolve(current, e);
    }
  }
}

import type { Decider, DeciderContext, TimerContext } from './decider.js';

/*
 * A virtual clock for any stream kind: drills, and tests of cases and early-warning matters,
 * run the engine as the server does, with time advanced from command to command and timer to
 * timer instead of waited for.
 */

/** A command given at an instant (epoch ms). */
export interface TimedCommand<C> {
  at: number;
  command: C;
}

/** A command the rules refused, with why. */
export interface Refused<C, R> extends TimedCommand<C> {
  rejection: R;
}

/** What a run on the virtual clock produced: every event in order, the state they fold to, the refusals. */
export interface ClockRun<S, C, E, R> {
  events: E[];
  state: S | null;
  /** Every refused command, whether or not the kind records refusals as events. */
  refused: Refused<C, R>[];
}

type AnyDecider<S extends { id: string; version: number }, C, E, R, X> = Decider<string, S, C, E, R, X>;

/**
 * The events a command records on its stream: its decision's events, or when it is refused, the
 * kind's refusal event (none for kinds that answer refusals without recording them). Pure.
 */
export function runCommand<S extends { id: string; version: number }, C, E, R, X>(
  decider: AnyDecider<S, C, E, R, X>,
  state: S | null,
  command: C,
  ctx: DeciderContext & X,
): { events: E[]; rejection: R | null } {
  const decision = decider.decide(state, command, ctx);
  if (decision.ok) return { events: decision.events, rejection: null };
  const refusal = decider.refusal?.(command, decision.rejection, ctx.now) ?? null;
  return { events: refusal ? [refusal] : [], rejection: decision.rejection };
}

/**
 * Runs commands, in time order, on one stream from its start. Before each command the timers
 * due strictly before its instant fire, each at its own due time; a timer due at exactly a
 * command's instant fires after it (contract §3). After the last command, the timers due by
 * `until` fire. Pure: the same commands and context (with seeded ids) give the same run.
 */
export function runOnClock<S extends { id: string; version: number }, C, E, R, X>(
  decider: AnyDecider<S, C, E, R, X>,
  commands: readonly TimedCommand<C>[],
  ctx: TimerContext & X,
  until: number,
): ClockRun<S, C, E, R> {
  const run: ClockRun<S, C, E, R> = { events: [], state: null, refused: [] };
  const advance = (limit: number, inclusive: boolean) => {
    if (!run.state) return; // nothing is pending before the stream exists
    const fired = decider.fireDue(run.state, ctx, limit, inclusive);
    run.events.push(...fired.events);
    run.state = fired.state;
  };
  let now = -Infinity;
  for (const { at, command } of commands) {
    if (at < now) throw new RangeError(`commands must be in time order: ${at} comes after ${now}`);
    now = at;
    advance(at, false);
    const { events, rejection } = runCommand(decider, run.state, command, { ...ctx, now: at });
    if (rejection !== null) run.refused.push({ at, command, rejection });
    for (const e of events) {
      run.events.push(e);
      run.state = decider.evolve(run.state, e);
    }
  }
  advance(until, true);
  return run;
}

import type { IncidentEvent } from './events.js';
import type { DecideContext } from './decider.js';
import { evolve } from './evolve.js';
import type { IncidentState } from './state.js';

/** An event without its time: the emitter stamps `ctx.now`. */
export type EventInput = IncidentEvent extends infer E ? (E extends IncidentEvent ? Omit<E, 'at'> : never) : never;

/**
 * Collects the events of one decision while folding them into the state, so each rule sees
 * the effect of the rules before it. Pure apart from its own fields.
 */
export class Emitter {
  readonly events: IncidentEvent[] = [];
  constructor(
    public state: IncidentState,
    readonly ctx: DecideContext,
  ) {}

  emit(e: EventInput): void {
    const event = { ...e, at: this.ctx.now } as IncidentEvent;
    this.events.push(event);
    this.state = evolve(this.state, event);
  }
}

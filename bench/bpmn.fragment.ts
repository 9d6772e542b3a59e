/**
 * The plan fragment of bench/lifecycle.yaml as BPMN (bench/fragment.bpmn), run in bpmn-engine
 * on a virtual clock: its timers go to a queue that the driver advances from step to step
 * (as the product's drills do), so no lifecycle waits for real time. The definition is parsed
 * and serialized once; each lifecycle is a fresh engine on that serialized context.
 */
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';

interface VirtualTimer {
  due: number;
  seq: number;
  fn: (...args: unknown[]) => void;
  args: unknown[];
  cancelled: boolean;
}

/** bpmn-elements' timers interface on a virtual clock (ms from the lifecycle's start). */
export class VirtualTimers {
  now = 0;
  private seq = 0;
  private queue: VirtualTimer[] = [];
  setTimeout = (fn: (...args: unknown[]) => void, delay: number, ...args: unknown[]): VirtualTimer => {
    const t = { due: this.now + delay, seq: this.seq++, fn, args, cancelled: false };
    this.queue.push(t);
    return t;
  };
  clearTimeout = (t: VirtualTimer | undefined): undefined => {
    if (t) t.cancelled = true;
    return undefined;
  };
  register = () => ({ setTimeout: this.setTimeout, clearTimeout: this.clearTimeout });
  /** The timers still pending (the engine clears them when it stops). */
  get executing(): VirtualTimer[] {
    return this.queue.filter((t) => !t.cancelled);
  }
  /** Fires every timer due by `to`, in due order, then sets the clock to `to`. */
  advance(to: number): void {
    for (;;) {
      let next: VirtualTimer | null = null;
      for (const t of this.queue) if (!t.cancelled && t.due <= to && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      if (!next) break;
      this.queue.splice(this.queue.indexOf(next), 1);
      this.now = next.due;
      next.fn(...next.args);
    }
    this.queue = this.queue.filter((t) => !t.cancelled);
    this.now = to;
  }
}

/** The user tasks signalled, minutes from the report: the steps of bench/lifecycle.yaml. */
export const STEPS: [number, string][] = [
  [2, 'guide'],
  [4, 'ack_housing'],
  [5, 'ack_education'],
  [6, 'ack_hengbu'],
  [12, 'arrive_housing'],
  [25, 'arrive_education'],
  [50, 'arrive_hengbu'],
  [55, 'clear'],
];
const UNTIL_MIN = 56;

/** Parses and serializes bench/fragment.bpmn once. */
export async function loadFragment(): Promise<unknown> {
  const xml = readFileSync(new URL('./fragment.bpmn', import.meta.url), 'utf8');
  // bpmn-moddle ships no type declarations.
  const { default: BpmnModdle } = (await import('bpmn-moddle' as string)) as { default: new () => { fromXML(xml: string): Promise<any> } };
  const moddleContext = await new BpmnModdle().fromXML(xml);
  return serializer(moddleContext, TypeResolver({ ...Elements }));
}

/** One lifecycle; with `trace`, the ids of the activities that ended, in order. */
export async function runLifecycle(sourceContext: unknown, trace?: string[]): Promise<void> {
  const timers = new VirtualTimers();
  const listener = new EventEmitter();
  if (trace) listener.on('activity.end', (api: { id: string }) => trace.push(api.id));
  const engine = new Engine({ name: 'fragment', sourceContext: sourceContext as never, timers: timers as never, listener });
  const ended = new Promise<void>((resolve, reject) => {
    engine.once('end', () => resolve());
    engine.once('error', reject);
  });
  const execution = await engine.execute();
  for (const [minute, id] of STEPS) {
    timers.advance(minute * 60_000);
    execution.signal({ id });
  }
  timers.advance(UNTIL_MIN * 60_000);
  await ended;
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/databases.js';
import type { Command } from '../engine/incident/commands.js';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { openStore, type Store } from '../store/db.js';
import { EventHub, type Batch, type Frame } from './event.hub.js';
import { PlanRegistry } from './plan.registry.js';
import { Sealer } from './personal.js';
import { StreamProcessor } from './stream.processor.js';
import { caseStream, incidentStream, type IncidentProcessor } from './streams.js';

const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };
const staff = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };

/** A render that counts its calls and turns each row into a frame. */
function counting() {
  const render = (batch: Batch): Frame[] => {
    render.calls++;
    return batch.rows.map((r) => ({ seq: Number(r.seq), text: `id: ${r.seq}\n\n` }));
  };
  render.calls = 0;
  return render;
}

/*
 * Live delivery to many screens: the work per event must not grow with the number of readers
 * who see it alike (issue 13 §3). Each audience renders a batch once; its sinks only receive it.
 */
describe('the live hub', () => {
  let store: Store;
  let hub: EventHub;
  let incidents: IncidentProcessor;

  beforeEach(async () => {
    store = await openStore((await freshDatabase('sqlite')).url);
    const plans = new PlanRegistry(store);
    await plans.bootstrap(DEFAULT_PLAN_FILE, null);
    incidents = new StreamProcessor(store, plans, incidentStream(caseStream({ retentionDays: null, sealer: new Sealer(Buffer.alloc(32)) })));
    hub = new EventHub(store);
    await hub.start();
  });
  afterEach(async () => {
    await hub.stop();
    await store.close();
  });

  it('renders each batch once per audience, however many subscribers it has', async () => {
    const board = counting();
    const township = counting();
    const received = { board: [] as number[][], township: [] as number[][] };
    for (let i = 0; i < 500; i++) hub.subscribe('board', board, (frames) => received.board.push(frames.map((f) => f.seq)));
    for (let i = 0; i < 3; i++) hub.subscribe('township', township, (frames) => received.township.push(frames.map((f) => f.seq)));
    expect(hub.size).toEqual({ subscribers: 503, audiences: 2 });

    await incidents.submit(null, report, staff);
    await hub.poke();

    expect([board.calls, township.calls]).toEqual([1, 1]);
    expect(received.board).toHaveLength(500);
    expect(received.township).toHaveLength(3);
    expect(new Set(received.board.map((s) => s.join()))).toEqual(new Set([received.township[0]!.join()]));
    expect(received.board[0]!.length).toBeGreaterThan(0);
  });

  it('with nobody listening, moves its position on without reading, and a later subscriber starts there', async () => {
    const first = await incidents.submit(null, report, staff);
    await hub.poke();
    const head = hub.position;
    expect(head).toBeGreaterThan(0);
    expect(first.kind).toBe('accepted');

    const render = counting();
    const got: number[] = [];
    const unsubscribe = hub.subscribe('board', render, (frames) => got.push(...frames.map((f) => f.seq)));
    await incidents.submit(null, { ...report, venue: 'venue-1' }, staff);
    await hub.poke();
    expect(Math.min(...got)).toBe(head + 1);

    unsubscribe();
    expect(hub.size).toEqual({ subscribers: 0, audiences: 0 });
  });
});

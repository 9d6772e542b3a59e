import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeForEachTest } from '../../test/support/databases.js';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import type { Command } from '../engine/incident/commands.js';
import { verifyChain } from '../store/audit.js';
import type { Store } from '../store/db.js';
import { Sealer } from './personal.js';
import { PlanRegistry } from './plan.registry.js';
import { StreamProcessor } from './stream.processor.js';
import { caseStream, incidentStream, type IncidentProcessor } from './streams.js';

/*
 * Round trips of one batch on PostgreSQL (issue 13 §2): what the server sends to the database
 * for a batch of commands on streams it holds in memory, counted as every query a pool client
 * sends (pg's Client.query: BEGIN and COMMIT included; each is one round trip), from the
 * batch's first statement to its commit. A batch of notes on cached incidents costs 5 whatever
 * its size: BEGIN; the chain head locked and read (SELECT … FOR UPDATE); the projections
 * (one upsert); the events, the new head and the notification (one statement); COMMIT.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const staff = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };

/** Every query text a pg client sends while `counting` is set. */
const sent: string[] = [];
let counting = false;
const query = pg.Client.prototype.query;

describe.skipIf(!process.env.YINGJI_TEST_PG)('round trips of a batch on postgres', () => {
  let store: Store;
  let incidents: IncidentProcessor;

  beforeAll(() => {
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (counting) sent.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterAll(() => void (pg.Client.prototype.query = query));

  storeForEachTest('postgres', async (opened) => {
    store = opened;
    const plans = new PlanRegistry(store);
    await plans.bootstrap(DEFAULT_PLAN_FILE, null);
    const cases = caseStream({ retentionDays: 30, sealer: new Sealer(Buffer.alloc(32, 7)) });
    incidents = new StreamProcessor(store, plans, incidentStream(cases), () => T0);
  });

  /** The statements of one batch of `size` notes, one per incident, submitted together. */
  async function batchOfNotes(ids: readonly string[], text: string): Promise<string[]> {
    sent.length = 0;
    counting = true;
    try {
      const outcomes = await Promise.all(ids.map((id) => incidents.submit(id, { do: 'note', text }, staff)));
      expect(outcomes.map((o) => o.kind)).toEqual(ids.map(() => 'accepted'));
    } finally {
      counting = false;
    }
    return sent.map((s) => s.replace(/\s+/g, ' ').trim());
  }

  it('is 5 statements for a batch of notes on cached incidents, whatever its size', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const created = await incidents.submit(null, report, staff);
      if (created.kind !== 'accepted') throw new Error(created.kind);
      ids.push(created.state.id);
    }
    // Warm: the first note of each may still find work (its plan, its timers).
    await batchOfNotes(ids, 'warm');

    for (const size of [1, 5, 40]) {
      const statements = await batchOfNotes(ids.slice(0, size), `batch of ${size}`);
      expect(statements, statements.join('\n')).toHaveLength(5);
      expect(statements[0]).toMatch(/^begin$/i);
      expect(statements[1]).toMatch(/^select "seq", "hash" from "chain_head" where "id" = \$1 for update$/);
      expect(statements[2]).toMatch(/^insert into "incidents"/);
      expect(statements[3]).toMatch(/^with "appended" as \(insert into "events" .*\), "moved" as \(insert into "chain_head" .*\) select pg_notify\(/);
      expect(statements[4]).toMatch(/^commit$/i);
    }
    expect(await verifyChain(store.db)).toMatchObject({ ok: true });
  });

  it('writes a batch of more than 200 events in chunks of 200, the last with the head and the notification', async () => {
    const created = await incidents.submit(null, report, staff);
    if (created.kind !== 'accepted') throw new Error(created.kind);
    const id = created.state.id;
    const heard: number[] = [];
    const unlisten = await store.listen((seq) => heard.push(seq));
    try {
      // 250 notes on one incident: one batch (at most 256 jobs), 250 events.
      const statements = await batchOfNotes(Array<string>(250).fill(id), 'many');
      const inserts = statements.filter((s) => /^insert into "events"/.test(s));
      const last = statements.filter((s) => /^with "appended"/.test(s));
      expect([inserts.length, last.length]).toEqual([1, 1]);
      const head = await verifyChain(store.db);
      expect(head).toMatchObject({ ok: true });
      const events = (head as { events: number }).events;
      for (let i = 0; i < 100 && !heard.includes(events); i++) await new Promise((r) => setTimeout(r, 10));
      expect(heard).toContain(events);
    } finally {
      await unlisten();
    }
  });
});

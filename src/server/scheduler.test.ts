import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../../test/support/databases.js';
import { StatementLog } from '../../test/support/statements.js';
import { testApp, type TestApp } from '../../test/support/server.js';
import type { Command } from '../engine/incident/commands.js';
import { MINUTE } from '../plan/duration.js';
import { Scheduler } from './scheduler.js';
import { StreamProcessor, type AnyDefinition } from './stream.processor.js';
import { incidentStream, type CaseStream } from './streams.js';

/*
 * The scheduler learns of the timers its own processors write from the processors, without
 * asking the database after every commit; a commit it was not told of (another process's)
 * makes it look again.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: 'm', category: 'claim', behaviors: [] };
const actor = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };

for (const dialect of DIALECTS) {
  describe(`the timer scheduler on ${dialect}`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let scheduler: Scheduler | null = null;
    afterEach(async () => {
      await scheduler?.stop();
      await t.close();
    });

    it('plans the timers its processors write without a query per commit, and looks again after a commit it was not told of', async () => {
      t = await testApp(dialect, T0);
      const log = new StatementLog();
      /** The scheduler's queries for the next due time. */
      const queries = { get count() { return log.count('select (select min("due")'); } };
      scheduler = new Scheduler({ ...t.store, db: t.store.db.withPlugin(log) }, [t.processor, t.cases, t.risks], () => t.clock.now);
      await scheduler.start();
      // At start it looks once: nothing is pending.
      await vi.waitFor(() => expect(queries.count).toBe(1));
      expect(scheduler.nextWake).toBeNull();

      const reported = await t.processor.submit(null, report, actor);
      if (reported.kind !== 'accepted') throw new Error(reported.kind);
      // The guidance window's end (10 minutes) is planned, told by the processor.
      expect(scheduler.nextWake).toBe(T0 + 10 * MINUTE);
      for (let i = 0; i < 20; i++) await t.processor.submit(reported.state.id, { do: 'note', text: `note ${i}` }, actor);
      t.clock.now = T0 + MINUTE;
      await t.processor.submit(null, report, actor);
      expect(scheduler.nextWake).toBe(T0 + 10 * MINUTE);
      // Guidance fails at once: the summons unacknowledged after 5 minutes comes sooner than the window's end.
      await t.processor.submit(reported.state.id, { do: 'guide', result: 'failed' }, actor);
      expect(scheduler.nextWake).toBe(T0 + 6 * MINUTE);
      expect(queries.count).toBe(1);

      // Another writer on the same database (as another server process would be): the scheduler was not told, so it asks.
      const other = new StreamProcessor(t.store, t.plans, incidentStream(t.cases.definition as CaseStream), () => t.clock.now);
      await other.submit(reported.state.id, { do: 'note', text: 'from elsewhere' }, actor);
      await vi.waitFor(() => expect(queries.count).toBe(2));
      expect(scheduler.nextWake).toBe(T0 + 6 * MINUTE);
    });

    it('wakes only the kinds of stream with timers due: an incident\'s timer costs no transaction for cases and risks', async () => {
      t = await testApp(dialect, T0);
      const fired = { incident: 0, case: 0, risk: 0 };
      const counted = (p: StreamProcessor<AnyDefinition>) => ({
        kind: p.kind,
        fireDueTimers: async () => {
          fired[p.kind]++;
          return p.fireDueTimers();
        },
        watchCommits: p.watchCommits.bind(p),
      });
      scheduler = new Scheduler(t.store, [counted(t.processor), counted(t.cases), counted(t.risks)], () => t.clock.now);
      await scheduler.start();
      // At start every kind fires: what fell due while the server was down is not known yet.
      await vi.waitFor(() => expect(fired).toEqual({ incident: 1, case: 1, risk: 1 }));
      await vi.waitFor(() => expect(scheduler!.nextWake).toBeNull());
      const reported = await t.processor.submit(null, report, actor);
      if (reported.kind !== 'accepted') throw new Error(reported.kind);
      expect(scheduler.nextWake).toBe(T0 + 10 * MINUTE);
      // The guidance window ends: the wake-up is planned again against the moved clock and fires.
      t.clock.now = T0 + 10 * MINUTE;
      scheduler.reschedule();
      await vi.waitFor(async () => {
        const events = await t.store.db.selectFrom('events').select('type').where('stream_id', '=', reported.state.id).execute();
        expect(events.map((e) => e.type)).toContain('guidance_window_expired');
      });
      expect(fired).toEqual({ incident: 2, case: 1, risk: 1 });
    });

    it('leaves no wake-up behind when stopped while it was planning', async () => {
      t = await testApp(dialect, T0);
      await t.processor.submit(null, report, actor);
      // Holds every query's answer until released: the planning query is on its way when stopping.
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => (release = r));
      let held = false;
      const hold: KyselyPlugin = {
        transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
        async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
          held = true;
          await gate;
          return args.result;
        },
      };
      const s = new Scheduler({ ...t.store, db: t.store.db.withPlugin(hold) }, [t.processor, t.cases, t.risks], () => t.clock.now);
      await s.start();
      await vi.waitFor(() => expect(held).toBe(true));
      const stopped = s.stop();
      release();
      await stopped;
      expect(s.nextWake).toBeNull();
    });
  });
}

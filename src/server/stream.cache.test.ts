import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../test/support/databases.js';
import type { Command } from '../engine/incident/commands.js';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { openStore, type Store } from '../store/db.js';
import { Sealer } from './personal.js';
import { PlanRegistry } from './plan.registry.js';
import { StreamProcessor } from './stream.processor.js';
import { caseStream, incidentStream, type IncidentProcessor } from './streams.js';

/*
 * The stream cache against a second writer: two stores on one database (two server
 * processes on PostgreSQL), each with its processor and its cache. Whatever one appends,
 * the other's next command sees: versions stay gap-free and the projection matches the log.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const staff = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };

for (const dialect of DIALECTS) {
  describe(`stream cache on ${dialect}`, () => {
    let stores: Store[];
    let drop: () => Promise<void>;
    let processors: IncidentProcessor[];

    beforeEach(async () => {
      const db = await freshDatabase(dialect);
      drop = db.drop;
      stores = [await openStore(db.url), await openStore(db.url)];
      await new PlanRegistry(stores[0]!).bootstrap(DEFAULT_PLAN_FILE, null);
      const cases = caseStream({ retentionDays: 30, sealer: new Sealer(Buffer.alloc(32, 7)) });
      processors = stores.map((store) => new StreamProcessor(store, new PlanRegistry(store), incidentStream(cases), () => T0));
    });
    afterEach(async () => {
      for (const store of stores) await store.close();
      await drop();
    });

    it("sees the other writer's events before deciding: no lost update, no version twice", async () => {
      const [a, b] = processors as [IncidentProcessor, IncidentProcessor];
      const created = await a.submit(null, report, staff);
      if (created.kind !== 'accepted') throw new Error(created.kind);
      const id = created.state.id;
      for (let n = 0; n < 6; n++) {
        const outcome = await (n % 3 === 0 ? b : a).submit(id, { do: 'headcount', value: 10 + n }, staff);
        expect(outcome.kind).toBe('accepted');
      }
      const events = await stores[0]!.db.selectFrom('events').select(['version', 'type', 'data']).where('stream_id', '=', id).orderBy('seq').execute();
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      const row = await stores[1]!.db.selectFrom('incidents').select(['version', 'state']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.version).toBe(events.length);
      expect((JSON.parse(row.state) as { headcount: number }).headcount).toBe(15);
    });
  });
}

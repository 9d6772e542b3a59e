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
 * Idempotency keys against a second writer: two stores on one database (two server processes
 * on PostgreSQL), each with its processor. The same keyed command sent through both at once
 * applies once; the other finds the key inside its own transaction and replays.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const staff = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };

for (const dialect of DIALECTS) {
  describe(`idempotency keys across two writers on ${dialect}`, () => {
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

    it('a keyed report and a keyed note sent through both writers at once apply once each', async () => {
      const [a, b] = processors as [IncidentProcessor, IncidentProcessor];
      const reportKey = { key: 'race-report-1', userId: 'u1', request: 'r1' };
      const reports = await Promise.all([a, b, a, b].map((p) => p.submitKeyed(reportKey, null, report, staff)));
      expect(reports.filter((o) => o.kind === 'accepted')).toHaveLength(1);
      expect(reports.filter((o) => o.kind === 'replayed')).toHaveLength(3);
      const ids = new Set(reports.map((o) => (o.kind === 'accepted' || o.kind === 'replayed' ? o.state?.id : null)));
      expect(ids.size).toBe(1);
      const id = [...ids][0]!;
      const noteKey = { key: 'race-note-1', userId: 'u1', request: 'n1' };
      const notes = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).submitKeyed(noteKey, id, { do: 'note', text: '同时' }, staff)));
      expect(notes.filter((o) => o.kind === 'accepted')).toHaveLength(1);
      expect(notes.filter((o) => o.kind === 'replayed')).toHaveLength(5);
      const events = await stores[0]!.db.selectFrom('events').select(['type']).execute();
      expect(events.filter((e) => e.type === 'incident_reported')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'note_posted')).toHaveLength(1);
      const keys = await stores[1]!.db.selectFrom('command_keys').selectAll().orderBy('key').execute();
      expect(keys.map((k) => [k.key, k.stream_id, k.outcome])).toEqual([
        ['race-note-1', id, 'accepted'],
        ['race-report-1', id, 'accepted'],
      ]);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.js';
import { twoWritersForEachTest } from '../../test/support/writers.js';
import type { Command } from '../engine/incident/commands.js';

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
    const writers = twoWritersForEachTest(dialect, T0);

    it('a keyed report and a keyed note sent through both writers at once apply once each', async () => {
      const [a, b] = writers.processors;
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
      const events = await writers.stores[0].db.selectFrom('events').select(['type']).execute();
      expect(events.filter((e) => e.type === 'incident_reported')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'note_posted')).toHaveLength(1);
      const keys = await writers.stores[1].db.selectFrom('command_keys').selectAll().orderBy('key').execute();
      expect(keys.map((k) => [k.key, k.stream_id, k.outcome])).toEqual([
        ['race-note-1', id, 'accepted'],
        ['race-report-1', id, 'accepted'],
      ]);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.js';
import { twoWritersForEachTest } from '../../test/support/writers.js';
import type { Command } from '../engine/incident/commands.js';

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
    const writers = twoWritersForEachTest(dialect, T0);

    it("sees the other writer's events before deciding: no lost update, no version twice", async () => {
      const [a, b] = writers.processors;
      const created = await a.submit(null, report, staff);
      if (created.kind !== 'accepted') throw new Error(created.kind);
      const id = created.state.id;
      for (let n = 0; n < 6; n++) {
        const outcome = await (n % 3 === 0 ? b : a).submit(id, { do: 'headcount', value: 10 + n }, staff);
        expect(outcome.kind).toBe('accepted');
      }
      const events = await writers.stores[0].db.selectFrom('events').select(['version', 'type', 'data']).where('stream_id', '=', id).orderBy('seq').execute();
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      const row = await writers.stores[1].db.selectFrom('incidents').select(['version', 'state']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.version).toBe(events.length);
      expect((JSON.parse(row.state) as { headcount: number }).headcount).toBe(15);
    });
  });
}

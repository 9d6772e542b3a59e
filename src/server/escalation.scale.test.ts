import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.js';
import { testApp, type TestApp } from '../../test/support/server.js';
import type { Command } from '../engine/incident/commands.js';
import { MINUTE } from '../plan/duration.js';

/*
 * Escalation at scale: the reminder for a summons nobody acknowledged is an engine timer of
 * each incident, fired in slices, so every open incident gets it however many there are. The
 * escalation query it replaced stopped at the 1,000 newest incidents and the oldest were never
 * reminded. Seeded through the processor, which writes hundreds of commands per transaction.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
/** More open incidents than the old query's limit of 1,000. */
const INCIDENTS = 1_050;
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };
const actor = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };

for (const dialect of DIALECTS) {
  describe(`escalation of unacknowledged summonses on ${dialect}`, { timeout: 180_000 }, () => {
    let t: TestApp;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
    });
    afterEach(async () => {
      await t.close();
    });

    it(`reaches every one of ${INCIDENTS.toLocaleString('en')} open incidents, once, with its notification`, async () => {
      const outcomes = await Promise.all(Array.from({ length: INCIDENTS }, (_, i) => t.processor.submit(null, { ...report, matter: `${report.matter} ${i}` }, actor)));
      const ids = outcomes.map((o) => (o.kind === 'accepted' ? o.state.id : ''));
      expect(ids.filter(Boolean)).toHaveLength(INCIDENTS);

      // The guidance window (10 minutes) passes: the township principal is summoned everywhere.
      t.clock.now = T0 + 10 * MINUTE;
      expect(await t.processor.fireDueTimers()).toBe(INCIDENTS);
      // Nobody acknowledges within the plan's 5 minutes.
      t.clock.now = T0 + 15 * MINUTE;
      expect(await t.processor.fireDueTimers()).toBe(INCIDENTS);
      expect(await t.processor.fireDueTimers()).toBe(0);

      const overdue = await t.store.db.selectFrom('events').select(['stream_id', 'at']).where('type', '=', 'acknowledgement_overdue').execute();
      expect(overdue).toHaveLength(INCIDENTS);
      expect(new Set(overdue.map((e) => e.stream_id))).toEqual(new Set(ids));
      expect(overdue.every((e) => Number(e.at) === T0 + 15 * MINUTE)).toBe(true);

      const messages = await t.store.db.selectFrom('outbox').select(['source_id', 'body']).where('source_stream', '=', 'incident').execute();
      const escalated = new Set(messages.filter((m) => (JSON.parse(m.body) as { kind: string }).kind === 'escalation').map((m) => m.source_id));
      expect(escalated).toEqual(new Set(ids));
    });
  });
}

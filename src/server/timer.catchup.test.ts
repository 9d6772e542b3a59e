import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.js';
import { StatementLog } from '../../test/support/statements.js';
import { testApp, type TestApp } from '../../test/support/server.js';
import type { Command } from '../engine/incident/commands.js';
import { MINUTE } from '../plan/duration.js';
import { streamCache } from './stream.cache.js';
import { StreamProcessor } from './stream.processor.js';
import { incidentStream, type CaseStream } from './streams.js';

/*
 * Catching up after a restart: the server's cache of hot streams is empty, so the streams of
 * due timers come from the database. A slice reads all of its streams in one statement, and the
 * notifications read the incidents the transaction already holds instead of reading back what
 * it just saved; the record is the same as with every stream in the cache.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const INCIDENTS = 120;
/** The fewest streams a timer slice takes (TIMER_SLICE_MIN): the most slices INCIDENTS can make. */
const MAX_SLICES = Math.ceil(INCIDENTS / 16);
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou', 'town-hengbu'], matter: 'm', category: 'claim', behaviors: [] };
const actor = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };

for (const dialect of DIALECTS) {
  describe(`catching up due timers with a cold cache on ${dialect}`, { timeout: 120_000 }, () => {
    const apps: TestApp[] = [];
    afterEach(async () => {
      for (const t of apps.splice(0)) await t.close();
    });

    /** INCIDENTS reported, their guidance windows passed, fired with the cache warm or cold; what was recorded, and the reads of incidents. */
    async function fire(cold: boolean) {
      const t = await testApp(dialect, T0);
      apps.push(t);
      const reads = new StatementLog();
      const store = { ...t.store, db: t.store.db.withPlugin(reads) };
      const processor = new StreamProcessor(store, t.plans, incidentStream(t.cases.definition as CaseStream), () => t.clock.now).withFlushHook(t.notify.notifier.hook);
      const outcomes = await Promise.all(Array.from({ length: INCIDENTS }, (_, i) => processor.submit(null, { ...report, matter: `m ${i}` }, actor)));
      expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
      t.clock.now = T0 + 10 * MINUTE;
      if (cold) streamCache(store).clear();
      reads.clear();
      expect(await processor.fireDueTimers()).toBe(INCIDENTS);
      const events = await t.store.db.selectFrom('events').select(['stream', 'version', 'type', 'at']).where('type', '<>', 'incident_reported').orderBy('seq').execute();
      // People are named, not by id: each app's demo organization has its own ids.
      const messages = await t.store.db
        .selectFrom('outbox')
        .innerJoin('people', 'people.id', 'outbox.recipient')
        .select(['outbox.channel', 'people.name', 'outbox.subject', 'outbox.body'])
        .execute();
      const named = messages.map((m) => `${m.name} ${m.channel} ${m.subject} ${(JSON.parse(m.body) as { kind: string }).kind}`).sort();
      return { reads: reads.count('select', 'from "incidents"'), events, messages: named };
    }

    it('reads a slice’s streams in one statement and records what a warm cache records', async () => {
      const warm = await fire(false);
      const cold = await fire(true);
      // Warm: no projection is read at all (neither to fire nor to notify).
      expect(warm.reads).toBe(0);
      // Cold: one read per slice at most, not one per stream (and none back for the notifications).
      expect(cold.reads).toBeGreaterThan(0);
      expect(cold.reads).toBeLessThanOrEqual(MAX_SLICES);
      expect(cold.events.filter((e) => e.type === 'summons_issued')).toHaveLength(2 * INCIDENTS);
      expect(cold.messages.length).toBeGreaterThanOrEqual(2 * INCIDENTS);
      expect(cold.events).toEqual(warm.events);
      expect(cold.messages).toEqual(warm.messages);
    });
  });
}

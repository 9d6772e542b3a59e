import { describe, expect, it } from 'vitest';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { MINUTE } from '../plan/duration.js';
import type { Store } from '../store/db.js';
import { verifyChain } from '../store/audit.js';
import { eventsRepository } from '../store/events.repository.js';
import type { Command } from '../engine/incident/commands.js';
import { Sealer } from './personal.js';
import { PlanRegistry } from './plan.registry.js';
import { StreamProcessor } from './stream.processor.js';
import { caseStream, incidentStream, type IncidentProcessor } from './streams.js';

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };
const actor = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };

for (const dialect of DIALECTS) {
  describe(`incident stream processor on ${dialect}`, () => {
    let store: Store;
    let now = T0;
    let processor: IncidentProcessor;

    storeForEachTest(dialect, async (opened) => {
      store = opened;
      const plans = new PlanRegistry(store);
      await plans.bootstrap(DEFAULT_PLAN_FILE, null);
      now = T0;
      processor = new StreamProcessor(store, plans, incidentStream(caseStream({ retentionDays: null, sealer: new Sealer(Buffer.alloc(32)) })), () => now);
    });

    it('appends events with a global sequence and per-incident versions, in one chain', async () => {
      const opened = await processor.submit(null, report, actor);
      expect(opened.kind).toBe('accepted');
      const id = opened.kind === 'accepted' ? opened.state.id : '';
      now += 4 * MINUTE;
      await processor.submit(id, { do: 'guide', result: 'failed' }, actor);
      const rows = await eventsRepository.after(store.db, 0);
      expect(rows.map((r) => [r.seq, r.version, r.type])).toEqual([
        [1, 1, 'incident_reported'],
        [2, 2, 'guidance_attempted'],
        [3, 3, 'summons_issued'],
      ]);
      expect(rows[1]).toMatchObject({ actor_user: 'petition-bureau.staff', actor_role: 'petition-bureau/staff' });
      expect(await verifyChain(store.db)).toEqual({ ok: true, events: 3, head: rows[2]!.hash });
    });

    it('records a rejection as an event and answers with the reason', async () => {
      const opened = await processor.submit(null, report, actor);
      const id = opened.kind === 'accepted' ? opened.state.id : '';
      const outcome = await processor.submit(id, { do: 'leave', role: 'town-tanggou/principal' }, actor);
      expect(outcome).toMatchObject({ kind: 'rejected', rejection: { code: 'not_summoned' } });
      const rows = await eventsRepository.ofStream(store.db, 'incident', id);
      expect(rows.map((r) => r.type)).toEqual(['incident_reported', 'command_rejected']);
    });

    it('serializes 50 concurrent commands on one incident: all land once, no lost update', async () => {
      const opened = await processor.submit(null, { ...report, headcount: 3 }, actor);
      const id = opened.kind === 'accepted' ? opened.state.id : '';
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => processor.submit(id, { do: 'note', text: `update ${i}` }, actor)),
      );
      expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
      const rows = await eventsRepository.ofStream(store.db, 'incident', id);
      const notes = rows.filter((r) => r.type === 'note_posted').map((r) => JSON.parse(r.data).text as string);
      expect(notes.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `update ${i}`).sort());
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
      expect((await verifyChain(store.db)).ok).toBe(true);
    });

    it('fires due timers once, recorded at their due time', async () => {
      const opened = await processor.submit(null, { ...report, units: ['dept-housing'] }, actor);
      const id = opened.kind === 'accepted' ? opened.state.id : '';
      now = T0 + 60 * MINUTE;
      await processor.fireDueTimers();
      await processor.fireDueTimers();
      const rows = await eventsRepository.ofStream(store.db, 'incident', id);
      const fired = rows.filter((r) => r.type !== 'incident_reported').map((r) => [r.type, r.at]);
      expect(fired).toEqual([
        ['guidance_window_expired', T0 + 10 * MINUTE],
        ['summons_issued', T0 + 10 * MINUTE],
        // Nobody acknowledged it within the plan's 5 minutes.
        ['acknowledgement_overdue', T0 + 15 * MINUTE],
        ['deadline_missed', T0 + 25 * MINUTE],
      ]);
    });
  });
}

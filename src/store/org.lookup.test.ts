import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { seedDemo } from '../server/demo.js';
import { PlanRegistry } from '../server/plan.registry.js';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import type { Store } from './db.js';
import { orgLookup, orgRepository } from './org.repository.js';

/*
 * The organization reads of one transaction are asked of the database once (a slice of timers
 * summons the same principals hundreds of times). The memo must answer exactly what the
 * database would, and must never outlive its transaction: an organization change made
 * afterwards is seen by the next transaction.
 */
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

for (const dialect of DIALECTS) {
  describe(`organization look-ups per transaction on ${dialect}`, () => {
    let store: Store;
    let role: string;
    storeForEachTest(dialect, async (s) => {
      store = s;
      const plan = await new PlanRegistry(s).bootstrap(DEFAULT_PLAN_FILE, null);
      await seedDemo(s, plan, 'pw-for-tests-only', T0);
      const held = await orgRepository.positions(s.db, { current: true });
      role = held[0]!.role;
    });

    it('answers as the database does, and a changed answer does not change the next one', async () => {
      await store.db.transaction().execute(async (trx) => {
        const direct = await orgRepository.holders(trx, role, T0, false);
        expect(direct.length).toBeGreaterThan(0);
        const first = await orgLookup(trx).holders(role, T0, false);
        expect(first).toEqual(direct);
        first.pop();
        expect(await orgLookup(trx).holders(role, T0, false)).toEqual(direct);
        const ids = direct.map((p) => p.id);
        expect(await orgLookup(trx).contacts(ids)).toEqual(await orgRepository.contacts(trx, ids));
        const unit = role.split('/')[0]!;
        expect(await orgLookup(trx).unitPositions(unit)).toEqual(await orgRepository.unitPositions(trx, unit));
      });
    });

    it('never outlives its transaction: the next transaction sees an ended position', async () => {
      const [assignment] = (await orgRepository.positions(store.db, { current: true })).filter((p) => p.role === role);
      const before = await store.db.transaction().execute((trx) => orgLookup(trx).holders(role, T0, false));
      expect(before.map((p) => p.id)).toContain(assignment!.person_id);
      await orgRepository.endPosition(store.db, assignment!.id, T0);
      const after = await store.db.transaction().execute((trx) => orgLookup(trx).holders(role, T0, false));
      expect(after.map((p) => p.id)).not.toContain(assignment!.person_id);
      // Outside a transaction nothing is remembered either.
      expect((await orgLookup(store.db).holders(role, T0, false)).map((p) => p.id)).not.toContain(assignment!.person_id);
    });
  });
}

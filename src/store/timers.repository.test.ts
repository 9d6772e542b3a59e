import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import { StatementLog } from '../../test/support/statements.js';
import type { Store, Trx } from './db.js';
import { timersRepository } from './timers.repository.js';

/*
 * The timers table on every database, without a processor: what `replace` leaves, which
 * streams `claimDue` hands out, and that on PostgreSQL a timer claimed by one transaction is
 * skipped by another until the first ends (several server processes share the table).
 */

const NOW = Date.parse('2026-03-02T09:00:00+08:00');

for (const dialect of DIALECTS) {
  describe(`timers repository on ${dialect}`, () => {
    let store: Store;

    storeForEachTest(dialect, (opened) => void (store = opened));

    const rows = () => store.db.selectFrom('timers').selectAll().orderBy('stream').orderBy('stream_id').orderBy('key').execute();
    const replace = (stream: 'incident' | 'case' | 'risk', id: string, timers: { key: string; due: number }[]) =>
      store.db.transaction().execute((trx) => timersRepository.replace(trx, stream, [{ id, timers }]));

    it("replaces one stream's timers and leaves every other stream's, the same id of another kind included", async () => {
      await replace('incident', 'a', [
        { key: 'summons:town/principal', due: NOW + 1 },
        { key: 'report_overdue', due: NOW + 2 },
      ]);
      await replace('incident', 'b', [{ key: 'report_overdue', due: NOW + 3 }]);
      await replace('case', 'a', [{ key: 'accept_by', due: NOW + 4 }]);
      await replace('incident', 'a', [{ key: 'arrival_overdue', due: NOW + 5 }]);
      expect(await rows()).toEqual([
        { stream: 'case', stream_id: 'a', key: 'accept_by', due: NOW + 4 },
        { stream: 'incident', stream_id: 'a', key: 'arrival_overdue', due: NOW + 5 },
        { stream: 'incident', stream_id: 'b', key: 'report_overdue', due: NOW + 3 },
      ]);
      await replace('incident', 'a', []);
      expect((await rows()).map((r) => `${r.stream}:${r.stream_id}:${r.key}`)).toEqual(['case:a:accept_by', 'incident:b:report_overdue']);
    });

    it("replaces a whole batch of streams' timers at once, a stream left without timers included", async () => {
      await replace('incident', 'a', [{ key: 'k', due: NOW + 1 }]);
      await replace('incident', 'c', [{ key: 'k', due: NOW + 2 }]);
      await store.db.transaction().execute((trx) =>
        timersRepository.replace(trx, 'incident', [
          { id: 'a', timers: [] },
          { id: 'b', timers: [{ key: 'k1', due: NOW + 3 }, { key: 'k2', due: NOW + 4 }] },
        ]),
      );
      expect((await rows()).map((r) => `${r.stream_id}:${r.key}@${r.due - NOW}`)).toEqual(['b:k1@3', 'b:k2@4', 'c:k@2']);
    });

    it('says when the earliest timer of each kind falls due, and leaves out a kind with none pending', async () => {
      const kinds = ['incident', 'case', 'risk'] as const;
      expect(await timersRepository.nextDue(store.db, kinds)).toEqual(new Map());
      await replace('incident', 'a', [{ key: 'k', due: NOW + 9 }, { key: 'l', due: NOW + 30 }]);
      await replace('incident', 'b', [{ key: 'k', due: NOW + 12 }]);
      await replace('risk', 'r', [{ key: 'k', due: NOW + 7 }]);
      expect(await timersRepository.nextDue(store.db, kinds)).toEqual(new Map([['incident', NOW + 9], ['risk', NOW + 7]]));
      expect(await timersRepository.nextDue(store.db, ['case'])).toEqual(new Map());
      expect(await timersRepository.nextDue(store.db, [])).toEqual(new Map());
    });

    it('claims the streams of one kind with timers due by now, each once and earliest first; a timer not yet due stays', async () => {
      await replace('incident', 'late', [{ key: 'k1', due: NOW - 10 }]);
      await replace('incident', 'early', [
        { key: 'k1', due: NOW - 50 },
        { key: 'k2', due: NOW },
      ]);
      await replace('incident', 'future', [{ key: 'k1', due: NOW + 1 }]);
      await replace('case', 'due-case', [{ key: 'accept_by', due: NOW - 100 }]);
      const claim = (stream: 'incident' | 'case' | 'risk', limit = 100) =>
        store.db.transaction().execute((trx) => timersRepository.claimDue(trx, store.dialect, stream, NOW, limit));
      expect(await claim('incident')).toEqual({ ids: ['early', 'late'], more: false });
      // A full slice may leave more due: the caller claims again.
      expect(await claim('incident', 1)).toEqual({ ids: ['early'], more: true });
      expect(await claim('incident', 3)).toEqual({ ids: ['early', 'late'], more: true });
      expect(await claim('case')).toEqual({ ids: ['due-case'], more: false });
      expect(await claim('risk')).toEqual({ ids: [], more: false });
      // Claiming reads; only the stream's next save rewrites its timers.
      expect((await rows()).length).toBe(5);
      expect((await rows()).find((r) => r.stream_id === 'future')).toEqual({ stream: 'incident', stream_id: 'future', key: 'k1', due: NOW + 1 });
    });

    it.runIf(dialect === 'sqlite')('finds what each statement needs through an index, never by walking all timers of a kind', async () => {
      const log = new StatementLog();
      const db = store.db.withPlugin(log);
      await db.transaction().execute(async (trx) => {
        await timersRepository.replace(trx, 'incident', [{ id: 'a', timers: [{ key: 'k', due: NOW }] }]);
        await timersRepository.claimDue(trx, 'sqlite', 'incident', NOW, 10);
      });
      await timersRepository.nextDue(db, ['incident', 'case']);
      const plans = new Map<string, string>();
      for (const text of log.sql) {
        if (!/^(select|delete)/.test(text)) continue;
        const params = Array.from(text.matchAll(/\?/g), () => null);
        const { rows } = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, params));
        plans.set(text.split(' ')[0] + (text.includes('min(') ? ' min' : ''), rows.map((r) => r.detail).join('; '));
      }
      // A slice replaces its streams' timers by their ids (the primary key), however many timers the kind has.
      expect(plans.get('delete')).toMatch(/USING INDEX sqlite_autoindex_timers_1 \(stream_id=\?\)/);
      // The claim and the next due time of each kind read the (stream, due) index from its start.
      expect(plans.get('select')).toMatch(/USING INDEX timers_stream_due \(stream=\? AND due<\?\)/);
      expect(plans.get('select min')).toMatch(/USING COVERING INDEX timers_stream_due \(stream=\?\)/);
    });

    it.runIf(dialect === 'postgres')('never hands a due timer to two transactions at once: the second skips what the first holds', async () => {
      for (const id of ['s1', 's2', 's3', 's4']) await replace('incident', id, [{ key: 'k', due: NOW - Number(id.slice(1)) }]);
      let second: string[] | undefined;
      let third: string[] | undefined;
      const claim = async (trx: Trx, limit = 100) => (await timersRepository.claimDue(trx, 'postgres', 'incident', NOW, limit)).ids;
      const first = await store.db.transaction().execute(async (a) => {
        const mine = await claim(a, 2);
        // While the first holds its claim, two other processes claim: one limited, one not.
        second = await store.db.transaction().execute((b) => claim(b));
        third = await store.db.transaction().execute((c) => claim(c, 1));
        return mine;
      });
      expect(first).toEqual(['s4', 's3']);
      expect(second).toEqual(['s2', 's1']);
      expect(third).toEqual(['s2']);
      // Once the first transaction ends, its timers are claimable again (the stream was not saved).
      expect(await store.db.transaction().execute((d) => claim(d))).toEqual(['s4', 's3', 's2', 's1']);
    });
  });
}

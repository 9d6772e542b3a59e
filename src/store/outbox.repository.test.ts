import type { Insertable } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import type { Store } from './db.js';
import { outboxRepository } from './outbox.repository.js';
import type { OutboxTable } from './schema.js';

/*
 * The outbox on every database, without a dispatcher: an enqueue repeated by key adds
 * nothing, which messages are due, how a lease hides a message until it runs out, and that
 * an outcome is recorded only by the dispatcher still holding the claim.
 */

const NOW = Date.parse('2026-03-02T09:00:00+08:00');

const message = (id: string, over: Partial<Insertable<OutboxTable>> = {}): Insertable<OutboxTable> => ({
  id,
  idempotency_key: `key-${id}`,
  channel: 'in_app',
  recipient: 'p-1',
  address: '',
  subject: null,
  body: JSON.stringify({ kind: 'summons', text: id }),
  source_stream: 'incident',
  source_id: 'i-1',
  source_seq: 1,
  status: 'pending',
  attempts: 0,
  next_attempt_at: NOW,
  locked_by: null,
  locked_until: null,
  last_error: null,
  created_at: NOW,
  sent_at: null,
  ...over,
});

for (const dialect of DIALECTS) {
  describe(`outbox repository on ${dialect}`, () => {
    let store: Store;

    storeForEachTest(dialect, (opened) => void (store = opened));

    const due = (now: number, limit = 10) => store.db.transaction().execute(async (trx) => (await outboxRepository.due(trx, store.dialect, now, limit)).map((m) => m.id));

    it('adds a message once per idempotency key: a repeated enqueue keeps the first and counts nothing', async () => {
      expect(await outboxRepository.insert(store.db, [message('m1'), message('m2')])).toBe(2);
      expect(await outboxRepository.insert(store.db, [message('m3', { idempotency_key: 'key-m1', body: 'repeat' }), message('m4')])).toBe(1);
      // More than one batch of 200, half of them already stored.
      const many = Array.from({ length: 300 }, (_, i) => message(`n${i}`));
      expect(await outboxRepository.insert(store.db, many.slice(0, 150))).toBe(150);
      expect(await outboxRepository.insert(store.db, many)).toBe(150);
      const stored = await store.db.selectFrom('outbox').select(['id', 'idempotency_key', 'body']).where('id', 'in', ['m1', 'm2', 'm3', 'm4']).orderBy('id').execute();
      expect(stored).toEqual([
        { id: 'm1', idempotency_key: 'key-m1', body: JSON.stringify({ kind: 'summons', text: 'm1' }) },
        { id: 'm2', idempotency_key: 'key-m2', body: JSON.stringify({ kind: 'summons', text: 'm2' }) },
        { id: 'm4', idempotency_key: 'key-m4', body: JSON.stringify({ kind: 'summons', text: 'm4' }) },
      ]);
      expect(Number((await store.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(303);
    });

    it('gives the pending messages due by now, earliest first and up to the limit; never sent, dead or later ones', async () => {
      await outboxRepository.insert(store.db, [
        message('later', { next_attempt_at: NOW + 1 }),
        message('second', { next_attempt_at: NOW - 10 }),
        message('first', { next_attempt_at: NOW - 20 }),
        message('at-now', { next_attempt_at: NOW }),
        message('sent', { status: 'sent', next_attempt_at: NOW - 30, sent_at: NOW - 30 }),
        message('dead', { status: 'dead', next_attempt_at: NOW - 30 }),
      ]);
      expect(await due(NOW)).toEqual(['first', 'second', 'at-now']);
      expect(await due(NOW, 2)).toEqual(['first', 'second']);
      expect(await outboxRepository.nextDue(store.db)).toBe(NOW - 20);
    });

    it('a lease hides a message until it runs out; the outcome is settled only by the holder of that attempt', async () => {
      await outboxRepository.insert(store.db, [message('m1')]);
      await store.db.transaction().execute((trx) => outboxRepository.lease(trx, ['m1'], { locked_by: 'w1', locked_until: NOW + 60_000, next_attempt_at: NOW + 60_000 }));
      expect(await due(NOW + 59_999)).toEqual([]);
      expect(await due(NOW + 60_000)).toEqual(['m1']);

      const settle = (workerId: string, attempt: number) =>
        store.db
          .transaction()
          .execute(async (trx) => (await outboxRepository.settle(trx, workerId, [{ id: 'm1', attempt, change: { status: 'sent', sent_at: NOW + 5, locked_by: null, locked_until: null } }])).has('m1'));
      // Another dispatcher, or this one for an attempt it no longer holds, records nothing.
      expect(await settle('w2', 1)).toBe(false);
      expect(await settle('w1', 2)).toBe(false);
      expect(await outboxRepository.get(store.db, 'm1')).toMatchObject({ status: 'pending', attempts: 1, locked_by: 'w1', locked_until: NOW + 60_000, sent_at: null });
      expect(await settle('w1', 1)).toBe(true);
      expect(await outboxRepository.get(store.db, 'm1')).toMatchObject({ status: 'sent', attempts: 1, locked_by: null, locked_until: null, sent_at: NOW + 5 });
      // Settled once: not pending any more, so a late repeat changes nothing.
      expect(await settle('w1', 1)).toBe(false);
      expect(await due(NOW + 120_000)).toEqual([]);
    });

    it('settles many outcomes at once, each with its own values, only where the claim is still the holder’s', async () => {
      await outboxRepository.insert(store.db, ['a', 'b', 'c', 'd', 'e'].map((id) => message(id)));
      await store.db.transaction().execute((trx) => outboxRepository.lease(trx, ['a', 'b', 'c', 'd', 'e'], { locked_by: 'w1', locked_until: NOW + 60_000, next_attempt_at: NOW + 60_000 }));
      const unlocked = { locked_by: null, locked_until: null };
      const settled = await store.db.transaction().execute((trx) =>
        outboxRepository.settle(trx, 'w1', [
          { id: 'a', attempt: 1, change: { ...unlocked, status: 'sent', sent_at: NOW + 1, last_error: null } },
          { id: 'b', attempt: 1, change: { ...unlocked, status: 'sent', sent_at: NOW + 2, last_error: null } },
          { id: 'c', attempt: 1, change: { ...unlocked, next_attempt_at: NOW + 30_000, last_error: 'busy' } },
          { id: 'd', attempt: 1, change: { ...unlocked, status: 'dead', last_error: 'not retryable: no such address' } },
          // An attempt this dispatcher no longer holds: nothing recorded.
          { id: 'e', attempt: 2, change: { ...unlocked, status: 'sent', sent_at: NOW + 3, last_error: null } },
        ]),
      );
      expect([...settled].sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await outboxRepository.get(store.db, 'a')).toMatchObject({ status: 'sent', attempts: 1, sent_at: NOW + 1, locked_by: null });
      expect(await outboxRepository.get(store.db, 'b')).toMatchObject({ status: 'sent', attempts: 1, sent_at: NOW + 2, locked_by: null });
      expect(await outboxRepository.get(store.db, 'c')).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: NOW + 30_000, last_error: 'busy', locked_by: null });
      expect(await outboxRepository.get(store.db, 'd')).toMatchObject({ status: 'dead', last_error: 'not retryable: no such address', locked_by: null });
      expect(await outboxRepository.get(store.db, 'e')).toMatchObject({ status: 'pending', attempts: 1, locked_by: 'w1', sent_at: null });
    });

    it('an administrator retries only a dead message: pending again, due now, attempts from zero', async () => {
      await outboxRepository.insert(store.db, [message('m1', { status: 'dead', attempts: 5, last_error: 'gave up' }), message('m2')]);
      expect(await outboxRepository.retry(store.db, 'm2', NOW + 1)).toBe(false);
      expect(await outboxRepository.retry(store.db, 'm1', NOW + 1)).toBe(true);
      expect(await outboxRepository.get(store.db, 'm1')).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: NOW + 1, locked_by: null });
      expect(await due(NOW + 1)).toEqual(['m2', 'm1']);
    });

    it.runIf(dialect === 'postgres')('two dispatchers claiming at once never get the same message', async () => {
      await outboxRepository.insert(store.db, ['a', 'b', 'c'].map((id, i) => message(id, { next_attempt_at: NOW - 10 + i })));
      let other: string[] | undefined;
      const mine = await store.db.transaction().execute(async (trx) => {
        const rows = (await outboxRepository.due(trx, 'postgres', NOW, 2)).map((m) => m.id);
        other = await due(NOW);
        return rows;
      });
      expect(mine).toEqual(['a', 'b']);
      expect(other).toEqual(['c']);
    });
  });
}

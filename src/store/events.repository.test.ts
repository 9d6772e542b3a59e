import { describe, expect, it } from 'vitest';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import type { Store } from './db.js';
import { eventsRepository } from './events.repository.js';
import type { NewEventRow } from './schema.js';

/*
 * The event log on every database, without a processor: appending moves the chain head with
 * the rows, and readers page through the log by sequence number or read one stream in order.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');

const event = (seq: number, stream: 'incident' | 'case' | 'risk', id: string, version: number): NewEventRow => ({
  seq,
  stream,
  stream_id: id,
  version,
  type: 'note_added',
  at: T0 + seq,
  data: JSON.stringify({ text: `event ${seq}` }),
  actor_user: 'u1',
  actor_role: 'petition-bureau/staff',
  on_behalf: 0,
  recorded_at: T0 + seq,
  made_at: null,
  prev_hash: `h${seq - 1}`,
  hash: `h${seq}`,
});

for (const dialect of DIALECTS) {
  describe(`events repository on ${dialect}`, () => {
    let store: Store;

    storeForEachTest(dialect, (opened) => void (store = opened));

    const append = (rows: NewEventRow[]) => store.db.transaction().execute((trx) => eventsRepository.append(trx, rows, { seq: rows.at(-1)!.seq, hash: rows.at(-1)!.hash }));

    it('appends events and moves the chain head with them', async () => {
      expect(await eventsRepository.head(store.db)).toEqual({ seq: 0, hash: null });
      await append([event(1, 'incident', 'i1', 1), event(2, 'incident', 'i1', 2)]);
      expect(await eventsRepository.head(store.db)).toEqual({ seq: 2, hash: 'h2' });
      await append([event(3, 'case', 'c1', 1)]);
      expect(await eventsRepository.head(store.db)).toEqual({ seq: 3, hash: 'h3' });
      expect(await store.db.selectFrom('chain_head').selectAll().execute()).toEqual([{ id: 1, seq: 3, hash: 'h3' }]);
      expect(await eventsRepository.after(store.db, 0)).toEqual([event(1, 'incident', 'i1', 1), event(2, 'incident', 'i1', 2), event(3, 'case', 'c1', 1)]);
    });

    it('appends more than one batch of rows in one go', async () => {
      const rows = Array.from({ length: 450 }, (_, i) => event(i + 1, 'incident', 'big', i + 1));
      await append(rows);
      expect(await eventsRepository.head(store.db)).toEqual({ seq: 450, hash: 'h450' });
      expect((await eventsRepository.ofStream(store.db, 'incident', 'big')).map((e) => e.seq)).toEqual(rows.map((r) => r.seq));
    });

    it('pages through the log after a sequence number, in order, and ends with an empty page', async () => {
      await append([1, 2, 3, 4, 5].map((seq) => event(seq, 'incident', `i${seq % 2}`, Math.ceil(seq / 2))));
      const pages: number[][] = [];
      let seq = 0;
      for (;;) {
        const page = await eventsRepository.after(store.db, seq, 2);
        pages.push(page.map((e) => e.seq));
        if (page.length === 0) break;
        seq = page.at(-1)!.seq;
      }
      expect(pages).toEqual([[1, 2], [3, 4], [5], []]);
      expect(await eventsRepository.after(store.db, 5)).toEqual([]);
    });

    it("reads one stream's events by version, never another stream's, and only of the kind asked", async () => {
      await append([event(1, 'incident', 'x', 1), event(2, 'case', 'c', 1), event(3, 'incident', 'y', 1), event(4, 'incident', 'x', 2), event(5, 'case', 'c', 2)]);
      expect((await eventsRepository.ofStream(store.db, 'incident', 'x')).map((e) => [e.seq, e.version])).toEqual([
        [1, 1],
        [4, 2],
      ]);
      expect(await eventsRepository.ofStream(store.db, 'case', 'c')).toEqual([event(2, 'case', 'c', 1), event(5, 'case', 'c', 2)]);
      expect(await eventsRepository.ofStream(store.db, 'risk', 'c')).toEqual([]);
      expect(await eventsRepository.ofStream(store.db, 'incident', 'c')).toEqual([]);
    });

    it("through the store: a second appender waits for the first's commit and reads the head it left", async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const firstLocked = new Promise<void>((r) => (locked = r));
      const done: string[] = [];
      const first = store.db.transaction().execute(async (trx) => {
        expect(await store.lockHead(trx)).toEqual({ seq: 0, hash: null });
        locked();
        await held;
        await store.append(trx, [event(1, 'incident', 'i1', 1), event(2, 'incident', 'i1', 2)], { seq: 2, hash: 'h2' });
        done.push('first');
      });
      await firstLocked;
      const second = store.db.transaction().execute(async (trx) => {
        const head = await store.lockHead(trx);
        done.push('second');
        await store.append(trx, [event(3, 'incident', 'i1', 3)], { seq: 3, hash: 'h3' });
        return head;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(done).toEqual([]);
      release();
      await first;
      expect(await second).toEqual({ seq: 2, hash: 'h2' });
      expect(done).toEqual(['first', 'second']);
      expect(await eventsRepository.head(store.db)).toEqual({ seq: 3, hash: 'h3' });
      expect((await eventsRepository.after(store.db, 0)).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('through the store: appends more than 200 rows in one go and announces the last', async () => {
      const heard: number[] = [];
      const unlisten = await store.listen((seq) => heard.push(seq));
      try {
        const rows = Array.from({ length: 450 }, (_, i) => event(i + 1, 'incident', 'big', i + 1));
        await store.db.transaction().execute(async (trx) => {
          await store.lockHead(trx);
          await store.append(trx, rows, { seq: 450, hash: 'h450' });
        });
        store.committed(450);
        expect(await eventsRepository.head(store.db)).toEqual({ seq: 450, hash: 'h450' });
        expect((await eventsRepository.after(store.db, 0)).map((e) => e.seq)).toEqual(rows.map((r) => r.seq));
        for (let i = 0; i < 100 && !heard.includes(450); i++) await new Promise((r) => setTimeout(r, 10));
        expect(heard).toContain(450);
      } finally {
        await unlisten();
      }
    });

    if (dialect === 'postgres') {
      it('locks the chain head even where its row is missing (made before the row was inserted at start)', async () => {
        await store.db.deleteFrom('chain_head').execute();
        await store.db.transaction().execute(async (trx) => {
          expect(await store.lockHead(trx)).toEqual({ seq: 0, hash: null });
          await store.append(trx, [event(1, 'incident', 'i1', 1)], { seq: 1, hash: 'h1' });
        });
        expect(await store.db.selectFrom('chain_head').selectAll().execute()).toEqual([{ id: 1, seq: 1, hash: 'h1' }]);
      });
    }
  });
}

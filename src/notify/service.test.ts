import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../test/support/server.js';

/*
 * The dispatcher looks at the outbox after a commit that may have enqueued messages. On SQLite
 * (one writer: this process) a commit that enqueued nothing does not wake it: a busy server
 * commits hundreds of batches a second and most notify nobody. On PostgreSQL another process
 * may have enqueued, so every commit it hears of wakes it.
 */
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

for (const dialect of DIALECTS) {
  describe(`when the dispatcher looks at the outbox (${dialect})`, () => {
    let t: TestApp;
    afterEach(async () => t?.close());

    it('after a commit that enqueued messages; after one that did not only when another process may write', async () => {
      t = await testApp(dialect, T0);
      const wake = vi.spyOn(t.notify.dispatcher, 'wake');
      await t.notify.start();
      const staff = await Client.as(t.app, 'petition-bureau.staff');
      const id = (await staff.post('/api/incidents', reportBody())).json().id as string;
      // Let every delivery the report caused finish (a finished delivery wakes the loop too).
      await vi.waitFor(async () => {
        const left = await t.store.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute();
        expect(left).toEqual([]);
      });
      await vi.waitFor(() => expect(t.notify.dispatcher['inflight'].size).toBe(0));
      wake.mockClear();

      // A note notifies nobody. On SQLite the listener runs at its commit, before the answer;
      // PostgreSQL's notification of the commit comes a moment later.
      expect((await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: '现场平稳' })).statusCode).toBe(200);
      if (dialect === 'sqlite') expect(wake).not.toHaveBeenCalled();
      else await vi.waitFor(() => expect(wake).toHaveBeenCalled());

      // Guidance failed: the township principal is summoned and notified.
      wake.mockClear();
      expect((await staff.post(`/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' })).statusCode).toBe(200);
      await vi.waitFor(() => expect(wake).toHaveBeenCalled());
      await vi.waitFor(async () => {
        const sent = await t.store.db.selectFrom('outbox').select('id').where('status', '=', 'sent').where('source_id', '=', id).execute();
        expect(sent.length).toBeGreaterThan(0);
      });
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase } from '../../test/support/databases.js';
import { openStore, type Store } from '../store/db.js';
import { outboxRepository } from '../store/outbox.repository.js';
import { StatementLog } from '../../test/support/statements.js';
import { inAppChannel, webhookChannel, type Channel, type ChannelResult } from './channels/index.js';
import { backoffDelay, Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { enqueue, type OutgoingMessage } from './outbox.js';
import { HttpReceiver } from './test-support/receivers.js';
import { settled } from './test-support/settle.js';

const SECRET = 'webhook-secret-0123456789';
const T0 = Date.parse('2026-03-02T09:00:00+08:00');

function msg(i: number, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    idempotencyKey: `summons:inc-1:${i}:person-${i}:webhook`,
    channel: 'webhook',
    recipient: `person-${i}`,
    address: '',
    subject: `通知 ${i}`,
    body: { kind: 'summons', text: `请到场 ${i}` },
    source: { stream: 'incident', id: 'inc-1', seq: i },
    ...over,
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition, polling; fails the test after `timeoutMs`. */
async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

/** A channel the test answers by hand: each send waits for `answer`. */
function manualChannel() {
  const waiting: ((r: ChannelResult) => void)[] = [];
  const channel: Channel = {
    name: 'webhook',
    send: () => new Promise<ChannelResult>((resolve) => waiting.push(resolve)),
  };
  return { channel, waiting };
}

for (const dialect of DIALECTS) {
  describe(`notification outbox and dispatcher on ${dialect}`, () => {
    let url: string;
    let drop: () => Promise<void>;
    let store: Store;
    let receiver: HttpReceiver;
    const opened: Store[] = [];
    const running: Dispatcher[] = [];

    const open = async () => {
      const s = await openStore(url);
      opened.push(s);
      return s;
    };
    const dispatcher = (opts: Partial<DispatcherOptions> & { store?: Store } = {}) => {
      const d = new Dispatcher({
        store,
        channels: { webhook: webhookChannel({ url: receiver.url(), secret: SECRET, timeoutMs: 1_000 }) },
        retry: { baseMs: 20, factor: 2, maxAttempts: 30, maxDelayMs: 200 },
        pollMs: 60_000,
        ...opts,
      });
      running.push(d);
      return d;
    };
    const rows = () => store.db.selectFrom('outbox').selectAll().orderBy('idempotency_key').execute();
    const allSent = async () => (await rows()).every((r) => r.status === 'sent');

    beforeEach(async () => {
      const db = await freshDatabase(dialect);
      url = db.url;
      drop = db.drop;
      store = await open();
      receiver = await HttpReceiver.start();
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((d) => d.stop()));
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await receiver.down();
      await settled(dialect, url);
      await drop();
    });

    it('enqueues in the caller’s transaction, once per idempotency key', async () => {
      expect(await store.db.transaction().execute((trx) => enqueue(trx, [msg(1), msg(2), msg(1)], T0))).toBe(2);
      expect(await enqueue(store.db, [msg(2), msg(3)], T0)).toBe(1);
      // The event's transaction fails: its notifications never existed.
      await expect(
        store.db.transaction().execute(async (trx) => {
          await enqueue(trx, [msg(4)], T0);
          throw new Error('the command was refused');
        }),
      ).rejects.toThrow('the command was refused');
      const stored = await rows();
      expect(stored.map((r) => r.idempotency_key)).toEqual([1, 2, 3].map((i) => msg(i).idempotencyKey));
      expect(stored[0]).toMatchObject({
        channel: 'webhook',
        recipient: 'person-1',
        subject: '通知 1',
        source_stream: 'incident',
        source_id: 'inc-1',
        source_seq: 1,
        status: 'pending',
        attempts: 0,
        next_attempt_at: T0,
        created_at: T0,
        sent_at: null,
      });
      expect(JSON.parse(stored[0]!.body)).toEqual({ kind: 'summons', text: '请到场 1' });
    });

    it('delivers every message exactly once while the receiver is down, then failing, then back', async () => {
      await enqueue(store.db, range(25).map((i) => msg(i)));
      await receiver.down();
      const d = dispatcher();
      d.start();
      await until('every message failed once', async () => (await rows()).every((r) => r.attempts >= 1 && r.locked_by === null));
      await receiver.up();
      let unhealthy = true;
      receiver.reply = () => (unhealthy ? { status: 503, body: 'maintenance' } : { status: 200 });
      await until('the receiver answered 503', () => receiver.requests.length >= 5);
      unhealthy = false;
      await until('every message was sent', allSent);

      // On the receiver: each key accepted once, and nothing accepted was sent again.
      expect(receiver.accepted.size).toBe(25);
      expect(receiver.duplicates()).toEqual([]);
      // In the record: one `sent` per message after the failures, each failure with its reason.
      const attempts = await store.db.selectFrom('delivery_attempts').selectAll().execute();
      for (const row of await rows()) {
        const mine = attempts.filter((a) => a.message_id === row.id).sort((a, b) => a.attempt - b.attempt);
        expect(mine.filter((a) => a.outcome === 'sent')).toHaveLength(1);
        expect(mine.at(-1)).toMatchObject({ outcome: 'sent', attempt: row.attempts });
        expect(mine.map((a) => a.attempt)).toEqual(range(row.attempts));
        expect(mine[0]).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/^network: /) });
        expect(row).toMatchObject({ status: 'sent', locked_by: null, locked_until: null, last_error: null });
        expect(row.sent_at).not.toBeNull();
      }
      expect(attempts.some((a) => a.detail === 'HTTP 503: maintenance')).toBe(true);
    });

    it('retries an answer lost on the way back with the same key and body, so the receiver drops the repeat', async () => {
      const seen = new Map<string, string[]>();
      receiver.reply = (req) => {
        const key = String(req.headers['idempotency-key']);
        seen.set(key, [...(seen.get(key) ?? []), req.body]);
        // The receiver acts on the first copy, but its answer comes too late.
        return seen.get(key)!.length === 1 ? { status: 200, delayMs: 4_000 } : { status: 200 };
      };
      await enqueue(store.db, range(3).map((i) => msg(i)));
      // The sender gives up long before the first answer, and long after any local answer on a busy machine.
      dispatcher({ channels: { webhook: webhookChannel({ url: receiver.url(), secret: SECRET, timeoutMs: 1_500 }) } }).start();
      await until('every message was sent', allSent);
      expect([...seen.keys()].sort()).toEqual(range(3).map((i) => msg(i).idempotencyKey));
      for (const bodies of seen.values()) {
        expect(bodies).toHaveLength(2);
        expect(bodies[1]).toBe(bodies[0]);
      }
      const attempts = await outboxRepository.attempts(store.db, (await rows())[0]!.id);
      expect(attempts.map((a) => [a.attempt, a.outcome, a.detail])).toEqual([
        [1, 'failed', 'timeout after 1500 ms'],
        [2, 'sent', null],
      ]);
    });

    it('backs off exponentially up to the maximum, honours Retry-After, then dead-letters; an admin retry starts over', async () => {
      let now = T0;
      const answers: ChannelResult[] = [];
      const channel: Channel = { name: 'webhook', send: async () => answers.shift() ?? { ok: false, retryable: true, reason: 'HTTP 503' } };
      const d = dispatcher({ channels: { webhook: channel }, clock: () => now, random: () => 0, retry: { baseMs: 1_000, factor: 2, maxAttempts: 6, maxDelayMs: 5_000 } });
      await enqueue(store.db, [msg(1)], now);
      const due: number[] = [];
      answers.push(
        { ok: false, retryable: true, reason: 'HTTP 503' },
        { ok: false, retryable: true, reason: 'HTTP 503' },
        { ok: false, retryable: true, reason: 'HTTP 429', retryAfterMs: 60_000 },
      );
      for (let i = 0; i < 6; i++) {
        expect(await d.runOnce()).toBe(1);
        const row = (await rows())[0]!;
        if (row.status === 'pending') {
          due.push(row.next_attempt_at - now);
          // Nothing happens before it is due.
          now = row.next_attempt_at - 1;
          expect(await d.runOnce()).toBe(0);
          now += 1;
        }
      }
      expect(due).toEqual([1_000, 2_000, 60_000, 5_000, 5_000]);
      const dead = (await rows())[0]!;
      expect(dead).toMatchObject({ status: 'dead', attempts: 6, last_error: 'gave up after 6 attempts: HTTP 503', locked_by: null });
      expect(await outboxRepository.dead(store.db)).toHaveLength(1);
      expect(await d.runOnce()).toBe(0);

      answers.push({ ok: true, id: 'r-1' });
      now += 60_000;
      expect(await d.retry(dead.id)).toBe(true);
      expect(await d.retry(dead.id)).toBe(false);
      expect(await d.runOnce()).toBe(1);
      expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 1, sent_at: now });
      const attempts = await outboxRepository.attempts(store.db, dead.id);
      expect(attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'sent']);
      expect(attempts.at(-1)).toMatchObject({ external_id: 'r-1' });
      expect(await d.retry(dead.id)).toBe(false);
    });

    it('spreads retries with jitter within the configured fraction', () => {
      const policy = { baseMs: 1_000, factor: 3, maxAttempts: 5, maxDelayMs: 60_000, jitter: 0.5 };
      expect(backoffDelay(policy, 1, () => 0)).toBe(1_000);
      expect(backoffDelay(policy, 1, () => 0.999999)).toBe(500);
      expect(backoffDelay(policy, 3, () => 0.5)).toBe(6_750);
      expect(backoffDelay(policy, 10, () => 0)).toBe(60_000);
      expect(backoffDelay({ ...policy, jitter: 0 }, 2, () => 0.9)).toBe(3_000);
    });

    it('dead-letters after the last try against a real receiver, and delivers once on an admin retry', async () => {
      receiver.reply = () => ({ status: 503 });
      await enqueue(store.db, [msg(1)]);
      const d = dispatcher({ retry: { baseMs: 10, factor: 2, maxAttempts: 3, maxDelayMs: 100 } });
      d.start();
      await until('the message is dead', async () => (await rows())[0]!.status === 'dead');
      expect(receiver.requests).toHaveLength(3);
      const [dead] = await outboxRepository.dead(store.db);
      expect(dead).toMatchObject({ attempts: 3, last_error: 'gave up after 3 attempts: HTTP 503' });
      receiver.reply = () => ({ status: 204 });
      expect(await d.retry(dead!.id)).toBe(true);
      await until('the message is sent', allSent);
      expect(receiver.requests).toHaveLength(4);
      expect([...receiver.accepted.values()]).toEqual([1]);
    });

    it('dead-letters at once a message that cannot succeed: refused with 4xx, or for a channel not configured', async () => {
      receiver.reply = () => ({ status: 422, body: 'unknown recipient' });
      await enqueue(store.db, [msg(1), msg(2, { channel: 'sms', address: '13800138000' })]);
      const d = dispatcher();
      expect(await d.runOnce()).toBe(2);
      const dead = await outboxRepository.dead(store.db);
      expect(dead.map((r) => [r.idempotency_key, r.attempts, r.last_error]).sort()).toEqual([
        [msg(1).idempotencyKey, 1, 'not retryable: HTTP 422: unknown recipient'],
        [msg(2).idempotencyKey, 1, 'not retryable: channel sms is not configured'],
      ]);
      expect(receiver.requests).toHaveLength(1);
    });

    it('loses nothing and sends nothing twice across a restart in the middle of retries', async () => {
      receiver.reply = () => ({ status: 503 });
      await enqueue(store.db, range(10).map((i) => msg(i)));
      const first = dispatcher({ retry: { baseMs: 30, factor: 2, maxAttempts: 30, maxDelayMs: 100 } });
      first.start();
      await until('every message was tried twice', async () => (await rows()).every((r) => r.attempts >= 2));
      await first.stop();
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      const triedBefore = receiver.requests.length;

      // A new process on the same database; the receiver is healthy again.
      receiver.reply = () => ({ status: 200 });
      store = await open();
      const before = await rows();
      expect(before.every((r) => r.status === 'pending' && r.locked_by === null)).toBe(true);
      dispatcher({ store }).start();
      await until('every message was sent', allSent);
      expect(receiver.accepted.size).toBe(10);
      expect(receiver.duplicates()).toEqual([]);
      expect(receiver.requests.length).toBe(triedBefore + 10);
      for (const row of await rows()) {
        const prior = before.find((r) => r.id === row.id)!;
        expect(row.attempts).toBe(prior.attempts + 1);
        const attempts = await outboxRepository.attempts(store.db, row.id);
        expect(attempts.map((a) => a.attempt)).toEqual(range(row.attempts));
      }
    });

    it('takes over a message whose claimant died when the lease runs out, and ignores the late outcome', async () => {
      await enqueue(store.db, [msg(1)]);
      const dead = manualChannel();
      // A lease long enough that a busy machine cannot let it run out before the successor first looks.
      const crashed = dispatcher({ channels: { webhook: dead.channel }, leaseMs: 1_500, workerId: 'crashed' });
      const stuck = crashed.runOnce();
      await until('the message is claimed', () => dead.waiting.length === 1);
      expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 1, locked_by: 'crashed' });

      // Another process on the same database (the first never comes back in time).
      const other = await open();
      const successor = dispatcher({ store: other, leaseMs: 1_500, workerId: 'successor' });
      expect(await successor.runOnce()).toBe(0);
      await sleep(1_600);
      expect(await successor.runOnce()).toBe(1);
      expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 2, locked_by: null });
      expect(receiver.accepted.size).toBe(1);

      // The lost process finally answers: its outcome is recorded, the message stays sent.
      dead.waiting[0]!({ ok: false, retryable: false, reason: 'late refusal' });
      await stuck;
      expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
      const attempts = await outboxRepository.attempts(store.db, (await rows())[0]!.id);
      expect(attempts.map((a) => `${a.attempt} ${a.outcome}`).sort()).toEqual(['1 failed', '1 failed', '2 sent']);
      expect(attempts.find((a) => a.detail?.startsWith('abandoned'))?.detail).toContain('crashed');
    });

    it('shares the work between two dispatchers without sending anything twice', async () => {
      receiver.reply = () => ({ status: 200, delayMs: 5 });
      await enqueue(store.db, range(60).map((i) => msg(i)));
      // PostgreSQL: two processes (SKIP LOCKED); SQLite: one process owns the file.
      const second = dialect === 'postgres' ? await open() : store;
      dispatcher({ concurrency: 4, workerId: 'a' }).start();
      dispatcher({ store: second, concurrency: 4, workerId: 'b' }).start();
      await until('every message was sent', allSent);
      expect(receiver.accepted.size).toBe(60);
      expect(receiver.duplicates()).toEqual([]);
      expect(receiver.requests).toHaveLength(60);
    });

    it('wakes on demand, and sleeps only until the next retry is due', async () => {
      const d = dispatcher({ pollMs: 60_000 });
      d.start();
      await sleep(50);
      let failing = true;
      receiver.reply = () => (failing ? { status: 500 } : { status: 200 });
      await enqueue(store.db, [msg(1)]);
      d.wake();
      await until('the first try failed', () => receiver.requests.length === 1);
      failing = false;
      // The retry is due in 20 ms; without its own timer it would wait for the 60 s poll.
      await until('the retry was sent without a wake', allSent, 20_000);
    });

    it('lets commits in quick succession share a pass, and records the outcomes with a later pass', async () => {
      const log = new StatementLog();
      const delivered: string[] = [];
      const SPACING = 300;
      const d = dispatcher({ store: { ...store, db: store.db.withPlugin(log) }, channels: { in_app: inAppChannel((m) => delivered.push(m.recipient)) }, spacingMs: SPACING });
      /** Passes that claimed: each is a transaction on the one writer. */
      const passes = () => log.count('select * from "outbox"');
      d.start();
      await until('the first pass', () => passes() === 1);
      const started = performance.now();
      for (const i of range(20)) {
        // As a burst of due timers does: a commit that enqueues, then a wake-up.
        await enqueue(store.db, [msg(i, { channel: 'in_app', idempotencyKey: `in-app:${i}` })], T0);
        d.wake();
      }
      const spacings = Math.ceil((performance.now() - started) / SPACING);
      await until('every outcome recorded', allSent);
      expect(delivered.sort()).toEqual(range(20).map((i) => `person-${i}`).sort());
      // One pass per spacing while the commits came, one for the rest and one for the last
      // outcomes; without spacing, a pass per commit and another per finished send.
      expect(passes() - 1).toBeLessThanOrEqual(spacings + 2);
      expect(passes() - 1).toBeLessThan(10);
    });

    it('on stop, lets a send finish within the grace period, then aborts it and records it as due again', async () => {
      receiver.reply = () => ({ status: 200, delayMs: 5_000 });
      await enqueue(store.db, [msg(1)]);
      const d = dispatcher({ graceMs: 100, channels: { webhook: webhookChannel({ url: receiver.url(), secret: SECRET, timeoutMs: 10_000 }) } });
      d.start();
      await until('the send is in flight', () => receiver.requests.length === 1);
      // Had stop() waited for the send, it would have been sent (after 5 s); it was aborted instead.
      await d.stop();
      const [row] = await rows();
      expect(row).toMatchObject({ status: 'pending', attempts: 1, locked_by: null, last_error: 'aborted: the dispatcher is stopping' });
      expect((await outboxRepository.attempts(store.db, row!.id)).map((a) => a.outcome)).toEqual(['failed']);
    });
  });
}

import { connect, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/** Opens the live stream with a Last-Event-ID; `until` reads on until a condition holds of all that arrived. */
async function openStream(base: string, cookie: string, lastEventId: string) {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/events/stream`, { headers: { cookie, 'last-event-id': lastEventId }, signal: ac.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async until(holds: (text: string) => boolean): Promise<string> {
      while (!holds(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text;
    },
    close: () => ac.abort(),
  };
}

/** Reads the live stream from a Last-Event-ID until `until` holds of what arrived. */
async function stream(base: string, cookie: string, lastEventId: string, until: (text: string) => boolean): Promise<string> {
  const s = await openStream(base, cookie, lastEventId);
  const text = await s.until(until);
  s.close();
  return text;
}

for (const dialect of DIALECTS) {
  describe(`the live stream on ${dialect}`, () => {
    let t: TestApp;
    let base: string;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      staff = await Client.as(t.app, 'petition-bureau.staff');
    });
    afterEach(async () => t?.close());

    it('tells a client further along than the log (a restored backup) to start over, then streams on', async () => {
      await staff.post('/api/incidents', reportBody());
      const head = Number((await staff.get('/api/events')).json().at(-1).seq);
      const live = await openStream(base, staff.session, String(head + 500));
      await live.until((text) => text.includes('event: reset'));
      // A new incident arrives after the reset, with the next sequence number.
      await staff.post('/api/incidents', reportBody({ venue: 'venue-1' }));
      const text = await live.until((text) => /^id: \d+$/m.test(text.split('event: reset')[1] ?? ''));
      live.close();
      expect(text).toContain(`event: reset\ndata: {"head":${head}}`);
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids.length).toBeGreaterThan(0);
      expect(Math.min(...ids)).toBe(head + 1);
    });

    it('a page of the feed skips what the reader may not see and reads on, so an empty page means the end', async () => {
      await staff.post('/api/incidents', reportBody());
      // Many events the township principal may not see: a register matter of another township, updated again and again.
      const fushan = await Client.as(t.app, 'town-fushan.principal');
      const risk = (await fushan.post('/api/risks', { unit: 'town-fushan', matter: '企业欠薪', place: '工业园', affected: 40 })).json().id;
      for (let i = 0; i < 12; i++) await fushan.post(`/api/risks/${risk}/commands`, { do: 'record_action', text: `走访第${i + 1}次` });
      await staff.post('/api/incidents', reportBody({ venue: 'venue-1' }));
      const tanggou = await Client.as(t.app, 'town-tanggou.principal');
      const first = (await tanggou.get('/api/events?after=0&limit=1')).json() as { seq: number; type: string }[];
      expect(first.map((e) => e.type)).toEqual(['incident_reported']);
      const next = (await tanggou.get(`/api/events?after=${first[0]!.seq}&limit=5`)).json() as { seq: number; type: string; stream: string }[];
      expect(next.map((e) => [e.stream, e.type])).toEqual([['incident', 'incident_reported']]);
      expect((await tanggou.get(`/api/events?after=${next[0]!.seq}`)).json()).toEqual([]);
    });

    it('sends the stream as it is, delimited by the connection (no chunk framing), and closes the connection when the server stops', async () => {
      // Two incidents before the stream opens: the backlog after Last-Event-ID 0 goes out as one write.
      await staff.post('/api/incidents', reportBody());
      await staff.post('/api/incidents', reportBody({ venue: 'venue-1' }));
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(base).port) });
      let raw = '';
      const waiters: (() => void)[] = [];
      const wake = () => waiters.splice(0).forEach((w) => w());
      socket.setEncoding('utf8').on('data', (chunk: string) => ((raw += chunk), wake()));
      const closed = new Promise<void>((resolve) => socket.on('close', () => (wake(), resolve())));
      const until = async (holds: () => boolean) => {
        while (!holds() && !socket.destroyed) await new Promise<void>((r) => waiters.push(r));
      };
      socket.write(`GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\nCookie: ${staff.session}\r\n\r\n`);
      await until(() => raw.includes('\r\n\r\n'));
      const [head, ...rest] = raw.split('\r\n\r\n');
      const body = () => raw.slice(head!.length + 4);
      expect(rest.length).toBeGreaterThan(0);
      expect(head).toMatch(/^HTTP\/1\.1 200 /);
      expect(head).toMatch(/^content-type: text\/event-stream/im);
      expect(head).toMatch(/^connection: close$/im);
      expect(head).not.toMatch(/^transfer-encoding:/im);
      expect(head).not.toMatch(/^content-length:/im);

      // The backlog, then a live event: all arrive, each an SSE block with nothing between them.
      await staff.post('/api/incidents', reportBody({ venue: 'venue-2' }));
      const events = (await staff.get('/api/events')).json() as { seq: number }[];
      expect(events.length).toBeGreaterThan(2);
      const last = events.at(-1)!.seq;
      await until(() => new RegExp(`^id: ${last}\n`, 'm').test(body()));
      await until(() => body().endsWith('\n\n'));
      const blocks = body().slice(0, -2).split('\n\n');
      expect(blocks[0]).toBe('retry: 2000');
      const ids: number[] = [];
      for (const block of blocks.slice(1)) {
        if (/^: heartbeat \d+$/.test(block)) continue;
        const m = /^id: (\d+)\ndata: (.+)$/.exec(block);
        expect(m, block).not.toBeNull();
        expect((JSON.parse(m![2]!) as { seq: number }).seq).toBe(Number(m![1]));
        ids.push(Number(m![1]));
      }
      expect(ids).toEqual(events.map((e) => e.seq));

      // The body ends with the connection: at shutdown the server closes it, and the client sees the end.
      await t.close();
      t = undefined as unknown as TestApp;
      await closed;
    });

    it('resumes after a Last-Event-ID within the log with no reset and nothing twice', async () => {
      await staff.post('/api/incidents', reportBody());
      await staff.post('/api/incidents', reportBody({ venue: 'venue-1' }));
      const events = (await staff.get('/api/events')).json() as { seq: number }[];
      expect(events.length).toBeGreaterThan(1);
      const from = events[0]!.seq;
      const last = events.at(-1)!.seq;
      const text = await stream(base, staff.session, String(from), (x) => new RegExp(`^id: ${last}$`, 'm').test(x));
      expect(text).not.toContain('event: reset');
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids).toEqual(events.filter((e) => e.seq > from).map((e) => e.seq));
    });
  });
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventsRepository } from '../../store/events.repository.js';
import { presentFeed, principal, type Services } from '../context.js';
import { readBatch, type Batch, type Frame } from '../event.hub.js';

/** The event log: a page after a sequence number, and the live stream (Server-Sent Events). */
export function eventRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/events',
    {
      schema: {
        querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(5000).default(1000) }),
        tags: ['events'],
        summary: 'Events after a sequence number, in order: those the user may see (case events are read with their case)',
      },
      config: { read: 'feed' },
    },
    async (req) => {
      const p = principal(req);
      const plan = await s.plans.current();
      // Events the reader may not see are skipped, so a page reads on until it holds `limit`
      // events or the log ends: an empty page always means there is nothing more to read.
      const out: Record<string, unknown>[] = [];
      let after = req.query.after;
      while (out.length < req.query.limit) {
        const batch = await readBatch(s.store, after, req.query.limit);
        if (!batch.rows.length) break;
        for (const e of presentFeed(p, plan, batch)) if (out.length < req.query.limit) out.push(e.event);
        after = Number(batch.rows.at(-1)!.seq);
      }
      return out;
    },
  );

  r.get(
    '/api/events/stream',
    {
      schema: {
        querystring: z.object({ after: z.coerce.number().int().min(0).optional() }),
        tags: ['events'],
        summary:
          'Live events (text/event-stream); each `id:` is the sequence number; reconnect with Last-Event-ID. A position beyond the log (a restored backup) gets a `reset` event with the head, then live events',
      },
      config: { read: 'feed' },
    },
    async (req, reply) => {
      const p = principal(req);
      const header = req.headers['last-event-id'];
      const raw = (Array.isArray(header) ? header[0] : header)?.trim();
      const resume = raw && /^\d+$/.test(raw) ? Number(raw) : null;
      let sent = resume ?? req.query.after ?? s.hub.position;
      const plan = await s.plans.current();
      // A client further along than the log (the database was restored from a backup) would
      // wait in silence for sequence numbers that were reissued: it is told to start over.
      const head = Math.max(s.hub.position, (await eventsRepository.head(s.store.db)).seq);
      const reset = sent > head;
      if (reset) sent = head;

      reply.hijack();
      const res = reply.raw;
      // The body runs until the connection closes (HTTP/1.1 allows a body delimited by closing,
      // RFC 9112 §6.3), not in chunks: Node then writes each event to the socket as it is, one
      // buffer, instead of a size line, the event and a line end around every write. A stream
      // only ever ends with its connection anyway; the client reconnects on a new one.
      res.useChunkedEncodingByDefault = false;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'close',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      if (reset) res.write(`event: reset\ndata: ${JSON.stringify({ head })}\n\n`);

      // Live events are rendered once for everyone who reads them alike (same plan, same
      // roles); live frames that arrive while the backlog is read wait in `buffer`. Nothing is
      // sent twice: each frame goes out only past `sent`.
      const render = (batch: Batch): Frame[] => presentFeed(p, plan, batch).map((e) => ({ seq: e.seq, text: `id: ${e.seq}\ndata: ${JSON.stringify(e.event)}\n\n` }));
      let backlogDone = false;
      const buffer: (readonly Frame[])[] = [];
      const write = (frames: readonly Frame[], bytes?: () => Buffer) => {
        if (!frames.length) return;
        if (bytes && frames[0]!.seq > sent) res.write(bytes());
        else {
          let out = '';
          for (const f of frames) if (f.seq > sent) out += f.text;
          if (out) res.write(out);
        }
        sent = Math.max(sent, frames.at(-1)!.seq);
      };
      const audience = `${plan.digest}\u0000${p.admin ? 1 : 0}\u0000${[...p.roles].sort().join('\u0001')}`;
      const unsubscribe = s.hub.subscribe(audience, render, (frames, bytes) => (backlogDone ? write(frames, bytes) : buffer.push(frames)));
      // Connections that opened together (a restart, a network back) do not beat together.
      const beat = () => res.write(`: heartbeat ${Date.now()}\n\n`);
      let heartbeat: NodeJS.Timeout = setTimeout(() => {
        beat();
        heartbeat = setInterval(beat, s.heartbeatMs);
      }, Math.ceil(Math.random() * s.heartbeatMs));
      const untrack = s.hub.track(() => res.end());
      const close = () => {
        clearTimeout(heartbeat);
        clearInterval(heartbeat);
        unsubscribe();
        untrack();
      };
      req.raw.on('close', close);
      try {
        for (;;) {
          const batch = await readBatch(s.store, sent, 1000);
          if (!batch.rows.length) break;
          const frames = render(batch);
          write(frames);
          // A page the reader may see nothing of still moves the cursor on.
          sent = Math.max(sent, Number(batch.rows.at(-1)!.seq));
        }
      } finally {
        backlogDone = true;
        for (const frames of buffer.splice(0)) write(frames);
      }
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventsRepository } from '../../store/events.repository.js';
import type { EventRow } from '../../store/schema.js';
import { countyTime, inFeed, presentEvent, principal, type Services } from '../context.js';

/** The event log: a page after a sequence number, and the live stream (Server-Sent Events). */
export function eventRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const present = async (rows: EventRow[]) => {
    const t = countyTime(await s.plans.current());
    return rows.filter(inFeed).map((row) => presentEvent(row, t));
  };

  r.get(
    '/api/events',
    {
      schema: {
        querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(5000).default(1000) }),
        tags: ['events'],
        summary: 'Events after a sequence number, in order',
      },
    },
    async (req) => {
      principal(req);
      return present(await eventsRepository.after(s.store.db, req.query.after, req.query.limit));
    },
  );

  r.get(
    '/api/events/stream',
    {
      schema: {
        querystring: z.object({ after: z.coerce.number().int().min(0).optional() }),
        tags: ['events'],
        summary: 'Live events (text/event-stream); each `id:` is the sequence number; reconnect with Last-Event-ID',
      },
    },
    async (req, reply) => {
      principal(req);
      const header = req.headers['last-event-id'];
      const raw = (Array.isArray(header) ? header[0] : header)?.trim();
      const resume = raw && /^\d+$/.test(raw) ? Number(raw) : null;
      let sent = resume ?? req.query.after ?? s.hub.position;
      const t = countyTime(await s.plans.current());

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');

      // Live rows that arrive while the backlog is read wait in `buffer`; nothing is sent twice.
      let backlogDone = false;
      const buffer: EventRow[] = [];
      const write = (rows: EventRow[]) => {
        let out = '';
        for (const row of rows) {
          const seq = Number(row.seq);
          if (seq <= sent) continue;
          sent = seq;
          if (!inFeed(row)) continue;
          out += `id: ${seq}\ndata: ${JSON.stringify(presentEvent(row, t))}\n\n`;
        }
        if (out) res.write(out);
      };
      const unsubscribe = s.hub.subscribe((rows) => (backlogDone ? write(rows) : buffer.push(...rows)));
      const heartbeat = setInterval(() => res.write(`: heartbeat ${Date.now()}\n\n`), s.heartbeatMs);
      const untrack = s.hub.track(() => res.end());
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        untrack();
      };
      req.raw.on('close', close);
      try {
        for (;;) {
          const rows = await eventsRepository.after(s.store.db, sent, 1000);
          if (!rows.length) break;
          write(rows);
        }
      } finally {
        backlogDone = true;
        write(buffer.splice(0));
      }
    },
  );
}

import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIMITS, ShortText } from '../../engine/limits.js';
import { attachmentsRepository } from '../../store/attachments.repository.js';
import { mayIssue } from '../auth/permissions.js';
import { presentIncident, principal, type Services } from '../context.js';
import { refusal } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';
import { runCommand } from './stream.command.js';

const MEDIA = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf', 'video/mp4'];
export const MAX_ATTACHMENT = LIMITS.attachment;

/**
 * Evidence (现场取证, §5.1): the file is stored with its SHA-256, and an `attach` command puts
 * it on the incident's record. The hash in the hash-chained event log vouches for the file.
 */
export function attachmentRoutes(app: FastifyInstance, s: Services): void {
  // Files have their own limit (the parser's); any other body keeps the app's ~1 MB.
  app.addContentTypeParser(MEDIA, { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT }, (_req, body, done) => done(null, body));
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/incidents/:id/attachments',
    {
      schema: {
        params: z.object({ id: z.string().min(1).max(100) }),
        querystring: z.object({ name: ShortText.min(1) }),
        tags: ['incidents'],
        summary: 'Attach evidence: send the file as the body with its content type; ?name=photo.jpg',
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!MEDIA.includes(mediaType) || !Buffer.isBuffer(req.body)) {
        throw new ApiError('bad_request', refusal('input.media_type', { types: MEDIA.join(', ') }));
      }
      const bytes = req.body;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const id = crypto.randomUUID();
      const command = { do: 'attach' as const, attachment: id, sha256, name: req.query.name, media_type: mediaType, size: bytes.length };
      // A refusal answers with the reason alone: unlike other commands, not the incident.
      const incident = await runCommand(
        s.processor,
        {
          what: `incident ${req.params.id}`,
          permit: (c, state, plan) => mayIssue(p, c, plan, state),
          refusal: (rejection) => refusal(`rejection.${rejection.code}`),
          present: (state, plan) => presentIncident(s.store.db, p, state, plan),
        },
        p,
        req.params.id,
        command,
      );
      // The record is written; now the file. A crash in between leaves a reference whose
      // hash shows the file missing, never a file without a record.
      await attachmentsRepository.insert(s.store.db, {
        id,
        incident_id: req.params.id,
        sha256,
        name: req.query.name,
        media_type: mediaType,
        size: bytes.length,
        content: bytes.toString('base64'),
        created_at: s.clock(),
        created_by: p.username,
      });
      reply.code(201);
      return { attachment: { id, sha256, name: req.query.name, media_type: mediaType, size: bytes.length }, incident };
    },
  );

  r.get('/api/attachments/:id', { schema: { params: z.object({ id: z.string().min(1).max(100) }), tags: ['incidents'], summary: 'An evidence file; X-Content-SHA256 carries its hash' }, config: { read: 'incident' } }, async (req, reply) => {
    principal(req);
    const row = await attachmentsRepository.get(s.store.db, req.params.id);
    if (!row) throw notFound(`attachment ${req.params.id}`);
    reply
      .header('content-type', row.media_type)
      .header('x-content-sha256', row.sha256)
      .header('cache-control', 'private, max-age=86400, immutable')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(row.name)}`);
    return Buffer.from(row.content, 'base64');
  });
}

import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShortText, Slug } from '../../engine/limits.js';
import type { OrganizationFile } from '../../plan/plan.schema.js';
import { attachmentsRepository } from '../../store/attachments.repository.js';
import { refusal } from '../../i18n/refusals.js';
import { principal, requireAdmin, type Services } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { inspectSitePlan, SITE_PLAN_LIMITS, SITE_PLAN_MEDIA, typeRefusal } from '../site-plan.image.js';

/** Marks name the stored image they were placed on: a hash of no stored plan is a 400, nothing recorded. */
export async function requireStoredSitePlan(s: Services, command: { site_plan?: string }): Promise<void> {
  if (command.site_plan && !(await attachmentsRepository.sitePlan(s.store.db, command.site_plan))) {
    throw new ApiError('bad_request', refusal('site_plan.unknown'));
  }
}

/** What the organization routes lend: the current document, and saving a changed one as a new revision. */
export interface OrgDocument {
  current(): Promise<{ rev: number; org: OrganizationFile }>;
  save(org: OrganizationFile, by: string): Promise<number>;
}

/**
 * The policy an image of ours is served under: nothing it names loads, no script runs, and in a
 * tab of its own it is a sandboxed document. The web UI shows a plan only as an image.
 */
export const SITE_PLAN_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox";

/**
 * Venues' site plans: an administrator uploads a PNG, JPEG or SVG for a venue; it is stored
 * once under its SHA-256 (like evidence) and the venue, in a new revision of the organization,
 * names it. Everyone signed in may see it, as they see the venue.
 */
export function sitePlanRoutes(app: FastifyInstance, s: Services, org: OrgDocument): void {
  // PNG and JPEG already arrive as bytes (the evidence parser, whose limit is larger: the
  // handler applies the plan's own); SVG is parsed here.
  app.addContentTypeParser('image/svg+xml', { parseAs: 'buffer', bodyLimit: SITE_PLAN_LIMITS.bytes }, (_req, body, done) => done(null, body));
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = s.store.db;
  const params = z.object({ id: Slug });

  r.put(
    '/api/org/venues/:id/site-plan',
    {
      schema: {
        params,
        querystring: z.object({ name: ShortText.min(1) }),
        tags: ['organization'],
        summary: `Upload a venue's site plan: a PNG, JPEG or SVG (at most ${SITE_PLAN_LIMITS.bytes / 1024 / 1024} MB) as the body with its content type; ?name=plan.svg`,
      },
    },
    async (req) => {
      const p = requireAdmin(req);
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(SITE_PLAN_MEDIA as readonly string[]).includes(mediaType) || !Buffer.isBuffer(req.body)) {
        throw new ApiError('bad_request', typeRefusal());
      }
      const { org: current } = await org.current();
      const venue = current.venues.find((v) => v.id === req.params.id);
      if (!venue) throw notFound(`venue ${req.params.id}`);
      const bytes = req.body;
      const check = inspectSitePlan(bytes, mediaType);
      if (!check.ok) throw new ApiError('bad_request', check.reason);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      // The image first: a revision never names an image that is not stored.
      await attachmentsRepository.insertSitePlan(db, {
        sha256,
        media_type: mediaType,
        width: check.width,
        height: check.height,
        size: bytes.length,
        content: bytes.toString('base64'),
        created_at: s.clock(),
        created_by: p.username,
      });
      const site_plan = { sha256, media_type: mediaType as (typeof SITE_PLAN_MEDIA)[number], width: check.width, height: check.height, name: req.query.name };
      const changed = { ...venue, site_plan };
      const rev = await org.save({ ...current, venues: current.venues.map((v) => (v.id === venue.id ? changed : v)) }, p.username);
      return { rev, venue: changed };
    },
  );

  r.delete('/api/org/venues/:id/site-plan', { schema: { params, tags: ['organization'], summary: "Take a venue's site plan off (the image stays: incidents' marks name it)" } }, async (req) => {
    const p = requireAdmin(req);
    const { org: current } = await org.current();
    const venue = current.venues.find((v) => v.id === req.params.id);
    if (!venue) throw notFound(`venue ${req.params.id}`);
    const { site_plan: _, ...changed } = venue;
    const rev = await org.save({ ...current, venues: current.venues.map((v) => (v.id === venue.id ? changed : v)) }, p.username);
    return { rev, venue: changed };
  });

  r.get(
    '/api/site-plans/:sha256',
    {
      config: { read: 'organization' },
      schema: { params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }), tags: ['organization'], summary: 'A site plan image by its SHA-256 (served sandboxed)' },
    },
    async (req, reply) => {
      principal(req);
      const row = await attachmentsRepository.sitePlan(db, req.params.sha256);
      if (!row) throw notFound(`site plan ${req.params.sha256}`);
      reply
        .header('content-type', row.media_type)
        .header('content-security-policy', SITE_PLAN_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('x-content-sha256', row.sha256)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('content-disposition', 'inline');
      return Buffer.from(row.content, 'base64');
    },
  );
}

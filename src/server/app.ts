import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import swaggerUi from '@fastify/swagger-ui';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Principal } from './auth/permissions.js';
import { principalOf, sessions, SESSION_COOKIE } from './auth/sessions.js';
import type { Services } from './context.js';
import { ApiError } from './errors.js';
import { adminRoutes } from './routes/admin.routes.js';
import { attachmentRoutes, MAX_ATTACHMENT } from './routes/attachments.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { caseRoutes } from './routes/cases.routes.js';
import { drillRoutes } from './routes/drills.routes.js';
import { eventRoutes } from './routes/events.routes.js';
import { incidentRoutes } from './routes/incidents.routes.js';
import { notifyRoutes } from './routes/notify.routes.js';
import { orgRoutes } from './routes/org.routes.js';
import { planRoutes } from './routes/plans.routes.js';
import { reportRoutes } from './routes/reports.routes.js';
import { riskRoutes } from './routes/risks.routes.js';
import { trackRoutes } from './routes/track.routes.js';
import { workRoutes } from './routes/work.routes.js';

/** Where the built web UI lives. */
export const WEB_ROOT = [new URL('../web/', import.meta.url), new URL('../../dist/web/', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(`${dir}index.html`)) ?? fileURLToPath(new URL('../web/', import.meta.url));

/** Requests that need no session. */
const PUBLIC = [/^\/api\/login$/, /^\/api\/track\//, /^\/api\/ack\//, /^\/api\/openapi\.json$/, /^\/api\/docs/, /^\/healthz$/];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How long a resolved session is reused before it is read again, ms. */
const PRINCIPAL_TTL = 2_000;

/**
 * Builds the HTTP application: JSON API (contract §5) validated with zod, OpenAPI generated
 * from the same schemas at /api/openapi.json with a docs page at /api/docs, sessions with
 * CSRF protection, and errors as `{ "error": { "code", "message" } }`.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** Drops a signed-out session from the short-lived cache. */
    forgetSession(id: string): void;
  }
}

export async function buildApp(s: Services, opts: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ ...opts, bodyLimit: MAX_ATTACHMENT });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // An empty JSON body (e.g. POST /api/logout sent with a JSON content type) means no body.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' ? done(null, undefined) : json(req, body as string, done),
  );
  app.addContentTypeParser(['text/csv', 'text/plain', 'text/yaml', 'application/yaml', 'application/x-yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Yingji 应急 API', version: '1', description: 'Runs a county emergency plan for petition incidents. Commands: contract §1.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' } } },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.decorateRequest('principal', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('csrfToken', null);

  // A resolved session is reused for a moment: roles follow the roster within seconds, and
  // sign-out drops the entry at once.
  const recent = new Map<string, { at: number; principal: Principal; id: string; csrf: string }>();
  app.decorate('forgetSession', (id: string) => {
    for (const [token, entry] of recent) if (entry.id === id) recent.delete(token);
  });

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0]!;
    if (!path.startsWith('/api/') || PUBLIC.some((re) => re.test(path))) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return; // routes that need a principal answer 401
    const now = s.clock();
    let entry = recent.get(token);
    if (!entry || now - entry.at > PRINCIPAL_TTL || now < entry.at) {
      const session = await sessions.resolve(s.store.db, token, now);
      if (!session) {
        recent.delete(token);
        return;
      }
      entry = { at: now, principal: await principalOf(s.store.db, session.user, now), id: session.id, csrf: session.csrf };
      if (recent.size > 10_000) recent.clear();
      recent.set(token, entry);
    }
    if (UNSAFE.has(req.method) && req.headers['x-csrf-token'] !== entry.csrf) {
      throw new ApiError('csrf', 'missing or wrong X-CSRF-Token header (the token is returned at sign-in and by GET /api/me)');
    }
    req.principal = entry.principal;
    req.sessionId = entry.id;
    req.csrfToken = entry.csrf;
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...err.details } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      const message = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
      return reply.code(400).send({ error: { code: 'bad_request', message, issues } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: 'bad_request', message: (err as Error).message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error; it has been logged' } });
  });
  // The web UI, built by Vite into dist/web; every other page path serves the app's index.
  const hasWeb = existsSync(WEB_ROOT);
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    // An acknowledgement link's token holds a dot: `/a/…` is always the page, never a file.
    if (hasWeb && req.method === 'GET' && !path.startsWith('/api/') && (!/\.[a-z0-9]+$/i.test(path) || path.startsWith('/a/'))) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${path}` } });
  });

  authRoutes(app, s);
  incidentRoutes(app, s);
  eventRoutes(app, s);
  planRoutes(app, s);
  orgRoutes(app, s);
  trackRoutes(app, s);
  adminRoutes(app, s);
  workRoutes(app, s);
  attachmentRoutes(app, s);
  caseRoutes(app, s);
  drillRoutes(app, s);
  reportRoutes(app, s);
  notifyRoutes(app, s);
  riskRoutes(app, s);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

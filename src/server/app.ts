import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import helmetHeaders from 'helmet';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import swaggerUi from '@fastify/swagger-ui';
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { LIMITS } from '../engine/limits.js';
import { packagePath } from '../package.root.js';
import { langOf, refusal, say, sayIssues } from '../i18n/refusals.js';
import type { Principal } from './auth/permissions.js';
import { READ_RULES, type ReadRule } from './auth/visibility.js';
import { principalOf, sessions, SESSION_COOKIE } from './auth/sessions.js';
import type { Services } from './context.js';
import { ApiError } from './errors.js';
import { adminRoutes } from './routes/admin.routes.js';
import { attachmentRoutes } from './routes/attachments.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { caseRoutes } from './routes/cases.routes.js';
import { drillRoutes } from './routes/drills.routes.js';
import { eventRoutes } from './routes/events.routes.js';
import { incidentRoutes } from './routes/incidents.routes.js';
import { boardRoutes } from './routes/board.routes.js';
import { notifyRoutes } from './routes/notify.routes.js';
import { orgRoutes } from './routes/org.routes.js';
import { planRoutes } from './routes/plans.routes.js';
import { reportRoutes } from './routes/reports.routes.js';
import { riskRoutes } from './routes/risks.routes.js';
import { trackRoutes } from './routes/track.routes.js';
import { workRoutes } from './routes/work.routes.js';
import { cacheControl } from './web.assets.js';

/** Where the built web UI lives (built by Vite into dist/web). */
export const WEB_ROOT = `${packagePath('dist', 'web')}/`;

/** Requests that need no session. */
const PUBLIC = [/^\/api\/login$/, /^\/api\/track\//, /^\/api\/ack\//, /^\/api\/openapi\.json$/, /^\/api\/docs/, /^\/healthz$/];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Security headers on every response (@fastify/helmet). The CSP allows what the web UI and the
 * API docs load from this server, inline styles (Ant Design and ECharts set styles from
 * script) and `data:`/`blob:` images (icons, chart downloads); no inline or foreign script,
 * no framing. Plain-HTTP intranet deployments keep working: no upgrade-insecure-requests;
 * HSTS (heeded only over HTTPS) does not claim the county's other subdomains.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      // The service worker (sw.js) and the web app manifest of the installable app.
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  strictTransportSecurity: { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false },
};
/** The same headers for answers the framework gives before any hook runs (a malformed URL). */
const headersOnly = helmetHeaders(SECURITY_HEADERS);
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
    /** Every read path (GET route) with the visibility rule it names. */
    readPaths: readonly ReadPath[];
  }
}

const NUL_REFUSED = () => new ApiError('bad_request', refusal('input.nul'));

/** Whether a parsed JSON body holds a NUL character in any key or string. */
function holdsNul(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string' && v.includes('\0')) return true;
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\0')) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

/** A GET route and the visibility rule it follows. */
export interface ReadPath {
  url: string;
  read: ReadRule;
}

export async function buildApp(s: Services, opts: FastifyServerOptions = {}): Promise<FastifyInstance> {
  // JSON (and CSV, YAML) bodies stay under ~1 MB; evidence files have their own parser's limit.
  const app = Fastify({
    ...opts,
    bodyLimit: LIMITS.body,
    // A malformed URL or an over-long path parameter is answered by the router: in the API's error shape too.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400;
      // Refused before any hook ran: the same security headers are set here.
      headersOnly(req.raw, reply.raw, () => {});
      return (reply as FastifyReply).code(status).send({ error: { code: 'bad_request', message: err.message } });
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // An empty JSON body (e.g. POST /api/logout sent with a JSON content type) means no body.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // NUL characters are refused anywhere in a request: PostgreSQL text cannot hold them.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' ? done(null, undefined) : json(req, body as string, (err, value) => (err ? done(err) : /\\u0000/i.test(body as string) && holdsNul(value) ? done(NUL_REFUSED()) : done(null, value))),
  );
  app.addContentTypeParser(['text/csv', 'text/plain', 'text/yaml', 'application/yaml', 'application/x-yaml'], { parseAs: 'string' }, (_req, body, done) =>
    (body as string).includes('\0') ? done(NUL_REFUSED()) : done(null, body),
  );
  app.addHook('onRequest', async (req) => {
    if (req.url.includes('%00')) throw NUL_REFUSED();
  });

  await app.register(cookie);
  // Answers of 1 KB or more travel compressed (brotli or gzip, as the client accepts); the web UI's
  // files come precompressed from the build. The live stream is never compressed: it is hijacked
  // (no onSend) and text/event-stream is not a compressible type. Compressed request bodies are refused.
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1024, globalDecompression: false });
  await app.register(helmet, SECURITY_HEADERS);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Yingji 应急 API', version: '1', description: 'Runs a county emergency plan for petition incidents. Commands: contract §1.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' } } },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  // Every read path names its visibility rule (auth/visibility.ts); one that names none does not start.
  const reads: ReadPath[] = [];
  app.decorate('readPaths', reads);
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (!methods.includes('GET') || route.url.startsWith('/api/docs') || !(route.url.startsWith('/api/') || route.url === '/healthz')) return;
    const read = route.config?.read;
    if (!read || !(read in READ_RULES)) throw new Error(`GET ${route.url} names no visibility rule (config.read, one of ${Object.keys(READ_RULES).join(', ')})`);
    reads.push({ url: route.url, read });
  });

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
      throw new ApiError('csrf', refusal('auth.csrf'));
    }
    req.principal = entry.principal;
    req.sessionId = entry.id;
    req.csrfToken = entry.csrf;
  });

  // Errors in the language the client asks for (Accept-Language; Chinese by default): refusals.ts.
  app.setErrorHandler((err, req, reply) => {
    const lang = langOf(req.headers['accept-language']);
    if (err instanceof ApiError) {
      return reply.code(err.status).send({ error: { code: err.code, ...err.details, ...err.say(lang) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      const message = sayIssues(lang, err.validation.map((v) => ({ path: v.instancePath, code: v.keyword, message: v.message ?? '', params: v.params })));
      return reply.code(400).send({ error: { code: 'bad_request', message, issues } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const message = (err as Error).message;
      return reply.code(status).send({ error: { code: 'bad_request', ...(lang === 'en' ? { message } : { message: say('zh', refusal('error.bad_request')), detail: message }) } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: say(lang, refusal('error.internal')) } });
  });
  // The web UI, built by Vite into dist/web; every other page path serves the app's index.
  const hasWeb = existsSync(WEB_ROOT);
  // Hashed files are cached for a year; index.html and the rest are revalidated, so a new deploy shows at once.
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: WEB_ROOT,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      preCompressed: true,
      // A route per file, not per compressed copy too (found beside the file when it is asked for).
      globIgnore: ['**/*.br', '**/*.gz'],
      cacheControl: false,
      setHeaders: (reply, path) => void reply.header('cache-control', cacheControl(path)),
    });
  }
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
  boardRoutes(app, s);
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
  app.get('/api/openapi.json', { config: { read: 'public' }, schema: { hide: true } }, async () => app.swagger());
  return app;
}

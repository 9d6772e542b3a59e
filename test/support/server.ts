import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DEFAULT_PLAN_FILE } from '../../src/plan/plan.loader.js';
import { buildApp } from '../../src/server/app.js';
import { Sealer } from '../../src/server/personal.js';
import { seedDemo } from '../../src/server/demo.js';
import { EventHub } from '../../src/server/event.hub.js';
import { PlanRegistry } from '../../src/server/plan.registry.js';
import { StreamProcessor } from '../../src/server/stream.processor.js';
import { caseStream, incidentStream, riskStream, type CaseProcessor, type IncidentProcessor, type RiskProcessor } from '../../src/server/streams.js';
import { openStore, type Store } from '../../src/store/db.js';
import { NotifyConfigSchema } from '../../src/notify/notify.config.js';
import { notifyService, type NotifyService } from '../../src/notify/service.js';
import { freshDatabase } from './databases.js';

export const DEMO_PASSWORD = 'demo-password-for-tests';
/** The personal data key of test apps (32 bytes, hex). */
export const TEST_DATA_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
/** Days test apps keep personal data after a case closes. */
export const RETENTION_DAYS = 30;
/** The acknowledgement link key and public URL of test apps. */
export const TEST_LINK_KEY = 'test-link-signing-key-0123456789abcdef';
export const TEST_PUBLIC_URL = 'http://yingji.test';

/** An app on a fresh database with the demo organization, and a controllable clock. */
export interface TestApp {
  app: FastifyInstance;
  store: Store;
  plans: PlanRegistry;
  processor: IncidentProcessor;
  cases: CaseProcessor;
  /** The early-warning register (§6). */
  risks: RiskProcessor;
  /** Notifications; the dispatcher is not started: tests step it with `runOnce()`. */
  notify: NotifyService;
  clock: { now: number };
  close(): Promise<void>;
}

/**
 * `notify` configures notification channels (as `config.notify`, e.g. `{ webhook: { url, secret } }`);
 * by default only in-app messages, with signed acknowledgement links. `planFile` runs another
 * county's plan (its organization file beside it) instead of the default.
 */
export async function testApp(dialect: 'sqlite' | 'postgres', start = Date.parse('2026-03-02T09:00:00+08:00'), opts: { notify?: Record<string, unknown>; planFile?: string } = {}): Promise<TestApp> {
  const { url, drop } = await freshDatabase(dialect);
  const store = await openStore(url);
  const clock = { now: start };
  const now = () => clock.now;
  const plans = new PlanRegistry(store);
  const plan = await plans.bootstrap(opts.planFile ?? DEFAULT_PLAN_FILE, null);
  await seedDemo(store, plan, DEMO_PASSWORD, now());
  const caseKind = caseStream({ retentionDays: RETENTION_DAYS, sealer: new Sealer(TEST_DATA_KEY) });
  const processor = new StreamProcessor(store, plans, incidentStream(caseKind), now);
  const cases = new StreamProcessor(store, plans, caseKind, now);
  const risks = new StreamProcessor(store, plans, riskStream, now);
  const hub = new EventHub(store);
  await hub.start();
  const config = NotifyConfigSchema.parse({ linkKey: TEST_LINK_KEY, publicUrl: TEST_PUBLIC_URL, retry: { baseMs: 1000 }, ...opts.notify });
  const notify = notifyService({ store, plans, config, clock: now, dispatcher: { random: () => 0 } });
  processor.withFlushHook(notify.notifier.hook);
  cases.withFlushHook(notify.notifier.hook);
  risks.withFlushHook(notify.notifier.hook);
  const app = await buildApp({ store, plans, processor, cases, risks, hub, notify, clock: now, heartbeatMs: 1000 }, { logger: false });
  await app.ready();
  return {
    app,
    store,
    plans,
    processor,
    cases,
    risks,
    notify,
    clock,
    async close() {
      await notify.stop();
      await hub.stop();
      await app.close();
      await store.close();
      await drop();
    },
  };
}

/** A signed-in client of an app (cookie and CSRF token handled), through fastify.inject. */
export class Client {
  private cookie = '';
  csrf = '';
  /** Set by `as`: a client that signs in again when its session expired (tests jump days ahead). */
  private login: { username: string; password: string } | null = null;
  constructor(private readonly app: FastifyInstance) {}

  /** The session cookie header, for requests made outside `inject` (a live stream over a real socket). */
  get session(): string {
    return this.cookie;
  }

  /** The language the client asks for (`Accept-Language`); none by default, so the server answers in Chinese. */
  lang: string | null = null;

  /** `lang`: ask for answers in this language (refusals and errors; `en` for English). */
  static async as(app: FastifyInstance, username: string, password = DEMO_PASSWORD, opts: { renew?: boolean; lang?: string } = {}): Promise<Client> {
    const c = new Client(app);
    c.lang = opts.lang ?? null;
    const res = await c.post('/api/login', { username, password });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    if (opts.renew) c.login = { username, password };
    return c;
  }

  async request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
        ...(this.lang ? { 'accept-language': this.lang } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    const set = res.cookies.find((c) => c.name === 'yingji_session');
    if (set) this.cookie = `yingji_session=${set.value}`;
    if (url === '/api/login' && res.statusCode === 200) this.csrf = res.json().csrf_token;
    if (res.statusCode === 401 && this.login && url !== '/api/login') {
      const again = await this.request('POST', '/api/login', this.login);
      if (again.statusCode === 200) return this.request(method, url, body, headers);
    }
    return res;
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
}

/** A report command body. */
export const reportBody = (over: Record<string, unknown> = {}) => ({
  venue: 'residence',
  headcount: 8,
  units: ['town-tanggou'],
  matter: '征地补偿款未发放',
  ...over,
});

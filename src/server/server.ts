import { LogController, type FastifyInstance } from 'fastify';
import { networkInterfaces } from 'node:os';
import { notifyService } from '../notify/service.js';
import { openStore, type Store } from '../store/db.js';
import { usersRepository } from '../store/users.repository.js';
import { buildApp } from './app.js';
import { newKey, Sealer } from './personal.js';
import type { Config } from './config.js';
import { demoPassword, seedDemo } from './demo.js';
import { EventHub } from './event.hub.js';
import { PlanRegistry } from './plan.registry.js';
import { Scheduler } from './scheduler.js';
import { StreamProcessor } from './stream.processor.js';
import { caseStream, incidentStream, riskStream } from './streams.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The base of links in messages: YINGJI_PUBLIC_URL, else an address this server listens on. */
  publicUrl: string;
  demo: { password: string; usernames: string[] } | null;
  firstStart: boolean;
  /** Stops accepting, finishes in-flight requests, stops timers, closes the database. */
  stop(): Promise<void>;
}

/** Starts everything `yingji serve` runs: store, plan, scheduler, live hub and HTTP. */
export async function startServer(config: Config): Promise<RunningServer> {
  // The demo accounts' password hash (scrypt, on libuv's threads) is made while the server starts.
  const demoLogin = config.demo ? demoPassword(config.demoPassword) : null;
  const store = await openStore(config.db);
  const clock = Date.now;
  const plans = new PlanRegistry(store);
  const plan = await plans.bootstrap(config.plan, null);
  // Demo people and accounts are stored while the app is built.
  const seeding = demoLogin ? seedDemo(store, plan, demoLogin, clock()) : Promise.resolve(null);
  seeding.catch(() => undefined); // awaited below; failing before then is no unhandled rejection

  const sealer = new Sealer(config.dataKey ?? (await localDataKey(config.db)));
  const caseKind = caseStream({ retentionDays: config.retentionDays, sealer });
  const processor = new StreamProcessor(store, plans, incidentStream(caseKind), clock);
  const cases = new StreamProcessor(store, plans, caseKind, clock);
  const risks = new StreamProcessor(store, plans, riskStream, clock);
  const hub = new EventHub(store);
  await hub.start();
  // Links in messages point at the public URL, else at the address the server listens on.
  let publicUrl: string | null = config.notify.publicUrl ?? null;
  const notify = notifyService({
    store,
    plans,
    config: { ...config.notify, linkKey: config.notify.linkKey ?? (await localDataKey(config.db, 'ack-link.key')) },
    publicUrl: () => publicUrl,
    clock,
    // The dispatcher logs only once started, after the app exists.
    log: { warn: (obj, msg) => app.log.warn(obj, msg), error: (obj, msg) => app.log.error(obj, msg) },
  });
  processor.withFlushHook(notify.notifier.hook);
  cases.withFlushHook(notify.notifier.hook);
  risks.withFlushHook(notify.notifier.hook);
  const app = await buildApp(
    { store, plans, processor, cases, risks, hub, notify, clock, heartbeatMs: config.heartbeatMs },
    // Request lines only when asked for (YINGJI_LOG_REQUESTS=1): the console stays readable.
    { logger: { level: config.logLevel }, trustProxy: config.trustProxy, logController: new LogController({ disableRequestLogging: !config.logRequests }) },
  );
  const scheduler = new Scheduler(store, [processor, cases, risks], clock, (err) => app.log.error({ err }, 'timer scheduler'));
  const demo = await seeding;
  const accounts = await usersRepository.count(store.db);
  const address = await app.listen({ port: config.port, host: config.host });
  publicUrl ??= linkBase(config.host, address);
  await scheduler.start();
  await notify.start();
  // The plan was read from its snapshot at start-up; its text is checked again a little later,
  // not in the way of the first requests.
  let rechecked: Promise<void> = Promise.resolve();
  const recheck = setTimeout(() => {
    rechecked = plans.recheck().catch((err: unknown) => app.log.error({ err }, 'plan recheck'));
  }, 3_000);

  let stopping: Promise<void> | null = null;
  return {
    app,
    store,
    url: address,
    publicUrl,
    demo,
    firstStart: accounts === 0,
    stop() {
      stopping ??= (async () => {
        clearTimeout(recheck);
        await rechecked;
        await scheduler.stop();
        await notify.stop();
        // Live streams never end by themselves: end them so close() can finish the rest.
        await hub.stop();
        await app.close();
        await Promise.all([processor.drain(), cases.drain(), risks.drain()]);
        await store.close();
      })();
      return stopping;
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * Where links point without YINGJI_PUBLIC_URL: the listening address; when listening on every
 * interface (0.0.0.0, ::), which Fastify reports as 127.0.0.1, the machine's first network
 * address instead, which phones on the same network can open.
 */
function linkBase(host: string, address: string): string {
  if (host !== '0.0.0.0' && host !== '::') return address;
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4');
  return lan ? `http://${lan.address}:${new URL(address).port}` : address;
}

/**
 * Without YINGJI_DATA_KEY (or YINGJI_LINK_KEY), the personal data key (or the link signing
 * key) lives in a file beside the SQLite database (or under ./data), created once with
 * owner-only permissions. Production sets the keys.
 */
async function localDataKey(db: string, name = 'personal-data.key'): Promise<string> {
  const { mkdir, readFile, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const file = db.startsWith('sqlite:') && !db.includes(':memory:') ? path.join(path.dirname(db.slice('sqlite:'.length)), name) : path.join('data', name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(path.dirname(file), { recursive: true });
    const key = newKey();
    await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

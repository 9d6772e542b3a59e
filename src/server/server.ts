import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../store/db.js';
import { buildApp } from './app.js';
import { CaseProcessor } from './case.processor.js';
import { CommandProcessor } from './command.processor.js';
import { newKey, Sealer } from './personal.js';
import type { Config } from './config.js';
import { seedDemo } from './demo.js';
import { EventHub } from './event.hub.js';
import { PlanRegistry } from './plan.registry.js';
import { Scheduler } from './scheduler.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  demo: { password: string; usernames: string[] } | null;
  firstStart: boolean;
  /** Stops accepting, finishes in-flight requests, stops timers, closes the database. */
  stop(): Promise<void>;
}

/** Starts everything `yingji serve` runs: store, plan, scheduler, live hub and HTTP. */
export async function startServer(config: Config): Promise<RunningServer> {
  const store = await openStore(config.db);
  const clock = Date.now;
  const plans = new PlanRegistry(store);
  const plan = await plans.bootstrap(config.plan, null);
  const demo = config.demo ? await seedDemo(store, plan, config.demoPassword, clock()) : null;
  const users = await store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();

  const processor = new CommandProcessor(store, plans, clock);
  const sealer = new Sealer(config.dataKey ?? (await localDataKey(config.db)));
  const cases = new CaseProcessor(store, plans, { retentionDays: config.retentionDays, sealer }, clock);
  const hub = new EventHub(store);
  await hub.start();
  const app = await buildApp(
    { store, plans, processor, cases, hub, clock, heartbeatMs: config.heartbeatMs },
    { logger: { level: config.logLevel } },
  );
  const scheduler = new Scheduler(store, [processor, cases], clock, (err) => app.log.error({ err }, 'timer scheduler'));
  const address = await app.listen({ port: config.port, host: config.host });
  await scheduler.start();

  let stopping: Promise<void> | null = null;
  return {
    app,
    store,
    url: address,
    demo,
    firstStart: Number(users?.n ?? 0) === 0,
    stop() {
      stopping ??= (async () => {
        await scheduler.stop();
        // Live streams never end by themselves: end them so close() can finish the rest.
        await hub.stop();
        await app.close();
        await processor.drain();
        await store.close();
      })();
      return stopping;
    },
  };
}

/**
 * Without YINGJI_DATA_KEY, the personal data key lives in a file beside the SQLite database
 * (or under ./data), created once with owner-only permissions. Production sets the key.
 */
async function localDataKey(db: string): Promise<string> {
  const { mkdir, readFile, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const file = db.startsWith('sqlite:') && !db.includes(':memory:') ? path.join(path.dirname(db.slice('sqlite:'.length)), 'personal-data.key') : path.join('data', 'personal-data.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(path.dirname(file), { recursive: true });
    const key = newKey();
    await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

import { afterEach, beforeEach } from 'vitest';
import { DEFAULT_PLAN_FILE } from '../../src/plan/plan.loader.js';
import { Sealer } from '../../src/server/personal.js';
import { PlanRegistry } from '../../src/server/plan.registry.js';
import { StreamProcessor } from '../../src/server/stream.processor.js';
import { caseStream, incidentStream, type IncidentProcessor } from '../../src/server/streams.js';
import { openStore, type Store } from '../../src/store/db.js';
import { freshDatabase } from './databases.js';

/** Two writers on one database, as two server processes: each its store and its incident processor. */
export interface TwoWriters {
  stores: [Store, Store];
  processors: [IncidentProcessor, IncidentProcessor];
}

/**
 * For each test of the enclosing `describe`: two stores on one fresh database of the dialect,
 * each with an incident processor whose clock stands at `now` (what a second server process
 * does to the first). The object is filled before each test and closed and dropped after it.
 */
export function twoWritersForEachTest(dialect: 'sqlite' | 'postgres', now: number): TwoWriters {
  const writers = {} as TwoWriters;
  let drop = async () => {};
  beforeEach(async () => {
    const db = await freshDatabase(dialect);
    drop = db.drop;
    writers.stores = [await openStore(db.url), await openStore(db.url)];
    await new PlanRegistry(writers.stores[0]).bootstrap(DEFAULT_PLAN_FILE, null);
    const cases = caseStream({ retentionDays: 30, sealer: new Sealer(Buffer.alloc(32, 7)) });
    writers.processors = writers.stores.map((store) => new StreamProcessor(store, new PlanRegistry(store), incidentStream(cases), () => now)) as TwoWriters['processors'];
  });
  afterEach(async () => {
    for (const store of writers.stores ?? []) await store.close();
    await drop();
  });
  return writers;
}

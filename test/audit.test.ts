import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_FILE } from '../src/plan/plan.loader.js';
import { PlanRegistry } from '../src/server/plan.registry.js';
import { Sealer } from '../src/server/personal.js';
import { StreamProcessor } from '../src/server/stream.processor.js';
import { caseStream, incidentStream } from '../src/server/streams.js';
import { openStore, type Store } from '../src/store/db.js';
import { DIALECTS, freshDatabase } from './support/databases.js';

/** Runs `yingji audit verify --db URL` as a user would. */
const verify = (url: string) => spawnSync(process.execPath, ['bin/yingji.js', 'audit', 'verify', '--db', url], { encoding: 'utf8' });

for (const dialect of DIALECTS) {
  describe(`yingji audit verify on ${dialect}`, () => {
    let store: Store;
    let url: string;
    let drop: () => Promise<void>;

    beforeEach(async () => {
      ({ url, drop } = await freshDatabase(dialect));
      store = await openStore(url);
      const plans = new PlanRegistry(store);
      await plans.bootstrap(DEFAULT_PLAN_FILE, null);
      const processor = new StreamProcessor(store, plans, incidentStream(caseStream({ retentionDays: null, sealer: new Sealer(Buffer.alloc(32)) })));
      const actor = { userId: 'u', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };
      const opened = await processor.submit(null, { do: 'report', venue: 'residence', headcount: 5, units: ['town-tanggou'], matter: 'm', category: 'claim', behaviors: [] }, actor);
      const id = opened.kind === 'accepted' ? opened.state.id : '';
      await processor.submit(id, { do: 'guide', result: 'failed' }, actor);
      await processor.submit(id, { do: 'note', text: '现场平稳' }, actor);
    });
    afterEach(async () => {
      await store.close();
      await drop();
    });

    it('passes on an untouched log', () => {
      const r = verify(url);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ok: 4 events, chain head [0-9a-f]{64}/);
    });

    it('names an event edited behind the server’s back', async () => {
      await sql`update events set data = replace(data, '现场平稳', '现场混乱') where seq = 4`.execute(store.db);
      const r = verify(url);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('BROKEN at event 4: event 4 was altered');
    });

    it('names an event deleted from the middle', async () => {
      await sql`delete from events where seq = 2`.execute(store.db);
      const r = verify(url);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('BROKEN at event 2: event 2 is missing');
    });

    it('notices a deleted last event', async () => {
      await sql`delete from events where seq = 4`.execute(store.db);
      const r = verify(url);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('the chain head records 4 events but 3 are stored');
    });

    it('notices an event whose time was changed (late is late)', async () => {
      await sql`update events set at = at - 600000 where seq = 3`.execute(store.db);
      expect(verify(url).stdout).toContain('BROKEN at event 3');
    });
  });
}

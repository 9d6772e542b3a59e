import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import { StatementLog } from '../../test/support/statements.js';
import { DEFAULT_PLAN_FILE, loadPlanText } from '../plan/plan.loader.js';
import type { Db, Store } from '../store/db.js';
import { orgRepository } from '../store/org.repository.js';
import { plansRepository } from '../store/plans.repository.js';
import { PlanRegistry } from './plan.registry.js';

for (const dialect of DIALECTS) {
  describe(`the current plan across restarts on ${dialect}`, () => {
    let store: Store;
    storeForEachTest(dialect, (s) => {
      store = s;
    });

    it('a restart reads the plan from the snapshot it compiled to, the same plan', async () => {
      const first = await new PlanRegistry(store).bootstrap(DEFAULT_PLAN_FILE, null);
      const version = (await plansRepository.active(store.db))!;
      const org = (await orgRepository.current(store.db))!;
      expect(await plansRepository.compiled(store.db, version.id, org.rev)).toBe(first.digest);

      const restarted = new PlanRegistry(store);
      const again = await restarted.bootstrap(DEFAULT_PLAN_FILE, null);
      expect(again.digest).toBe(first.digest);
      expect(again.roles).toEqual(first.roles);
      expect(again.guidanceWindow).toBe(first.guidanceWindow);
      await restarted.recheck();
      expect((await restarted.current()).digest).toBe(first.digest);
    });

    it("recheck: a plan text that now compiles differently (an upgrade) runs as it compiles now", async () => {
      const first = await new PlanRegistry(store).bootstrap(DEFAULT_PLAN_FILE, null);
      const version = (await plansRepository.active(store.db))!;
      const org = (await orgRepository.current(store.db))!;
      // As if an earlier version of the product had compiled the same text to another plan.
      const orgText = JSON.stringify(parse(readFileSync(join(dirname(DEFAULT_PLAN_FILE), 'demo-organization.yaml'), 'utf8')));
      const other = loadPlanText('p', readFileSync(DEFAULT_PLAN_FILE, 'utf8').replace('version: "2017.1"', 'version: "2017.1-old"'), 'o', orgText);
      if (!other.ok) throw new Error('the altered plan does not load');
      await plansRepository.saveSnapshot(store.db, { digest: other.plan.digest, plan_id: other.plan.id, version: other.plan.version, content: JSON.stringify({ plan: other.plan.file, organization: other.plan.org }), created_at: 0 });
      await plansRepository.saveCompiled(store.db, { version_id: version.id, org_rev: org.rev, digest: other.plan.digest });

      const restarted = new PlanRegistry(store);
      expect((await restarted.current()).digest).toBe(other.plan.digest);
      await restarted.recheck();
      expect((await restarted.current()).digest).toBe(first.digest);
      expect(await plansRepository.compiled(store.db, version.id, org.rev)).toBe(first.digest);
    });
  
    it('asked for every new incident, it reads the texts only when another version or revision became current', async () => {
      const registry = new PlanRegistry(store);
      const first = await registry.bootstrap(DEFAULT_PLAN_FILE, null);
      const log = new StatementLog();
      const db: Db = store.db.withPlugin(log);
      for (let i = 0; i < 5; i++) expect((await registry.current(db)).digest).toBe(first.digest);
      expect(log.count('select', 'plan_versions')).toBe(5);
      expect(log.count('select * from "plan_versions"')).toBe(0);
      expect(log.count('select * from "org_revisions"')).toBe(0);

      // A new organization revision (saved here as another process would) is seen at the next call.
      const org = (await orgRepository.current(store.db))!;
      await orgRepository.saveRevision(store.db, org.content, 1, null);
      log.clear();
      const changed = await registry.current(db);
      expect(log.count('select * from "org_revisions"')).toBe(1);
      expect(changed.org).toEqual(first.org);
      log.clear();
      await registry.current(db);
      expect(log.count('select * from "org_revisions"')).toBe(0);
    });
  });
}

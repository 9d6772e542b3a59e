import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { compilePlan, loadPlanText, type LoadResult } from '../plan/plan.loader.js';
import type { Plan } from '../plan/plan.js';
import type { OrganizationFile, PlanFile } from '../plan/plan.schema.js';
import type { Db, Store, Trx } from '../store/db.js';
import { orgRepository } from '../store/org.repository.js';
import { plansRepository } from '../store/plans.repository.js';

/**
 * Plans in the database. A plan version is an uploaded file; it runs together with the
 * organization's current revision, and the pair is stored content-addressed by digest so an
 * incident keeps running under exactly the plan it started with.
 */
export class PlanRegistry {
  private readonly byDigestCache = new Map<string, Plan>();
  private currentCache: { key: string; plan: Plan } | null = null;

  constructor(private readonly store: Store) {}

  /** The plan new incidents run under: the active version with the current organization. */
  async current(db: Db | Trx = this.store.db): Promise<Plan> {
    const version = await plansRepository.active(db);
    const org = await orgRepository.current(db);
    if (!version || !org) throw new Error('no active plan: the server was not initialized');
    const key = `${version.id}:${org.rev}`;
    if (this.currentCache?.key === key) return this.currentCache.plan;
    const result = loadPlanText(`plan ${version.plan_id} ${version.version}`, version.source, 'organization', org.content);
    if (!result.ok) throw new Error(`the active plan no longer validates: ${result.errors.map((e) => e.message).join('; ')}`);
    const plan = result.plan;
    await plansRepository.saveSnapshot(db, {
      digest: plan.digest,
      plan_id: plan.id,
      version: plan.version,
      content: JSON.stringify({ plan: plan.file, organization: plan.org }),
      created_at: Date.now(),
    });
    this.byDigestCache.set(plan.digest, plan);
    this.currentCache = { key, plan };
    return plan;
  }

  /** The plan an incident runs under, by the digest it recorded. */
  async byDigest(digest: string, db: Db | Trx = this.store.db): Promise<Plan> {
    const cached = this.byDigestCache.get(digest);
    if (cached) return cached;
    const row = await plansRepository.snapshot(db, digest);
    if (!row) throw new Error(`plan snapshot ${digest} is missing`);
    const { plan, organization } = JSON.parse(row.content) as { plan: PlanFile; organization: OrganizationFile };
    const compiled = compilePlan(plan, organization);
    if (compiled.digest !== digest) throw new Error(`plan snapshot ${digest} does not match its content`);
    this.byDigestCache.set(digest, compiled);
    return compiled;
  }

  /** Validates plan text against the current organization; errors are located in the text. */
  async validate(name: string, source: string, db: Db | Trx = this.store.db): Promise<LoadResult> {
    const org = await orgRepository.current(db);
    if (!org) throw new Error('no organization: the server was not initialized');
    return loadPlanText(name, source, 'organization', org.content);
  }

  /**
   * First start: stores the organization named by the plan file and the plan itself, and
   * activates it. Later starts with a different plan file store it as a new active version.
   */
  async bootstrap(planFile: string, by: string | null): Promise<Plan> {
    const source = readFileSync(planFile, 'utf8');
    const { db } = this.store;
    const now = Date.now();
    if (!(await orgRepository.current(db))) {
      const orgFile = resolve(dirname(planFile), (parse(source) as { organization: string }).organization);
      const org = parse(readFileSync(orgFile, 'utf8')) as unknown;
      await orgRepository.saveRevision(db, JSON.stringify(org), now, by);
    }
    // A plan file already stored (active or not) changes nothing: a version an administrator
    // activated stays active across restarts. A new or edited file becomes a new version.
    const active = await plansRepository.active(db);
    const known = await plansRepository.bySource(db, source);
    if (active && known) return this.current();
    const result = await this.validate(planFile, source);
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n'));
    const id = crypto.randomUUID();
    await db.transaction().execute(async (trx) => {
      await plansRepository.insert(trx, { id, plan_id: result.plan.id, version: result.plan.version, source, created_at: now, created_by: by });
      await plansRepository.activate(trx, id, now);
    });
    return this.current();
  }

  /** Forgets cached current plan (after activation or an organization change). */
  invalidate(): void {
    this.currentCache = null;
  }
}

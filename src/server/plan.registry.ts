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
  private currentCache: { key: string; plan: Plan; checked: boolean } | null = null;

  constructor(private readonly store: Store) {}

  /**
   * The plan new incidents run under: the active version with the current organization.
   * Compiled once per pair: later (a restart) it is read from the snapshot it compiled to, not
   * parsed and validated from its YAML again; `recheck()` does that after start-up. Asked for
   * every new incident, it reads only which version and revision are current (one small
   * statement), and their texts only when that pair changed.
   */
  async current(db: Db | Trx = this.store.db): Promise<Plan> {
    const now = await plansRepository.currentKey(db);
    if (this.currentCache && this.currentCache.key === `${now.version}:${now.rev}`) return this.currentCache.plan;
    const version = await plansRepository.active(db);
    const org = await orgRepository.current(db);
    if (!version || !org) throw new Error('no active plan: the server was not initialized');
    const key = `${version.id}:${org.rev}`;
    if (this.currentCache?.key === key) return this.currentCache.plan;
    const digest = await plansRepository.compiled(db, version.id, org.rev);
    const stored = digest ? await this.byDigest(digest, db).catch(() => null) : null;
    if (stored) {
      this.currentCache = { key, plan: stored, checked: false };
      return stored;
    }
    return this.compile(db, version, org);
  }

  /**
   * Parses and validates the current plan's text again when it was read from its snapshot:
   * should this version of the product compile the text differently (an upgrade), new incidents
   * run under the plan as it compiles now. Run after start-up, off the path to listening.
   */
  async recheck(db: Db = this.store.db): Promise<void> {
    if (!this.currentCache || this.currentCache.checked) return;
    const version = await plansRepository.active(db);
    const org = await orgRepository.current(db);
    if (!version || !org || `${version.id}:${org.rev}` !== this.currentCache.key) return;
    await this.compile(db, version, org);
  }

  /** Compiles the version's text with the organization, stores its snapshot and remembers it. */
  private async compile(db: Db | Trx, version: { id: string; plan_id: string; version: string; source: string }, org: { rev: number; content: string }): Promise<Plan> {
    const result = loadPlanText(`plan ${version.plan_id} ${version.version}`, version.source, 'organization', org.content);
    if (!result.ok) throw new Error(`the active plan no longer validates: ${result.errors.map((e) => e.message).join('; ')}`);
    return this.remember(db, version.id, org.rev, result.plan);
  }

  private async remember(db: Db | Trx, versionId: string, orgRev: number, plan: Plan): Promise<Plan> {
    await plansRepository.saveSnapshot(db, {
      digest: plan.digest,
      plan_id: plan.id,
      version: plan.version,
      content: JSON.stringify({ plan: plan.file, organization: plan.org }),
      created_at: Date.now(),
    });
    await plansRepository.saveCompiled(db, { version_id: versionId, org_rev: orgRev, digest: plan.digest });
    this.byDigestCache.set(plan.digest, plan);
    this.currentCache = { key: `${versionId}:${orgRev}`, plan, checked: true };
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
    const org = await orgRepository.current(db);
    if (!org) throw new Error('no organization: the server was not initialized');
    const result = loadPlanText(planFile, source, 'organization', org.content);
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n'));
    const id = crypto.randomUUID();
    await db.transaction().execute(async (trx) => {
      await plansRepository.insert(trx, { id, plan_id: result.plan.id, version: result.plan.version, source, created_at: now, created_by: by });
      await plansRepository.activate(trx, id, now);
      // Validated against this revision just now: compiled once, not again by current().
      await this.remember(trx, id, org.rev, result.plan);
    });
    return this.current();
  }

  /** Forgets cached current plan (after activation or an organization change). */
  invalidate(): void {
    this.currentCache = null;
  }
}

import type { Db, Trx } from './db.js';

/** Queries over plan versions (uploaded files) and snapshots (what incidents ran under). */
export const plansRepository = {
  /**
   * Which plan is current, without the texts: the active version's id and the organization's
   * latest revision, in one small statement (the texts are read only when the pair changed).
   */
  async currentKey(db: Db | Trx): Promise<{ version: string | null; rev: number | null }> {
    const row = await db
      .selectNoFrom((eb) => [
        eb.selectFrom('plan_versions').select('id').where('active', '=', 1).limit(1).as('version'),
        eb.selectFrom('org_revisions').select((e) => e.fn.max('rev').as('rev')).as('rev'),
      ])
      .executeTakeFirstOrThrow();
    return { version: row.version ?? null, rev: row.rev === null || row.rev === undefined ? null : Number(row.rev) };
  },

  async active(db: Db | Trx) {
    return db.selectFrom('plan_versions').selectAll().where('active', '=', 1).executeTakeFirst();
  },

  async list(db: Db) {
    return db
      .selectFrom('plan_versions')
      .select(['id', 'plan_id', 'version', 'created_at', 'created_by', 'active', 'activated_at'])
      .orderBy('created_at', 'desc')
      .execute();
  },

  /** The version stored from exactly this file text, if any. */
  async bySource(db: Db | Trx, source: string) {
    return db.selectFrom('plan_versions').select('id').where('source', '=', source).executeTakeFirst();
  },

  async get(db: Db | Trx, id: string) {
    return db.selectFrom('plan_versions').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async insert(db: Db | Trx, row: { id: string; plan_id: string; version: string; source: string; created_at: number; created_by: string | null }) {
    await db.insertInto('plan_versions').values({ ...row, active: 0, activated_at: null }).execute();
  },

  /** Makes one version the active one; the others stay stored. */
  async activate(trx: Trx, id: string, at: number) {
    await trx.updateTable('plan_versions').set({ active: 0 }).where('active', '=', 1).execute();
    await trx.updateTable('plan_versions').set({ active: 1, activated_at: at }).where('id', '=', id).execute();
  },

  async snapshot(db: Db | Trx, digest: string) {
    return db.selectFrom('plan_snapshots').selectAll().where('digest', '=', digest).executeTakeFirst();
  },

  /** The digest a version compiled to with an organization revision, if known. */
  async compiled(db: Db | Trx, versionId: string, orgRev: number) {
    const row = await db.selectFrom('plan_compiled').select('digest').where('version_id', '=', versionId).where('org_rev', '=', orgRev).executeTakeFirst();
    return row?.digest;
  },

  async saveCompiled(db: Db | Trx, row: { version_id: string; org_rev: number; digest: string }) {
    await db.insertInto('plan_compiled').values(row).onConflict((oc) => oc.columns(['version_id', 'org_rev']).doUpdateSet({ digest: row.digest })).execute();
  },

  async saveSnapshot(db: Db | Trx, row: { digest: string; plan_id: string; version: string; content: string; created_at: number }) {
    await db.insertInto('plan_snapshots').values(row).onConflict((oc) => oc.column('digest').doNothing()).execute();
  },
};

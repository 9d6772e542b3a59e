import { openSign, type RiskState } from '../engine/risk/state.js';
import { byIds, type Db, type Trx } from './db.js';

/** Filters of the register list. */
export interface RiskFilter {
  status?: string;
  level?: string;
  /** Only matters of these units (an empty list matches nothing). */
  units?: readonly string[];
  /** Only matters led by one of these roles. */
  leaders?: readonly string[];
  limit?: number;
}

/** Queries over the early-warning register projection (§6). */
export const risksRepository = {
  async get(db: Db | Trx, id: string): Promise<RiskState | undefined> {
    const row = await db.selectFrom('risks').select('state').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.state) as RiskState) : undefined;
  },

  /** A matter and the digest of the plan it runs under (null: entered before plans were pinned). */
  async pinned(db: Db | Trx, id: string): Promise<{ state: RiskState; digest: string | null } | undefined> {
    const row = await db.selectFrom('risks').select(['state', 'plan_digest']).where('id', '=', id).executeTakeFirst();
    return row ? { state: JSON.parse(row.state) as RiskState, digest: row.plan_digest } : undefined;
  },

  /** `pinned` of several by id. */
  async pinnedMany(db: Db | Trx, ids: readonly string[]): Promise<Map<string, { state: RiskState; digest: string | null }>> {
    const rows = await byIds(ids, (slice) => db.selectFrom('risks').select(['id', 'state', 'plan_digest']).where('id', 'in', slice).execute());
    return new Map(rows.map((r) => [r.id, { state: JSON.parse(r.state) as RiskState, digest: r.plan_digest }]));
  },

  /** Several by id. */
  async many(db: Db | Trx, ids: readonly string[]): Promise<Map<string, RiskState>> {
    const rows = await byIds(ids, (slice) => db.selectFrom('risks').select('state').where('id', 'in', slice).execute());
    return new Map(rows.map((r) => JSON.parse(r.state) as RiskState).map((st) => [st.id, st]));
  },

  /**
   * Matters of the register, highest level first, then the nearest review (matters without
   * one last), then the newest. `units` and `leaders` together match either.
   */
  async list(db: Db, f: RiskFilter = {}): Promise<RiskState[]> {
    let q = db.selectFrom('risks').select('state');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.level) q = q.where('level', '=', f.level);
    if (f.units || f.leaders) {
      const units = f.units ?? [];
      const leaders = f.leaders ?? [];
      q = q.where((eb) =>
        eb.or([
          ...(units.length ? [eb('unit', 'in', [...units])] : []),
          ...(leaders.length ? [eb('leader', 'in', [...leaders])] : []),
          eb('id', '=', ''),
        ]),
      );
    }
    const rows = await q
      .orderBy((eb) => eb.case().when('level', '=', 'high').then(3).when('level', '=', 'medium').then(2).else(1).end(), 'desc')
      .orderBy((eb) => eb.case().when('review_due', 'is', null).then(1).else(0).end())
      .orderBy('review_due')
      .orderBy('reported_at', 'desc')
      .limit(f.limit ?? 1000)
      .execute();
    return rows.map((r) => JSON.parse(r.state) as RiskState);
  },

  /** Matters raising an alert: an open sign or an overdue review, oldest first. */
  async alerting(db: Db): Promise<RiskState[]> {
    const rows = await db
      .selectFrom('risks')
      .select('state')
      .where((eb) => eb.or([eb('sign_open', '=', 1), eb('overdue', '=', 1)]))
      .orderBy('updated_at')
      .limit(1000)
      .execute();
    return rows.map((r) => JSON.parse(r.state) as RiskState);
  },

  /** `digest`: the plan a new matter is entered under, pinned for its life. */
  async save(trx: Trx, s: RiskState, isNew: boolean, now: number, digest: string): Promise<void> {
    const row = {
      kind: s.kind,
      unit: s.unit,
      level: s.level,
      status: s.status,
      leader: s.leader,
      affected: s.affected,
      review_due: s.review?.due ?? null,
      sign_open: openSign(s) ? 1 : 0,
      overdue: s.overdueSince !== null ? 1 : 0,
      reported_at: s.reportedAt,
      updated_at: now,
      version: s.version,
      state: JSON.stringify(s),
    };
    if (isNew) await trx.insertInto('risks').values({ id: s.id, plan_digest: digest, ...row }).execute();
    else await trx.updateTable('risks').set(row).where('id', '=', s.id).execute();
  },
};

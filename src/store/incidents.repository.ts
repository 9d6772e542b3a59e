import type { IncidentState } from '../engine/incident/state.js';
import { byIds, type Db, type Trx } from './db.js';

/** Queries over the incident projection (the engine state of each incident). */
export const incidentsRepository = {
  async get(db: Db | Trx, id: string): Promise<{ state: IncidentState; digest: string } | undefined> {
    const row = await db.selectFrom('incidents').select(['state', 'plan_digest']).where('id', '=', id).executeTakeFirst();
    return row ? { state: JSON.parse(row.state) as IncidentState, digest: row.plan_digest } : undefined;
  },

  /** Several incidents by id. */
  async many(db: Db | Trx, ids: readonly string[]): Promise<Map<string, { state: IncidentState; digest: string }>> {
    const rows = await byIds(ids, (slice) => db.selectFrom('incidents').select(['id', 'state', 'plan_digest']).where('id', 'in', slice).execute());
    return new Map(rows.map((r) => [r.id, { state: JSON.parse(r.state) as IncidentState, digest: r.plan_digest }]));
  },

  async list(db: Db, opts: { status?: string; limit?: number } = {}): Promise<IncidentState[]> {
    let q = db.selectFrom('incidents').select('state').orderBy('reported_at', 'desc').limit(opts.limit ?? 500);
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.execute()).map((r) => JSON.parse(r.state) as IncidentState);
  },

  async save(trx: Trx, state: IncidentState, isNew: boolean, now: number): Promise<void> {
    const row = {
      plan_digest: state.plan.digest,
      status: state.status,
      venue: state.venue,
      reported_at: state.reportedAt,
      updated_at: now,
      version: state.version,
      state: JSON.stringify(state),
    };
    if (isNew) await trx.insertInto('incidents').values({ id: state.id, ...row }).execute();
    else await trx.updateTable('incidents').set(row).where('id', '=', state.id).execute();
  },
};

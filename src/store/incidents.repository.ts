import type { IncidentState } from '../engine/incident/state.js';
import { byIds, type Db, type Trx } from './db.js';

/** Where a page of incidents ends, in their newest-first order: the next page starts after it. */
export interface IncidentKey {
  reportedAt: number;
  id: string;
}

/** An `IncidentKey` as the API's opaque cursor, and back; `read` gives null for anything else. */
export const incidentCursor = {
  write: (k: IncidentKey): string => Buffer.from(JSON.stringify([k.reportedAt, k.id])).toString('base64url'),
  read(cursor: string): IncidentKey | null {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') return { reportedAt: value[0] as number, id: value[1] };
    } catch {
      // not JSON: not a cursor
    }
    return null;
  },
};

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

  /**
   * Every incident, newest first, read a page at a time (keyset pages of `pageSize`): for
   * work lists that must never stop at some count without saying so (my summons, approvals).
   */
  async *each(db: Db, opts: { statuses?: readonly string[]; pageSize?: number } = {}): AsyncGenerator<{ state: IncidentState; digest: string }> {
    let after: IncidentKey | null = null;
    do {
      const page = await incidentsRepository.page(db, { statuses: opts.statuses, after, limit: opts.pageSize ?? 500 });
      yield* page.rows;
      after = page.next;
    } while (after);
  },

  /**
   * A page of incidents, newest first (by report time, then id), starting after `after`. Keyset
   * paging: an incident reported or changed between pages neither shifts nor repeats the ones
   * that follow. `next` is the last one's key when more follow, so no page is ever cut short
   * without saying so. `updatedSince` keeps those changed since then (incidents that ended lately).
   */
  async page(
    db: Db,
    opts: { statuses?: readonly string[]; updatedSince?: number; after?: IncidentKey | null; limit: number },
  ): Promise<{ rows: { state: IncidentState; digest: string }[]; next: IncidentKey | null }> {
    let q = db.selectFrom('incidents').select(['id', 'reported_at', 'state', 'plan_digest']).orderBy('reported_at', 'desc').orderBy('id', 'desc').limit(opts.limit + 1);
    if (opts.statuses) q = q.where('status', 'in', opts.statuses);
    if (opts.updatedSince !== undefined) q = q.where('updated_at', '>=', opts.updatedSince);
    const after = opts.after;
    if (after) q = q.where((eb) => eb.or([eb('reported_at', '<', after.reportedAt), eb.and([eb('reported_at', '=', after.reportedAt), eb('id', '<', after.id)])]));
    const rows = await q.execute();
    const more = rows.length > opts.limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return {
      rows: rows.map((r) => ({ state: JSON.parse(r.state) as IncidentState, digest: r.plan_digest })),
      next: more && last ? { reportedAt: Number(last.reported_at), id: last.id } : null,
    };
  },

  /**
   * Writes the projections of a batch's incidents: one insert for the new ones and one upsert
   * for the changed ones (statements per batch, not per command; chunked within parameter limits).
   */
  async save(trx: Trx, incidents: readonly { state: IncidentState; isNew: boolean }[], now: number): Promise<void> {
    const rows = (isNew: boolean) =>
      incidents
        .filter((i) => i.isNew === isNew)
        .map(({ state }) => ({
          id: state.id,
          plan_digest: state.plan.digest,
          status: state.status,
          venue: state.venue,
          reported_at: state.reportedAt,
          updated_at: now,
          version: state.version,
          state: JSON.stringify(state),
        }));
    const added = rows(true);
    for (let i = 0; i < added.length; i += 200) await trx.insertInto('incidents').values(added.slice(i, i + 200)).execute();
    const changed = rows(false);
    for (let i = 0; i < changed.length; i += 200) {
      await trx
        .insertInto('incidents')
        .values(changed.slice(i, i + 200))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            plan_digest: eb.ref('excluded.plan_digest'),
            status: eb.ref('excluded.status'),
            venue: eb.ref('excluded.venue'),
            reported_at: eb.ref('excluded.reported_at'),
            updated_at: eb.ref('excluded.updated_at'),
            version: eb.ref('excluded.version'),
            state: eb.ref('excluded.state'),
          })),
        )
        .execute();
    }
  },
};

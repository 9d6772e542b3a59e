import type { CaseState } from '../engine/case/state.js';
import { runningDeadline } from '../engine/case/decider.js';
import { byIds, type Db, type Trx } from './db.js';

/** Queries over the follow-up case projection and its sealed personal data. */
export const casesRepository = {
  async get(db: Db | Trx, id: string): Promise<CaseState | undefined> {
    const row = await db.selectFrom('cases').select('state').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.state) as CaseState) : undefined;
  },

  /** Several by id. */
  async many(db: Db | Trx, ids: readonly string[]): Promise<Map<string, CaseState>> {
    const rows = await byIds(ids, (slice) => db.selectFrom('cases').select('state').where('id', 'in', slice).execute());
    return new Map(rows.map((r) => JSON.parse(r.state) as CaseState).map((st) => [st.id, st]));
  },

  async byTrackingCode(db: Db, code: string): Promise<CaseState | undefined> {
    const row = await db.selectFrom('cases').select('state').where('tracking_code', '=', code).executeTakeFirst();
    return row ? (JSON.parse(row.state) as CaseState) : undefined;
  },

  async ofIncident(db: Db, incidentId: string): Promise<CaseState[]> {
    const rows = await db.selectFrom('cases').select('state').where('incident_id', '=', incidentId).execute();
    return rows.map((r) => JSON.parse(r.state) as CaseState);
  },

  /** Cases, nearest deadline first (cases with no running deadline last), optionally of some handlers. */
  async list(db: Db, opts: { handlers?: string[]; open?: boolean; limit?: number } = {}): Promise<CaseState[]> {
    let q = db.selectFrom('cases').select('state');
    if (opts.handlers) q = opts.handlers.length ? q.where('handler', 'in', opts.handlers) : q.where('id', '=', '');
    if (opts.open === true) q = q.where('status', '!=', 'closed');
    if (opts.open === false) q = q.where('status', '=', 'closed');
    const rows = await q
      .orderBy((eb) => eb.case().when('next_deadline', 'is', null).then(1).else(0).end())
      .orderBy('next_deadline')
      .orderBy('opened_at', 'desc')
      .limit(opts.limit ?? 500)
      .execute();
    return rows.map((r) => JSON.parse(r.state) as CaseState);
  },

  async save(trx: Trx, s: CaseState, isNew: boolean, now: number): Promise<void> {
    const row = {
      incident_id: s.incident,
      tracking_code: s.trackingCode,
      route: s.route,
      handler: s.handler,
      category: s.category,
      status: s.status,
      opened_at: s.registeredAt,
      accept_by: s.acceptBy,
      decided_at: s.decidedAt,
      accepted_at: s.acceptedAt,
      due: s.due,
      extended_days: s.extension?.days ?? 0,
      replied_at: s.repliedAt,
      closed_at: s.closedAt,
      next_deadline: runningDeadline(s)?.due ?? null,
      concerned: JSON.stringify(s.units),
      version: s.version,
      state: JSON.stringify(s),
      updated_at: now,
    };
    if (isNew) await trx.insertInto('cases').values({ id: s.id, ...row }).execute();
    else await trx.updateTable('cases').set(row).where('id', '=', s.id).execute();
  },

  async sealPersonal(trx: Trx, caseId: string, sealed: string, now: number): Promise<void> {
    await trx.insertInto('case_personal').values({ case_id: caseId, sealed, created_at: now, erased_at: null }).execute();
  },

  async sealedPersonal(db: Db | Trx, caseId: string): Promise<{ sealed: string | null; erased_at: number | null } | undefined> {
    const row = await db.selectFrom('case_personal').select(['sealed', 'erased_at']).where('case_id', '=', caseId).executeTakeFirst();
    return row ? { sealed: row.sealed, erased_at: row.erased_at === null ? null : Number(row.erased_at) } : undefined;
  },

  /** Erasure overwrites the sealed data; the row stays to show when it was erased. */
  async erasePersonal(trx: Trx, caseId: string, now: number): Promise<void> {
    await trx.updateTable('case_personal').set({ sealed: null, erased_at: now }).where('case_id', '=', caseId).execute();
  },
};

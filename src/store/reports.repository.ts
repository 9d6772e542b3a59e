import type { IncidentState } from '../engine/incident/state.js';
import type { Db } from './db.js';
import type { CasesTable } from './schema.js';

/** The case columns the accountability figures read. */
export const CASE_REPORT_COLUMNS = [
  'id',
  'incident_id',
  'route',
  'handler',
  'category',
  'status',
  'opened_at',
  'accept_by',
  'decided_at',
  'accepted_at',
  'due',
  'replied_at',
  'closed_at',
] as const satisfies readonly (keyof CasesTable)[];

const num = (v: number | null) => (v === null ? null : Number(v));

/** Queries for the accountability reports: only stored incidents and cases (drills are never stored). */
export const reportsRepository = {
  /**
   * Incidents that may hold summons or measures in `[from, to)`: reported before its end and
   * changed since its start (a summons or measure changes its incident when it happens).
   */
  async incidentsTouching(db: Db, from: number, to: number): Promise<IncidentState[]> {
    const rows = await db.selectFrom('incidents').select('state').where('reported_at', '<', to).where('updated_at', '>=', from).execute();
    return rows.map((r) => JSON.parse(r.state) as IncidentState);
  },

  /** Cases registered in `[from, to)`. */
  async casesOpened(db: Db, from: number, to: number) {
    const rows = await db.selectFrom('cases').select(CASE_REPORT_COLUMNS).where('opened_at', '>=', from).where('opened_at', '<', to).orderBy('opened_at').execute();
    return rows.map((r) => ({
      ...r,
      opened_at: Number(r.opened_at),
      accept_by: Number(r.accept_by),
      decided_at: num(r.decided_at),
      accepted_at: num(r.accepted_at),
      due: Number(r.due),
      replied_at: num(r.replied_at),
      closed_at: num(r.closed_at),
    }));
  },

  /** The role recorded on each `measure_taken` event of these incidents, by incident and measure id. */
  async measureTakers(db: Db, incidents: readonly string[]): Promise<{ incident: string; measure: string; role: string | null }[]> {
    if (incidents.length === 0) return [];
    const rows = await db
      .selectFrom('events')
      .select(['stream_id', 'data', 'actor_role'])
      .where('stream', '=', 'incident')
      .where('stream_id', 'in', [...incidents])
      .where('type', '=', 'measure_taken')
      .execute();
    return rows.map((r) => ({ incident: r.stream_id, measure: (JSON.parse(r.data) as { id: string }).id, role: r.actor_role }));
  },
};

import type { Insertable, Selectable } from 'kysely';

/**
 * The database tables: the single source of truth for row types. Times are epoch ms
 * (bigint), JSON is stored as text, booleans as 0/1, so both dialects store the same values.
 */
export interface Database {
  events: EventsTable;
  chain_head: ChainHeadTable;
  incidents: IncidentsTable;
  timers: TimersTable;
  cases: CasesTable;
  plan_versions: PlanVersionsTable;
  plan_snapshots: PlanSnapshotsTable;
  org_revisions: OrgRevisionsTable;
  people: PeopleTable;
  positions: PositionsTable;
  roster: RosterTable;
  users: UsersTable;
  sessions: SessionsTable;
  attachments: AttachmentsTable;
}

/** Evidence files (photos, documents) of incidents; never deleted. */
export interface AttachmentsTable {
  id: string;
  incident_id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  /** The bytes, base64. */
  content: string;
  created_at: number;
  created_by: string | null;
}

/** Append-only: every change of every incident, hash-chained in `seq` order. */
export interface EventsTable {
  seq: number;
  incident_id: string;
  version: number;
  type: string;
  at: number;
  data: string;
  actor_user: string | null;
  actor_role: string | null;
  on_behalf: number;
  recorded_at: number;
  prev_hash: string;
  hash: string;
}

/** The last event's sequence number and hash, updated with each append (detects a deleted tail). */
export interface ChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** Projection: each incident's current engine state, updated in the same transaction as its events. */
export interface IncidentsTable {
  id: string;
  plan_digest: string;
  status: string;
  venue: string;
  reported_at: number;
  updated_at: number;
  version: number;
  state: string;
}

/** Pending timers with absolute due times, derived from each incident's state. */
export interface TimersTable {
  incident_id: string;
  key: string;
  due: number;
}

/** Projection: follow-up cases, findable by tracking code. */
export interface CasesTable {
  id: string;
  incident_id: string;
  tracking_code: string;
  route: string;
  handler: string;
  opened_at: number;
  accept_by: number;
  due: number;
}

/** Uploaded plan files; exactly one is active. */
export interface PlanVersionsTable {
  id: string;
  plan_id: string;
  version: string;
  source: string;
  created_at: number;
  created_by: string | null;
  active: number;
  activated_at: number | null;
}

/** Content-addressed plan + organization an incident ran under (by digest). */
export interface PlanSnapshotsTable {
  digest: string;
  plan_id: string;
  version: string;
  content: string;
  created_at: number;
}

/** Revisions of the organization document (units, venues, positions); the newest is current. */
export interface OrgRevisionsTable {
  rev: number;
  content: string;
  created_at: number;
  created_by: string | null;
}

export interface PeopleTable {
  id: string;
  name: string;
  unit_id: string;
  phone: string | null;
  email: string | null;
  active: number;
  created_at: number;
}

/** Who holds which role (`unit/position`); ended assignments keep their history. */
export interface PositionsTable {
  id: string;
  person_id: string;
  role: string;
  created_at: number;
  ended_at: number | null;
}

/** Duty roster: who holds a duty role (e.g. `police-bureau/duty-leader`) in each shift. */
export interface RosterTable {
  id: string;
  role: string;
  person_id: string;
  starts_at: number;
  ends_at: number;
  created_at: number;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  person_id: string | null;
  is_admin: number;
  created_at: number;
  disabled: number;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself is only in the cookie. */
  id: string;
  user_id: string;
  csrf: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
export type PersonRow = Selectable<PeopleTable>;
export type UserRow = Selectable<UsersTable>;

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
  plan_compiled: PlanCompiledTable;
  org_revisions: OrgRevisionsTable;
  people: PeopleTable;
  positions: PositionsTable;
  roster: RosterTable;
  users: UsersTable;
  sessions: SessionsTable;
  attachments: AttachmentsTable;
  site_plans: SitePlansTable;
  case_personal: CasePersonalTable;
  outbox: OutboxTable;
  delivery_attempts: DeliveryAttemptsTable;
  ack_links: AckLinksTable;
  drill_reports: DrillReportsTable;
  risks: RisksTable;
  command_keys: CommandKeysTable;
}

/** The kinds of stream in the event log; each has its own pure decider and projection. */
export type StreamKind = 'incident' | 'case' | 'risk';

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

/** Venues' site plan images, content-addressed: one row per distinct image; never deleted. */
export interface SitePlansTable {
  sha256: string;
  media_type: string;
  width: number;
  height: number;
  size: number;
  /** The bytes, base64. */
  content: string;
  created_at: number;
  created_by: string | null;
}

/** Append-only: every change of every incident, hash-chained in `seq` order. */
export interface EventsTable {
  seq: number;
  /** What the event belongs to: `stream` says which kind, `stream_id` which one. */
  stream: string;
  stream_id: string;
  version: number;
  type: string;
  at: number;
  data: string;
  actor_user: string | null;
  actor_role: string | null;
  on_behalf: number;
  recorded_at: number;
  /**
   * When the command was made on the phone that sent it (its own clock, `X-Made-At`), beside
   * `recorded_at`, when it arrived; null for everything else. Never used for a deadline.
   */
  made_at: number | null;
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
  stream: string;
  stream_id: string;
  key: string;
  due: number;
}

/**
 * Projection: follow-up cases (§4.2), findable by tracking code. `state` is the case engine's
 * state; the other columns are copies of it for lists, deadlines and reports.
 */
export interface CasesTable {
  id: string;
  /** The on-site incident the case came from; null for a walk-in visit. */
  incident_id: string | null;
  tracking_code: string;
  route: string;
  /** The handling unit id, or a role for a county leader's reception. */
  handler: string;
  category: string;
  status: string;
  /** Registration (the clock of the 15-day acceptance notice starts here). */
  opened_at: number;
  accept_by: number;
  /** When acceptance was decided (accepted or not); null while pending. */
  decided_at: number | null;
  accepted_at: number | null;
  /** The handling deadline, including an approved extension. */
  due: number;
  extended_days: number;
  replied_at: number | null;
  closed_at: number | null;
  /** The nearest open deadline, for work lists; null when none runs. */
  next_deadline: number | null;
  /** Units the matter concerns, JSON array (an accused unit never sees its case). */
  concerned: string;
  version: number;
  state: string;
  updated_at: number;
}

/** A petitioner's optional name and phone, sealed with AES-256-GCM; erased after retention. */
export interface CasePersonalTable {
  case_id: string;
  /** base64(iv | tag | ciphertext); null once erased. */
  sealed: string | null;
  created_at: number;
  erased_at: number | null;
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

/** The snapshot a plan version compiled to with an organization revision. */
export interface PlanCompiledTable {
  version_id: string;
  org_rev: number;
  digest: string;
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

/**
 * Notifications to deliver (outbox), written with the event that causes them. `status` is
 * `pending` until delivered (`sent`) or given up (`dead`, the dead-letter list).
 */
export interface OutboxTable {
  id: string;
  /** One per message: a duplicate enqueue is ignored, and receivers see it to drop repeats. */
  idempotency_key: string;
  /** `in_app`, `webhook`, `dingtalk`, `wecom`, `email` or `sms`. */
  channel: string;
  /** A person id, or the channel target (e.g. a robot's group). */
  recipient: string;
  /** Where the channel sends it: an e-mail address, a phone number, or '' for a group robot. */
  address: string;
  subject: string | null;
  /** The notification's content, JSON. */
  body: string;
  source_stream: string | null;
  source_id: string | null;
  source_seq: number | null;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  next_attempt_at: number;
  /** The dispatcher holding the claim, and until when (its lease). */
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

/** Every delivery attempt of an outbox message and its outcome. */
export interface DeliveryAttemptsTable {
  id: string;
  message_id: string;
  attempt: number;
  at: number;
  outcome: 'sent' | 'failed';
  /** Why it failed, or what the receiver answered. */
  detail: string | null;
  /** The receiver's id for the message, when it gave one. */
  external_id: string | null;
}

/** Signed, expiring, single-use acknowledgement links; the token itself is never stored. */
export interface AckLinksTable {
  /** The token's key: its creation time and sequence (16 hex digits), then its SHA-256; links made before that key have the SHA-256 alone. */
  token_hash: string;
  person_id: string;
  incident_id: string;
  role: string;
  action: 'ack' | 'arrive';
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/**
 * Saved drill reports. A drill is a rehearsal on a virtual clock: its report lives only here,
 * never among incidents, events, cases or timers, and is never counted in accountability.
 */
export interface DrillReportsTable {
  id: string;
  scenario_name: string;
  /** The bundled file's name, or the name given with an upload. */
  scenario_file: string;
  origin: 'bundled' | 'uploaded';
  /** The scenario's YAML, as run. */
  source: string;
  plan_id: string;
  plan_version: string;
  plan_digest: string;
  /** The scenario's start on the virtual clock. */
  virtual_start: number;
  /** The drill result as the API returned it (contract JSON, timeline, compliance summary), JSON. */
  report: string;
  /** The readable report, as `yingji drill` prints it. */
  text_zh: string;
  text_en: string;
  created_at: number;
  created_by: string | null;
}

/**
 * Projection: the early-warning register (§6). Matters only: the table has no column about any
 * person (no name, ID number, phone or "key person"; safeguards, "Never"); the leader is a role.
 * `state` is the risk engine's state; the other columns are copies of it for lists and alerts.
 */
export interface RisksTable {
  id: string;
  /** `matter`, or `sign` (a sign of a coming petition, 上访苗头). */
  kind: string;
  /** The township or county department whose area the matter is in. */
  unit: string;
  /** `low`, `medium` or `high`. */
  level: string;
  /** `open`, `resolving` or `resolved`. */
  status: string;
  /** The role assigned to the case (领导包案), a position, never a name. */
  leader: string | null;
  /** The estimated number of people affected. */
  affected: number;
  /** When the next review becomes overdue (the end of its day); null when none is set. */
  review_due: number | null;
  /** 1 while a sign waits for the working group. */
  sign_open: number;
  /** 1 while a review is overdue. */
  overdue: number;
  reported_at: number;
  updated_at: number;
  version: number;
  state: string;
  /** The plan the matter runs under, pinned when it was entered; null for matters entered before plans were pinned. */
  plan_digest: string | null;
}

/**
 * Idempotency keys of commands (`Idempotency-Key`): who sent the key, for which request, and
 * what came of it, written in the transaction of the command's events. A repeat answers from
 * here instead of running the command again. Kept, like the events.
 */
export interface CommandKeysTable {
  key: string;
  user_id: string;
  /** The stream kind and the route's request: a hash of the stream id asked for (null to start one) and the command. */
  stream: string;
  request: string;
  /** The stream the command ran on (the new one for a start; null for a refused start). */
  stream_id: string | null;
  outcome: 'accepted' | 'rejected';
  /** The engine's rejection, JSON, for a rejected command. */
  rejection: string | null;
  created_at: number;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
export type IncidentRow = Selectable<IncidentsTable>;
export type PersonRow = Selectable<PeopleTable>;
export type UserRow = Selectable<UsersTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;

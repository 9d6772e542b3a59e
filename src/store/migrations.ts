import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Schema migrations, in order. They run at start; the same statements work on SQLite and PostgreSQL. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('events')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('actor_user', 'text')
        .addColumn('actor_role', 'text')
        .addColumn('on_behalf', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addUniqueConstraint('events_incident_version', ['incident_id', 'version'])
        .execute();
      await db.schema
        .createTable('chain_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan_digest', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('reported_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incidents_status').on('incidents').columns(['status', 'reported_at']).execute();
      await db.schema
        .createTable('timers')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('due', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('timers_pk', ['incident_id', 'key'])
        .execute();
      await db.schema.createIndex('timers_due').on('timers').column('due').execute();
      await db.schema
        .createTable('cases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('tracking_code', 'text', (c) => c.notNull().unique())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('handler', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'bigint', (c) => c.notNull())
        .addColumn('accept_by', 'bigint', (c) => c.notNull())
        .addColumn('due', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('plan_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('activated_at', 'bigint')
        .execute();
      await db.schema
        .createTable('plan_snapshots')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('org_revisions')
        .addColumn('rev', 'integer', (c) => c.primaryKey())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();
      await db.schema
        .createTable('people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('positions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .execute();
      await db.schema.createIndex('positions_role').on('positions').column('role').execute();
      await db.schema
        .createTable('roster')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('roster_role_time').on('roster').columns(['role', 'starts_at']).execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text')
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('csrf', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      void sql;
    },
  },
  '0002_attachments': {
    async up(db: Kysely<unknown>) {
      // Evidence files, content-addressed by SHA-256; base64 text keeps one schema for both dialects.
      await db.schema
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();
      await db.schema.createIndex('attachments_incident').on('attachments').column('incident_id').execute();
    },
  },
  '0003_streams_and_cases': {
    async up(db: Kysely<unknown>) {
      // The event log and the timers hold several kinds of stream: incidents, cases, risks.
      for (const table of ['events', 'timers']) {
        await db.schema.alterTable(table).renameColumn('incident_id', 'stream_id').execute();
        await db.schema.alterTable(table).addColumn('stream', 'text', (c) => c.notNull().defaultTo('incident')).execute();
      }
      // Cases become a lifecycle of their own; walk-in cases have no incident. Rebuilt (SQLite
      // cannot drop NOT NULL), keeping every row.
      await db.schema.alterTable('cases').renameTo('cases_0001').execute();
      await db.schema
        .createTable('cases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text')
        .addColumn('tracking_code', 'text', (c) => c.notNull().unique())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('handler', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull().defaultTo('claim'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('registered'))
        .addColumn('opened_at', 'bigint', (c) => c.notNull())
        .addColumn('accept_by', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addColumn('accepted_at', 'bigint')
        .addColumn('due', 'bigint', (c) => c.notNull())
        .addColumn('extended_days', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('replied_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addColumn('next_deadline', 'bigint')
        .addColumn('concerned', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`insert into cases (id, incident_id, tracking_code, route, handler, opened_at, accept_by, due)
                select id, incident_id, tracking_code, route, handler, opened_at, accept_by, due from cases_0001`.execute(db);
      await db.schema.dropTable('cases_0001').execute();
      await db.schema.createIndex('cases_handler_deadline').on('cases').columns(['handler', 'next_deadline']).execute();
      await db.schema.createIndex('cases_incident').on('cases').column('incident_id').execute();
      // Petitioners' personal data: encrypted (AES-256-GCM), outside the hash-chained log, erasable.
      await db.schema
        .createTable('case_personal')
        .addColumn('case_id', 'text', (c) => c.primaryKey())
        .addColumn('sealed', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('erased_at', 'bigint')
        .execute();
    },
  },
  '0004_notifications': {
    async up(db: Kysely<unknown>) {
      // Outbox: written in the same transaction as the event that causes it; a dispatcher
      // delivers it. `locked_until` is the claim's lease: a message claimed by a process that
      // died becomes due again when the lease runs out.
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('source_stream', 'text')
        .addColumn('source_id', 'text')
        .addColumn('source_seq', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_recipient').on('outbox').columns(['recipient', 'created_at']).execute();
      await db.schema.createIndex('outbox_source').on('outbox').columns(['source_stream', 'source_id']).execute();
      await db.schema
        .createTable('delivery_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('external_id', 'text')
        .execute();
      await db.schema.createIndex('delivery_attempts_message').on('delivery_attempts').columns(['message_id', 'at']).execute();
      // Acknowledgement links: only the SHA-256 of each token is kept.
      await db.schema
        .createTable('ack_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema.createIndex('ack_links_incident').on('ack_links').columns(['incident_id', 'person_id']).execute();
    },
  },
  '0006_drill_reports': {
    async up(db: Kysely<unknown>) {
      // Saved drill reports: rehearsals, kept apart from incidents and never counted in accountability.
      await db.schema
        .createTable('drill_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scenario_name', 'text', (c) => c.notNull())
        .addColumn('scenario_file', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('plan_version', 'text', (c) => c.notNull())
        .addColumn('plan_digest', 'text', (c) => c.notNull())
        .addColumn('virtual_start', 'bigint', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('text_zh', 'text', (c) => c.notNull())
        .addColumn('text_en', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();
      await db.schema.createIndex('drill_reports_created').on('drill_reports').column('created_at').execute();
    },
  },
  '0005_early_warning': {
    async up(db: Kysely<unknown>) {
      // The early-warning register (§6): matters, never people, so no column about a person.
      await db.schema
        .createTable('risks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('leader', 'text')
        .addColumn('affected', 'integer', (c) => c.notNull())
        .addColumn('review_due', 'bigint')
        .addColumn('sign_open', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reported_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('risks_unit_status').on('risks').columns(['unit', 'status']).execute();
      await db.schema.createIndex('risks_alerts').on('risks').columns(['sign_open', 'overdue']).execute();
    },
  },
  '0007_risk_plan_digest': {
    async up(db: Kysely<unknown>) {
      // A matter runs under the plan it was entered under, like an incident; matters entered
      // before this column existed have none and run under the current plan.
      await db.schema.alterTable('risks').addColumn('plan_digest', 'text').execute();
    },
  },
  '0008_command_keys': {
    async up(db: Kysely<unknown>) {
      // Commands sent from a phone's queue carry a key: a repeat answers the first outcome.
      await db.schema
        .createTable('command_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('stream', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('stream_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('rejection', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // When a command was made on the phone, beside when it arrived (recorded_at).
      await db.schema.alterTable('events').addColumn('made_at', 'bigint').execute();
    },
  },
  '0009_site_plans': {
    async up(db: Kysely<unknown>) {
      // Venues' site plans (images of the compound), content-addressed by SHA-256 like evidence
      // files; the venue in the organization document names the hash. Never deleted: an incident's
      // marks name the plan they were placed on.
      await db.schema
        .createTable('site_plans')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute();
    },
  },
  '0010_plan_compiled': {
    async up(db: Kysely<unknown>) {
      // Which snapshot a plan version compiled to with an organization revision: a restart
      // reads the snapshot (JSON) instead of parsing and validating the plan's YAML again.
      await db.schema
        .createTable('plan_compiled')
        .addColumn('version_id', 'text', (c) => c.notNull())
        .addColumn('org_rev', 'integer', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_compiled_pk', ['version_id', 'org_rev'])
        .execute();
    },
  },
  '0011_chain_head_row': {
    async up(db: Kysely<unknown>) {
      // The chain head's row exists from the start (no events: seq 0, the genesis hash, 64
      // zeros): on PostgreSQL locking it is the append lock, read with the head in one statement.
      await sql`insert into chain_head (id, seq, hash) select 1, 0, ${'0'.repeat(64)} where not exists (select 1 from chain_head where id = 1)`.execute(db);
    },
  },
  '0012_timers_by_kind': {
    async up(db: Kysely<unknown>) {
      // The scheduler asks for the next due time of each kind of stream, and each kind claims
      // its own due timers: both read this index from its start. The index on the due time
      // alone served neither without scanning past the other kinds' timers, and is dropped.
      await db.schema.createIndex('timers_stream_due').on('timers').columns(['stream', 'due']).execute();
      await db.schema.dropIndex('timers_due').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

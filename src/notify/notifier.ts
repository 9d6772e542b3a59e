import type { Plan } from '../plan/plan.js';
import { casesRepository } from '../store/cases.repository.js';
import type { Db, Trx } from '../store/db.js';
import { incidentsRepository } from '../store/incidents.repository.js';
import { orgLookup } from '../store/org.repository.js';
import { ackLinksRepository } from '../store/ack-links.repository.js';
import type { AckLinksTable, NewEventRow } from '../store/schema.js';
import type { FlushHook, KnownStream } from '../store/event.log.js';
import type { IncidentState } from '../engine/incident/state.js';
import type { CaseState } from '../engine/case/state.js';
import { AckLinks, ACK_LINK_TTL_MS } from './ack-links.js';
import type { ChannelName } from './channels/channel.js';
import { audienceOf, compose, type Audience, type LoggedEvent, type Recipient, type Subject } from './messages.js';
import { enqueue, type OutgoingMessage } from './outbox.js';

/** The event types that may notify anyone (the rest are skipped without a lookup). */
const NOTIFYING = new Set([
  'summons_issued',
  'summons_stood_down',
  'deadline_missed',
  'update_due',
  'measure_requested',
  'measure_taken',
  'acknowledgement_overdue',
  'case_deadline_reminder',
  'case_deadline_missed',
]);

export interface NotifierOptions {
  plans: { byDigest(digest: string, db?: Db | Trx): Promise<Plan> };
  /** The channels the dispatcher has (keys of `channelsFromConfig`). */
  channels: ReadonlySet<ChannelName>;
  /** Signs acknowledgement links; null without a link key (messages then carry no link). */
  links: AckLinks | null;
  /** The public base URL for links; null without one. */
  publicUrl: () => string | null;
  clock?: () => number;
}

/**
 * Turns appended events into outbox messages in the transaction that appends them (set
 * `hook` on the processors with `withFlushHook`): a message exists exactly when its event
 * does. Looks up who holds the roles at the event's instant and their contact points, and
 * makes each summoned person's acknowledgement link. Drills never reach it: they run in
 * memory, never through the processors.
 */
export class Notifier {
  private readonly clock: () => number;

  constructor(private readonly opts: NotifierOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  /** The flush hook for `StreamProcessor.withFlushHook`, of every stream kind. */
  readonly hook: FlushHook = async (trx, rows, known) => {
    const messages = await this.messagesFor(trx, rows, known);
    if (messages.length && (await enqueue(trx, messages, this.clock()))) this.enqueued = true;
  };

  /** Messages were enqueued since the last `takeEnqueued()` (in a transaction that may not have committed yet). */
  private enqueued = false;

  /** Whether messages were enqueued since the last call (after a commit: is there anything new to deliver?). */
  takeEnqueued(): boolean {
    const was = this.enqueued;
    this.enqueued = false;
    return was;
  }

  /**
   * The messages that appended rows cause (creating acknowledgement links in `trx`); `known`
   * gives the streams the transaction holds as saved, read from the database otherwise.
   */
  async messagesFor(trx: Trx, rows: readonly NewEventRow[], known?: KnownStream): Promise<OutgoingMessage[]> {
    const subjects = new Map<string, { plan: Plan; subject: Subject } | null>();
    const out: OutgoingMessage[] = [];
    // Every link of the flush is stored in one statement (not one per summoned person).
    const links: AckLinksTable[] = [];
    for (const row of rows) {
      if (!NOTIFYING.has(row.type)) continue;
      const e: LoggedEvent = { stream: row.stream, id: row.stream_id, seq: Number(row.seq), type: row.type, at: Number(row.at), data: JSON.parse(row.data) as Record<string, unknown> };
      const key = `${e.stream}:${e.id}`;
      if (!subjects.has(key)) subjects.set(key, await this.subject(trx, row.stream, e.id, known));
      const found = subjects.get(key);
      if (found) out.push(...(await this.messagesOf(trx, e, found.plan, found.subject, links)));
    }
    await ackLinksRepository.insert(trx, links);
    return out;
  }

  /**
   * The messages of one event about a subject. Their acknowledgement links go to `pending`
   * for the caller to store in its transaction, or, without it, are stored in `db` at once.
   */
  async messagesOf(db: Db | Trx, e: LoggedEvent, plan: Plan, subject: Subject, pending?: AckLinksTable[]): Promise<OutgoingMessage[]> {
    const audience = audienceOf(e, plan, subject);
    if (!audience) return [];
    const recipients = await this.recipients(db, audience, plan, e.at);
    const rows: AckLinksTable[] = pending ?? [];
    const links = this.links(e, audience, recipients, rows);
    if (!pending) await ackLinksRepository.insert(db, rows);
    return compose(e, audience, recipients, { plan, subject, channels: this.opts.channels, links, publicUrl: this.opts.publicUrl() });
  }

  private async subject(trx: Trx, stream: string, id: string, known?: KnownStream): Promise<{ plan: Plan; subject: Subject } | null> {
    const held = known?.(stream, id);
    if (held && stream === 'incident') return { plan: held.plan, subject: { kind: 'incident', state: held.state as IncidentState } };
    if (held && stream === 'case') return { plan: held.plan, subject: { kind: 'case', state: held.state as CaseState } };
    if (stream === 'incident') {
      const row = await incidentsRepository.get(trx, id);
      return row ? { plan: await this.opts.plans.byDigest(row.digest, trx), subject: { kind: 'incident', state: row.state } } : null;
    }
    if (stream === 'case') {
      const state = await casesRepository.get(trx, id);
      return state ? { plan: await this.opts.plans.byDigest(state.plan.digest, trx), subject: { kind: 'case', state } } : null;
    }
    return null;
  }

  /** The people an audience names, with their contact points; the deactivated are left out. */
  private async recipients(trx: Db | Trx, audience: Audience, plan: Plan, at: number): Promise<Recipient[]> {
    const org = orgLookup(trx);
    const roleOf = new Map<string, string>();
    for (const p of audience.persons) if (!roleOf.has(p.id)) roleOf.set(p.id, p.role);
    for (const role of audience.roles) {
      const duty = plan.org.positions[role.split('/')[1] ?? '']?.duty === true;
      for (const h of await org.holders(role, at, duty)) if (!roleOf.has(h.id)) roleOf.set(h.id, role);
    }
    for (const unit of audience.units) {
      const held = await org.unitPositions(unit);
      for (const h of held) if (!roleOf.has(h.person_id)) roleOf.set(h.person_id, h.role);
    }
    if (!roleOf.size) return [];
    const people = await org.contacts([...roleOf.keys()]);
    return people.map((p) => ({ ...p, role: roleOf.get(p.id) ?? null }));
  }

  /** Each summoned person's acknowledgement link, valid until well after the deadline. */
  private links(e: LoggedEvent, audience: Audience, recipients: readonly Recipient[], rows: AckLinksTable[]): Map<string, string> {
    const links = new Map<string, string>();
    const signer = this.opts.links;
    const publicUrl = this.opts.publicUrl();
    if (!signer || !publicUrl || !audience.ackRole || e.stream !== 'incident') return links;
    const deadline = Number(e.data.deadline);
    const ttl = Math.max(ACK_LINK_TTL_MS, Number.isFinite(deadline) ? deadline - this.clock() + ACK_LINK_TTL_MS : 0);
    for (const r of recipients) {
      const { token, row } = signer.sign({ personId: r.id, incidentId: e.id, role: audience.ackRole, action: 'ack' }, ttl);
      rows.push(row);
      links.set(r.id, AckLinks.url(publicUrl, token));
    }
    return links;
  }
}

import type { CaseState } from '../engine/case/state.js';
import { wallClockAt } from '../engine/county-time.js';
import type { Holder } from '../engine/incident/events.js';
import type { IncidentState } from '../engine/incident/state.js';
import { handlerName } from '../i18n/describe.js';
import { t } from '../i18n/messages.js';
import { roleName, type Plan } from '../plan/plan.js';
import type { ChannelName } from './channels/channel.js';
import type { OutgoingMessage } from './outbox.js';

/**
 * Which events reach people, who they reach, and what the messages say. Pure: the notifier
 * (notifier.ts) looks up the people and the links and writes the result to the outbox.
 */

/** What a notification is about (`NotificationBody.kind`). */
export type NotificationKind = 'summons' | 'stand_down' | 'alert' | 'approval_request' | 'case_deadline' | 'escalation';

/** An appended event as the notifier reads it back from the log rows. */
export interface LoggedEvent {
  stream: string;
  id: string;
  /** The event's place in the log; null for what the notifier derives itself (an escalation). */
  seq: number | null;
  /** Starts every message key; default `${stream}:${id}:${seq}`. */
  key?: string;
  type: string;
  at: number;
  data: Record<string, unknown>;
}

/** Who an event must reach, before anyone is looked up. */
export interface Audience {
  kind: NotificationKind;
  /** People named on the event: a summons' holders, in the summoned role. */
  persons: (Holder & { role: string })[];
  /** Roles whose current holders are reached. */
  roles: string[];
  /** Units whose every current position holder is reached (a case's handler). */
  units: string[];
  /** A summons: the role its holders acknowledge through a link. */
  ackRole: string | null;
}

/** The stream an event belongs to, as the messages describe it. */
export type Subject = { kind: 'incident'; state: IncidentState } | { kind: 'case'; state: CaseState };

/** A person a message goes to, with their contact points and the role that makes them a recipient. */
export interface Recipient {
  id: string;
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
}

export interface ComposeContext {
  plan: Plan;
  subject: Subject;
  /** The configured channels; in-app is always used. */
  channels: ReadonlySet<ChannelName>;
  /** Acknowledgement links by person id (summons only). */
  links: ReadonlyMap<string, string>;
  /** The app's public base URL, to link to the incident or case; null when not configured. */
  publicUrl: string | null;
}

/** Channels that reach a group once per event rather than each person. */
export const GROUP_CHANNELS: readonly ChannelName[] = ['webhook', 'dingtalk', 'wecom'];
/** The recipient of a group channel's message. */
export const GROUP = 'group';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Who an event reaches (null: nobody). Summons reach the people who held the role; a missed
 * deadline reaches the late role and the working group (§5); a missing on-site update reaches
 * the role asked to report (§5.1); a major measure requested reaches the approvers, one taken
 * without approval the approvers and the working group (§5.1); an unacknowledged summons
 * reaches the unit's deputy and the working group (plan setting); a case deadline reaches the
 * case's handler (a unit, or a county leader's role).
 */
export function audienceOf(e: LoggedEvent, plan: Plan, subject: Subject): Audience | null {
  const none = { persons: [], roles: [], units: [], ackRole: null };
  if (e.stream === 'incident') {
    switch (e.type) {
      case 'summons_issued': {
        const role = str(e.data.role);
        const holders = (e.data.persons as Holder[] | undefined) ?? [];
        return { ...none, kind: 'summons', persons: holders.map((h) => ({ ...h, role })), ackRole: role };
      }
      case 'summons_stood_down': {
        // The same people the summons reached, on the same channels (contract §2).
        const role = str(e.data.role);
        const holders = subject.kind === 'incident' ? (subject.state.summons.find((x) => x.role === role)?.persons ?? []) : [];
        return { ...none, kind: 'stand_down', persons: holders.map((h) => ({ ...h, role })) };
      }
      case 'deadline_missed':
        return { ...none, kind: 'alert', roles: unique([str(e.data.role), ...plan.informed]) };
      case 'update_due':
        return { ...none, kind: 'alert', roles: [str(e.data.role)] };
      case 'measure_requested':
        return e.data.major === true ? { ...none, kind: 'approval_request', roles: [...plan.approvers] } : null;
      case 'measure_taken':
        return e.data.flagged === true ? { ...none, kind: 'alert', roles: unique([...plan.approvers, ...plan.informed]) } : null;
      case 'acknowledgement_overdue':
        return { ...none, kind: 'escalation', roles: unique([...((e.data.notify as string[] | undefined) ?? [])]) };
      default:
        return null;
    }
  }
  if (e.stream === 'case' && subject.kind === 'case' && (e.type === 'case_deadline_reminder' || e.type === 'case_deadline_missed')) {
    const handler = subject.state.handler;
    return handler.includes('/') ? { ...none, kind: 'case_deadline', roles: [handler] } : { ...none, kind: 'case_deadline', units: [handler] };
  }
  return null;
}

/** The text of an event's notification, in Chinese (the county's language), and its data. */
export function messageText(e: LoggedEvent, ctx: Pick<ComposeContext, 'plan' | 'subject'>): { subject: string; text: string; data: Record<string, unknown> } {
  const { plan, subject } = ctx;
  const time = (ms: number) => localTime(ms, plan.org.timezone);
  const role = (r: unknown) => roleName(plan, str(r), 'zh');
  if (subject.kind === 'incident') {
    const s = subject.state;
    const venue = plan.org.venues.find((v) => v.id === s.venue)?.name.zh ?? s.venue;
    // An accusation's text never travels in a message: its recipients are on-site units, not the discipline organs (safeguards 6).
    const where = `${venue}（${s.headcount}人，${s.category === 'accusation' ? t('zh', 'matter.withheld') : s.matter}）`;
    const data = { incident: s.id, venue: s.venue, event: e.type, ...e.data };
    const clause = e.data.clause ? `（${str(e.data.clause)}）` : '';
    switch (e.type) {
      case 'summons_issued':
        return {
          subject: `应急召集：${venue}`,
          text: `${role(e.data.role)}：${where}发生信访事件，请于${time(num(e.data.deadline))}前到场${clause}。收到请点击链接确认。`,
          data,
        };
      case 'summons_stood_down':
        return { subject: `已解除，无需到场：${venue}`, text: `${role(e.data.role)}：${where}的现场处置已结束，到场通知已解除，无需到场${clause}。`, data };
      case 'deadline_missed':
        return { subject: `超时未到：${venue}`, text: `预警：${role(e.data.role)}未在${time(num(e.data.deadline))}前到达${where}${clause}。`, data };
      case 'update_due':
        return { subject: `现场动态逾期：${venue}`, text: `提醒：${where}自${time(num(e.data.since))}起未报送现场动态，请${role(e.data.role)}报送${clause}。`, data };
      case 'measure_requested':
        return {
          subject: `重大措施待审批：${venue}`,
          text: `审批请求：${where}拟采取重大措施「${measureLabel(plan, str(e.data.kind))}」，依据：${str(e.data.basis)}。请县领导审批${clause}。`,
          data,
        };
      case 'measure_taken': {
        const kind = s.measures.find((m) => m.id === e.data.id)?.kind ?? '';
        return { subject: `重大措施未经批准：${venue}`, text: `预警：${where}的重大措施「${measureLabel(plan, kind)}」未经批准已实施${clause}。`, data };
      }
      case 'acknowledgement_overdue':
        return {
          subject: `召集未确认：${venue}`,
          text: `${role(e.data.role)}自${time(num(e.data.summoned_at))}被召集至${where}，已超过${Math.round(num(e.data.after) / 60_000)}分钟未确认，请督促到场。`,
          data,
        };
    }
    return { subject: venue, text: `${where}：${e.type}`, data };
  }
  const c = subject.state;
  const label = CASE_DEADLINES[str(e.data.deadline)] ?? str(e.data.deadline);
  const handler = handlerName(plan, c.handler, 'zh');
  const data = { case: c.id, tracking_code: c.trackingCode, handler: c.handler, event: e.type, ...e.data };
  return e.type === 'case_deadline_missed'
    ? { subject: `案件逾期：${c.trackingCode}`, text: `${handler}：案件${c.trackingCode}的${label}期限已于${time(num(e.data.due))}届满，尚未办结该环节。`, data }
    : { subject: `案件期限提醒：${c.trackingCode}`, text: `${handler}：案件${c.trackingCode}的${label}期限将于${time(num(e.data.due))}届满。`, data };
}

/**
 * The messages of one event: for every recipient, in-app always, e-mail when they have an
 * address and SMTP is configured, SMS when they have a phone and SMS is configured; each group
 * channel (webhook, DingTalk, WeCom) once. A summons carries each person's own acknowledgement
 * link. Keys are `${stream}:${id}:${seq}:${person}:${channel}`, stable across re-enqueues.
 */
export function compose(e: LoggedEvent, audience: Audience, recipients: readonly Recipient[], ctx: ComposeContext): OutgoingMessage[] {
  const { subject, text, data } = messageText(e, ctx);
  const source = { stream: e.stream, id: e.id, seq: e.seq };
  const prefix = e.key ?? `${e.stream}:${e.id}:${e.seq}`;
  const key = (who: string, channel: ChannelName) => `${prefix}:${who}:${channel}`;
  const page = ctx.publicUrl ? `${ctx.publicUrl.replace(/\/+$/, '')}/${e.stream === 'incident' ? 'incidents' : 'cases'}/${e.id}` : undefined;
  const out: OutgoingMessage[] = [];
  const seen = new Set<string>();
  for (const r of recipients) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    const link = ctx.links.get(r.id) ?? page;
    const body = { kind: audience.kind, text, ...(link ? { link } : {}), data: { ...data, person: r.id, recipient_role: r.role } };
    out.push({ idempotencyKey: key(r.id, 'in_app'), channel: 'in_app', recipient: r.id, address: '', subject, body, source });
    if (r.email && ctx.channels.has('email')) out.push({ idempotencyKey: key(r.id, 'email'), channel: 'email', recipient: r.id, address: r.email, subject, body, source });
    if (r.phone && ctx.channels.has('sms')) out.push({ idempotencyKey: key(r.id, 'sms'), channel: 'sms', recipient: r.id, address: r.phone, subject, body, source });
  }
  const group = { kind: audience.kind, text, ...(page ? { link: page } : {}), data: { ...data, recipients: recipients.map((r) => ({ id: r.id, name: r.name, role: r.role })) } };
  for (const channel of GROUP_CHANNELS) {
    if (ctx.channels.has(channel)) out.push({ idempotencyKey: key(GROUP, channel), channel, recipient: GROUP, address: '', subject, body: group, source });
  }
  return out;
}

const CASE_DEADLINES: Record<string, string> = { acceptance: '受理', handling: '办理', review: '复查', second_review: '复核' };

function measureLabel(plan: Plan, kind: string): string {
  return plan.file.discipline.measures.labels[kind as keyof typeof plan.file.discipline.measures.labels]?.zh ?? kind;
}

/** `3月2日 10:00` in the county's time zone. */
export function localTime(ms: number, timeZone: string): string {
  const w = wallClockAt(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.month}月${w.day}日 ${pad(w.hour)}:${pad(w.minute)}`;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs.filter(Boolean))];
}

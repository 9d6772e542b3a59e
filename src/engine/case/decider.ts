import type { Plan } from '../../plan/plan.js';
import type { CaseCommand, CaseCommandOf } from './commands.js';
import type { CaseDeadline, CaseEvent, CaseRejection, CaseRejectionCode } from './events.js';
import { evolveCase, noticeKey, openForward, type CaseState } from './state.js';
import type { PendingTimer } from '../kernel/decider.js';
import { fireDue, type TimerRules } from '../kernel/timers.js';
import type { EventOf } from '../incident/events.js';
import type { IncidentState } from '../incident/state.js';
import { chooseRoute } from './routes.js';
import { addWorkingDays } from '../time.js';

const DAY = 86_400_000;

/** What the case decider needs besides the state: the plan, the time, ids. */
export interface CaseContext {
  readonly plan: Plan;
  readonly now: number;
  readonly newId: (kind: 'case' | 'tracking') => string;
  /** Whether personal data (name, phone) was given at registration; kept outside the log. */
  readonly personal?: boolean;
  /** How long personal data is kept after the case closes (ms); null keeps it. */
  readonly retention?: number | null;
}

export type CaseDecision = { ok: true; events: CaseEvent[] } | { ok: false; rejection: CaseRejection };

const no = (code: CaseRejectionCode, reason: string): CaseDecision => ({ ok: false, rejection: { code, reason } });
const yes = (...events: CaseEvent[]): CaseDecision => ({ ok: true, events });

/**
 * The head of the handling unit, who approves an extension (Art. 34): the unit's principal, the
 * position the plan summons (`on_site.procedure.summon.position`); a leader handles as themself.
 */
export const headOf = (plan: Plan, handler: string): string => (handler.includes('/') ? handler : `${handler}/${plan.summonPosition}`);

/** The case an incident's `case_opened` starts, registered in its own stream (§4.2). */
export function caseFromIncident(incident: IncidentState, opened: EventOf<'case_opened'>, personal = false): Extract<CaseEvent, { type: 'case_registered' }> {
  return {
    type: 'case_registered',
    at: opened.at,
    case: opened.case,
    tracking_code: opened.tracking_code,
    incident: incident.id,
    route: opened.route,
    handler: opened.handler,
    clause: opened.clause,
    category: incident.category,
    matter: incident.matter,
    units: incident.units,
    headcount: incident.maxHeadcount,
    representatives: 0,
    accept_by: opened.accept_by,
    due: opened.due,
    plan: { id: incident.plan.id, version: incident.plan.version, digest: incident.plan.digest },
    personal,
  };
}

/**
 * Decides a case command: the events it causes, or why it is refused. Pure: the same state,
 * command and context always give the same answer. Timers are not commands; see `fireCaseDue`.
 */
export function decideCase(state: CaseState | null, command: CaseCommand, ctx: CaseContext): CaseDecision {
  const { plan, now } = ctx;
  const at = now;
  if (command.do === 'register') {
    if (state) return no('wrong_status', 'the case is already registered');
    return register(command, ctx);
  }
  if (!state) return no('no_case', 'there is no such case');
  const s = state;
  if (s.status === 'closed' && command.do !== 'rate') return no('closed', 'the case is closed');
  const pending = s.status === 'registered' && s.decidedAt === null;
  const unit = (id: string) => plan.units.has(id);

  switch (command.do) {
    case 'accept':
      if (s.route === 'hand_back') return no('procedure_concluded', 'the petition procedure has concluded (Art. 36 ¶3); hand the matter over instead');
      if (!pending) return no('wrong_status', 'acceptance has already been decided');
      return yes({ type: 'case_accepted', at, due: at + plan.deadlines.handling });
    case 'not_accept':
      if (!pending) return no('wrong_status', 'acceptance has already been decided');
      return yes({ type: 'case_not_accepted', at, reason: command.reason, channel: command.channel ?? null }, { type: 'case_closed', at, reason: 'not_accepted' });
    case 'forward': {
      const toInspection = s.route === 'discipline_inspection';
      if (toInspection) {
        const allowed = plan.file.follow_up.routes.find((r) => r.route === s.route)?.may_forward_to ?? [];
        if (!allowed.includes(command.to)) return no('not_allowed_target', `a report against officials may only be forwarded to ${allowed.join(', ') || 'no other unit'}`);
        if (s.repliedAt !== null) return no('wrong_status', 'the case has already been answered');
      } else if (!pending) return no('wrong_status', 'only a case awaiting acceptance can be forwarded');
      if (!unit(command.to)) return no('unknown_unit', `unknown unit ${command.to}`);
      if (command.to === s.handler) return no('same_handler', 'the case is already with this unit');
      if (s.category === 'accusation' && s.units.includes(command.to)) return no('accused_unit', 'a unit never handles a complaint about itself');
      const objectBy = addWorkingDays(at, plan.deadlines.objectionWorkingDays, plan.org.timezone);
      return yes({ type: 'case_forwarded', at, from: s.handler, to: command.to, reason: command.reason, object_by: objectBy });
    }
    case 'object': {
      const last = s.forwards.at(-1);
      if (!last || last.to !== s.handler || last.objectedAt !== null) return no('not_forwarded', 'the case was not forwarded to this unit');
      if (!openForward(s, now)) return no('objection_closed', `the ${plan.deadlines.objectionWorkingDays} working days for an objection have passed (Art. 23)`);
      if (!pending) return no('wrong_status', 'the case has already been accepted');
      return yes({ type: 'case_objected', at, reason: command.reason, back_to: last.from });
    }
    case 'extend': {
      if (s.status !== 'accepted') return no('wrong_status', 'only a case being handled can be extended');
      if (s.extension) return no('already_extended', 'handling may be extended only once (Art. 34)');
      if (command.days * DAY > plan.deadlines.extension) return no('extension_too_long', `an extension is at most ${plan.deadlines.extension / DAY} days (Art. 34)`);
      if (command.approved_by !== headOf(plan, s.handler)) return no('not_head', `the head of the handling unit (${headOf(plan, s.handler)}) approves an extension`);
      return yes({ type: 'case_extended', at, days: command.days, reason: command.reason, approved_by: command.approved_by, due: s.due + command.days * DAY });
    }
    case 'schedule_reception': {
      if (s.route !== 'joint_reception' && s.route !== 'county_leader_reception') return no('wrong_route', 'receptions are arranged for joint receptions and county leaders’ receptions (§4.2)');
      if (s.status !== 'registered' && s.status !== 'accepted') return no('wrong_status', 'the case has already been answered');
      const missing = command.units.find((u) => !unit(u));
      if (missing) return no('unknown_unit', `unknown unit ${missing}`);
      const leader = command.leader ?? (s.route === 'county_leader_reception' ? s.handler : null);
      if (leader && !plan.roles.has(leader)) return no('unknown_role', `unknown role ${leader}`);
      return yes({ type: 'reception_scheduled', at, on: command.on, place: command.place, units: command.units, leader });
    }
    case 'record_reception':
      if (!s.reception || s.reception.heldAt !== null) return no('wrong_status', 'no reception is scheduled');
      return yes({ type: 'reception_held', at, summary: command.summary });
    case 'hand_over':
      if (s.route !== 'hand_back') return no('wrong_route', 'only a matter whose procedure has concluded is handed over');
      if (!pending) return no('wrong_status', 'the case has already been decided');
      return yes({ type: 'case_handed_over', at, to: s.handler, note: command.note }, { type: 'case_closed', at, reason: 'handed_back' });
    case 'opinion':
      if (s.status !== 'accepted') return no('wrong_status', 'an opinion is given on an accepted case before the reply');
      if (command.kind === 'refer_channel' && !command.channel) return no('channel_required', 'name the channel the matter belongs to (Art. 31)');
      return yes({ type: 'opinion_recorded', at, kind: command.kind, channel: command.kind === 'refer_channel' ? command.channel! : null, text: command.text });
    case 'reply':
      if (s.status !== 'accepted') return no('wrong_status', 'only a case being handled can be answered');
      if (!s.opinion) return no('no_opinion', 'record the handling opinion first (Art. 32)');
      return yes({ type: 'case_replied', at, review_by: at + plan.deadlines.reviewRequest });
    case 'rate': {
      if (s.repliedAt === null) return no('not_replied', 'the handling can be rated once the reply is out');
      const answered = Math.max(s.repliedAt, ...s.reviews.map((r) => r.decidedAt ?? 0));
      if (s.ratings.some((r) => r.at >= answered)) return no('already_rated', 'this answer has already been rated');
      return yes({ type: 'case_rated', at, value: command.value, comment: command.comment || null });
    }
    case 'request_review': {
      const level = s.status === 'replied' ? 1 : s.status === 'reviewed' && s.reviews.at(-1)?.level === 1 ? 2 : null;
      if (level === null) return no('wrong_status', 'a review follows a reply, a second review follows a review');
      if (s.reviewBy === null || now > s.reviewBy) return no('review_window_closed', 'the 30 days to ask for a review have passed (Art. 35)');
      return yes({ type: 'review_requested', at, level, decide_by: at + plan.deadlines.reviewDecision });
    }
    case 'decide_review': {
      if (s.status !== 'review' && s.status !== 'second_review') return no('wrong_status', 'no review is pending');
      const level = s.status === 'review' ? 1 : 2;
      const events: CaseEvent[] = [{ type: 'review_decided', at, level, result: command.result, text: command.text, review_by: level === 1 ? at + plan.deadlines.reviewRequest : null }];
      // After a second review the procedure has concluded (Art. 36 ¶3).
      if (level === 2) events.push({ type: 'case_closed', at, reason: 'procedure_concluded' });
      return yes(...events);
    }
  }
}

function register(c: CaseCommandOf<'register'>, ctx: CaseContext): CaseDecision {
  const { plan, now } = ctx;
  const missing = c.units.find((u) => !plan.units.has(u));
  if (missing) return no('unknown_unit', `unknown unit ${missing}`);
  if (c.representatives > plan.representativesMax) return no('too_many_representatives', `a collective visit elects at most ${plan.representativesMax} representatives (Art. 20)`);
  const { route, handler, clause } = chooseRoute(plan, { category: c.category, concluded: c.concluded, major: c.major, units: c.units });
  return yes({
    type: 'case_registered',
    at: now,
    case: ctx.newId('case'),
    tracking_code: ctx.newId('tracking'),
    incident: null,
    route,
    handler,
    clause,
    category: c.category,
    matter: c.matter,
    units: c.units,
    headcount: c.headcount,
    representatives: c.representatives,
    accept_by: now + plan.deadlines.acceptance,
    due: now + plan.deadlines.acceptance + plan.deadlines.handling,
    plan: { id: plan.id, version: plan.version, digest: plan.digest },
    personal: ctx.personal ?? false,
  });
}

/** The deadline the case is running against now, its due time and since when it runs; null when none runs. */
export function runningDeadline(s: CaseState): { deadline: CaseDeadline; due: number; since: number } | null {
  if (s.status === 'registered' && s.decidedAt === null) return { deadline: 'acceptance', due: s.acceptBy, since: s.registeredAt };
  if (s.status === 'accepted') return { deadline: 'handling', due: s.due, since: s.extension?.at ?? s.acceptedAt! };
  const r = s.reviews.at(-1);
  if ((s.status === 'review' || s.status === 'second_review') && r) return { deadline: r.level === 1 ? 'review' : 'second_review', due: r.decideBy, since: r.requestedAt };
  return null;
}

/** Timers a case's state implies, with absolute due times: deadline notices, the end of a review window, erasure. Pure. */
export function pendingCaseTimers(s: CaseState, plan: Plan, retention: number | null = null): PendingTimer[] {
  const timers: PendingTimer[] = [];
  const running = runningDeadline(s);
  if (running) {
    // A notice never lies before its deadline was set: an extension granted late notifies at once.
    const at = (t: number) => Math.max(t, running.since);
    for (const [kind, due] of [['reminder', at(running.due - plan.deadlines.reminder)], ['missed', at(running.due)]] as const) {
      const key = noticeKey(kind, running.deadline, running.due);
      if (!s.notices.includes(key)) timers.push({ key, due });
    }
  }
  if ((s.status === 'replied' || s.status === 'reviewed') && s.reviewBy !== null) timers.push({ key: 'review_window', due: s.reviewBy });
  if (s.status === 'closed' && s.personal && s.personalErasedAt === null && retention !== null) timers.push({ key: 'erase', due: s.closedAt! + retention });
  return timers.sort((a, b) => a.due - b.due);
}

/** What a case's timers depend on: the plan and how long personal data is kept after closing (ms; null keeps it). */
export interface CaseTimerContext {
  readonly plan: Plan;
  readonly retention: number | null;
}

/**
 * Fires one case timer at `ctx.now`, recorded at its own due time; no event when it is no
 * longer pending or not yet due. Pure.
 */
export function fireCaseTimer(s: CaseState, timer: PendingTimer, ctx: CaseTimerContext & { now: number }): CaseEvent[] {
  const t = pendingCaseTimers(s, ctx.plan, ctx.retention).find((p) => p.key === timer.key);
  if (!t || t.due > ctx.now) return [];
  if (t.key === 'review_window') return [{ type: 'case_closed', at: t.due, reason: 'no_review' }];
  if (t.key === 'erase') return [{ type: 'personal_data_erased', at: t.due }];
  const [kind, rest] = t.key.split(':') as ['reminder' | 'missed', string];
  const [deadline, due] = rest.split('@') as [CaseDeadline, string];
  return [{ type: kind === 'reminder' ? 'case_deadline_reminder' : 'case_deadline_missed', at: t.due, deadline, due: Number(due) }];
}

/** A case's timer half, for the kernel's `fireDue`. */
export const caseTimers: TimerRules<CaseState, CaseEvent, CaseTimerContext> = {
  pending: (s, ctx) => pendingCaseTimers(s, ctx.plan, ctx.retention),
  fire: fireCaseTimer,
  evolve: evolveCase,
};

/** Fires every timer due by `now`, earliest first, each at its own due time (the kernel's `fireDue`). Pure. */
export function fireCaseDue(state: CaseState, plan: Plan, now: number, retention: number | null = null): { events: CaseEvent[]; state: CaseState } {
  return fireDue(caseTimers, state, { plan, retention }, now);
}

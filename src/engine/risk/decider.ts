import type { Plan } from '../../plan/plan.js';
import { personalDataIn, type RiskCommand, type RiskCommandOf } from './commands.js';
import type { RiskEvent, RiskRejection, RiskRejectionCode } from './events.js';
import { evolveRisk, openSign, type RiskState } from './state.js';
import type { PendingTimer } from '../kernel/decider.js';
import { fireDue, type TimerRules } from '../kernel/timers.js';
import { dayIn, endOfDay } from '../county-time.js';

/** What the risk decider needs besides the state: the plan (units, roles, the county's zone), the time, ids. */
export interface RiskContext {
  readonly plan: Plan;
  readonly now: number;
  readonly newId: () => string;
}

export type RiskDecision = { ok: true; events: RiskEvent[] } | { ok: false; rejection: RiskRejection };

const no = (code: RiskRejectionCode, reason: string): RiskDecision => ({ ok: false, rejection: { code, reason } });
const yes = (...events: RiskEvent[]): RiskDecision => ({ ok: true, events });

/**
 * The instant a review set for `day` becomes overdue: midnight at the end of that day in the
 * county (a review on its day is on time). Pure.
 */
export function reviewDue(day: string, timeZone: string): number {
  return endOfDay(day, timeZone);
}

/** The free text a command carries, which must be about the matter, never a person. */
function texts(c: RiskCommand): string[] {
  switch (c.do) {
    case 'report':
      return [c.matter, c.place];
    case 'record_action':
    case 'raise_sign':
      return [c.text];
    case 'complete_review':
      return [c.note];
    case 'change_level':
      return [c.reason];
    case 'estimate':
      return c.reason ? [c.reason] : [];
    case 'mark_resolving':
      return c.note ? [c.note] : [];
    case 'mark_resolved':
      return [c.note];
    case 'handle_sign':
      return [c.done];
    default:
      return [];
  }
}

/**
 * Decides a risk command: the events it causes, or why it is refused. Pure: the same state,
 * command and context always give the same answer. Overdue reviews are timers, see `fireRiskDue`.
 */
export function decideRisk(state: RiskState | null, command: RiskCommand, ctx: RiskContext): RiskDecision {
  const { plan, now } = ctx;
  const at = now;
  const tz = plan.org.timezone;
  for (const text of texts(command)) {
    const what = personalDataIn(text);
    if (what) return no('personal_data', `the register records matters, not people: remove ${what} (safeguards, "Never")`);
  }
  const today = dayIn(now, tz);
  const notPast = (day: string) => (day < today ? no('review_in_past', `a review date cannot lie before today (${today})`) : null);

  if (command.do === 'report') {
    if (state) return no('already_reported', 'the matter is already in the register');
    return report(command, ctx, today);
  }
  if (!state) return no('no_risk', 'there is no such matter in the register');
  const s = state;
  if (s.status === 'resolved') return no('resolved', 'the matter is resolved; report it again if it returns');
  const clause = plan.file.early_warning.clause;

  switch (command.do) {
    case 'assign_leader':
      if (!plan.roles.has(command.leader)) return no('unknown_role', `unknown role ${command.leader}`);
      if (command.leader === s.leader) return no('same_leader', 'this leader already has the case');
      return yes({ type: 'leader_assigned', at, leader: command.leader, previous: s.leader, clause });
    case 'record_action':
      return yes({ type: 'risk_action_recorded', at, text: command.text });
    case 'set_review':
      // Moving the date does not excuse a missed review: it is recorded first.
      if (s.overdueSince !== null) return no('review_overdue', `the review of ${s.review?.on ?? 'the set day'} is overdue: record it first`);
      return notPast(command.on) ?? yes({ type: 'review_scheduled', at, review_on: command.on, due: reviewDue(command.on, tz) });
    case 'complete_review': {
      if (command.next !== undefined) {
        const past = notPast(command.next);
        if (past) return past;
      }
      const next = command.next ?? null;
      return yes({ type: 'review_completed', at, note: command.note, review_on: next, due: next === null ? null : reviewDue(next, tz) });
    }
    case 'change_level':
      if (command.level === s.level) return no('same_level', `the level is already ${s.level}`);
      return yes({ type: 'risk_level_changed', at, from: s.level, to: command.level, reason: command.reason });
    case 'estimate':
      return yes({ type: 'risk_estimate_changed', at, from: s.affected, to: command.affected, reason: command.reason ?? null });
    case 'mark_resolving':
      if (s.status !== 'open') return no('wrong_status', 'work on the matter is already under way');
      return yes({ type: 'risk_resolving', at, note: command.note ?? null });
    case 'mark_resolved':
      if (openSign(s)) return no('sign_open', 'a sign of a coming petition is open: the working group handles it first');
      return yes({ type: 'risk_resolved', at, note: command.note });
    case 'raise_sign':
      if (openSign(s)) return no('sign_open', 'a sign about this matter is already open');
      return yes({ type: 'sign_raised', at, text: command.text, informed: [...plan.informed], clause });
    case 'handle_sign':
      if (!openSign(s)) return no('no_open_sign', 'no sign of a coming petition is open on this matter');
      return yes({ type: 'sign_handled', at, done: command.done });
  }
}

function report(c: RiskCommandOf<'report'>, ctx: RiskContext, today: string): RiskDecision {
  const { plan, now } = ctx;
  const rules = plan.file.early_warning;
  const unit = plan.units.get(c.unit);
  if (!unit) return no('unknown_unit', `unknown unit ${c.unit}`);
  if (!rules.screened_by.includes(unit.kind)) return no('not_screening_unit', `matters are reported by ${rules.screened_by.join(' and ')} units (${rules.clause})`);
  if (c.leader !== undefined && !plan.roles.has(c.leader)) return no('unknown_role', `unknown role ${c.leader}`);
  if (c.next_review !== undefined && c.next_review < today) return no('review_in_past', `a review date cannot lie before today (${today})`);
  const id = ctx.newId();
  const review = c.next_review ?? null;
  const events: RiskEvent[] = [
    {
      type: 'risk_reported',
      at: now,
      risk: id,
      kind: c.kind,
      unit: c.unit,
      matter: c.matter,
      place: c.place,
      affected: c.affected,
      level: c.level,
      leader: c.leader ?? null,
      review_on: review,
      due: review === null ? null : reviewDue(review, plan.org.timezone),
      clause: rules.clause,
    },
  ];
  // A sign of a coming petition is reported at once (§6): it alerts the working group as it is entered.
  if (c.kind === 'sign') events.push({ type: 'sign_raised', at: now, text: c.matter, informed: [...plan.informed], clause: rules.clause });
  return yes(...events);
}

/** Timers a risk's state implies, with absolute due times: the instant its review becomes overdue. Pure. */
export function pendingRiskTimers(s: RiskState): PendingTimer[] {
  if (s.status === 'resolved' || !s.review || s.overdueSince !== null) return [];
  return [{ key: `review@${s.review.due}`, due: s.review.due }];
}

/**
 * Fires one risk timer at `now`, recorded at its own due time; no event when it is no longer
 * pending or not yet due. Pure.
 */
export function fireRiskTimer(s: RiskState, timer: PendingTimer, now: number): RiskEvent[] {
  const t = pendingRiskTimers(s).find((p) => p.key === timer.key);
  if (!t || t.due > now || !s.review) return [];
  return [{ type: 'review_overdue', at: t.due, review_on: s.review.on, due: t.due }];
}

/** A risk's timer half, for the kernel's `fireDue`: its timers depend on its state alone. */
export const riskTimers: TimerRules<RiskState, RiskEvent, object> = {
  pending: (s) => pendingRiskTimers(s),
  fire: (s, timer, ctx) => fireRiskTimer(s, timer, ctx.now),
  evolve: evolveRisk,
};

/** Fires every risk timer due by `now`, each at its own due time (the kernel's `fireDue`). Pure. */
export function fireRiskDue(state: RiskState, now: number): { events: RiskEvent[]; state: RiskState } {
  return fireDue(riskTimers, state, {}, now);
}

import { arrivalClause, type Plan, type TierLevel } from '../../plan/plan.js';
import { Emitter } from './emitter.js';
import type { IncidentEvent } from './events.js';
import type { DecideContext } from './decider.js';
import { evolve } from './evolve.js';
import { summonUnits } from './rules.js';
import { summonsOf, type IncidentState } from './state.js';
import type { PendingTimer } from '../kernel/decider.js';
import { fireDue as fireTimersDue, type TimerRules } from '../kernel/timers.js';

/**
 * A timer is data: what falls due and when (absolute epoch ms). The server stores these and
 * the drill runner advances a virtual clock to them; both fire them through `fireTimer`.
 */
export type Timer =
  | { key: 'guidance'; kind: 'guidance'; due: number }
  | { key: `deadline:${string}`; kind: 'deadline'; due: number; role: string }
  | { key: `ack:${string}`; kind: 'acknowledgement'; due: number; role: string }
  | { key: 'update'; kind: 'update'; due: number };

/**
 * The timers pending for an incident, derived from its state alone: the guidance window
 * (§4.1 step 2), each unmet summons deadline (§5), the escalation of a summons nobody
 * acknowledged (plan setting, §5.2), and the on-site update reminder (§5.1).
 * Pure; sorted by due time, ties in the order the summons were issued, so firing order is
 * deterministic.
 */
export function pendingTimers(state: IncidentState | null, plan: Plan): Timer[] {
  if (!state) return [];
  const timers: Timer[] = [];
  if (state.status === 'open' && state.unitsSummonedAt === null && plan.summonTriggers.has('guidance_window_expired')) {
    timers.push({ key: 'guidance', kind: 'guidance', due: state.reportedAt + plan.guidanceWindow });
  }
  for (const s of state.summons) {
    // A deadline runs whatever happens to the incident: late is late (safeguards 3).
    if (s.status === 'pending') timers.push({ key: `deadline:${s.role}`, kind: 'deadline', due: s.deadline, role: s.role });
    // Nobody acknowledged it: escalated once, while the person is still expected (§5.2 setting).
    if (s.status === 'pending' && s.ackedAt === null && s.arrivedAt === null && s.escalatedAt === null) {
      timers.push({ key: `ack:${s.role}`, kind: 'acknowledgement', due: s.issuedAt + plan.acknowledgement.escalateAfter, role: s.role });
    }
  }
  if (state.status === 'open' && state.activatedAt !== null && state.lastUpdateAt !== null) {
    timers.push({ key: 'update', kind: 'update', due: state.lastUpdateAt + plan.updateInterval });
  }
  return timers.sort((a, b) => a.due - b.due); // stable: ties keep issue order
}

/**
 * Fires one timer. `ctx.now` is the firing time; events are recorded at the timer's own due
 * time (a late firing after a restart still records the original time). Returns no events
 * when the timer is no longer pending or not yet due, so firing twice is harmless. Pure.
 */
export function fireTimer(state: IncidentState, timer: PendingTimer, ctx: DecideContext): IncidentEvent[] {
  const current = pendingTimers(state, ctx.plan).find((t) => t.key === timer.key);
  if (!current || current.due > ctx.now) return [];
  const { plan } = ctx;
  const em = new Emitter(state, { ...ctx, now: current.due });
  switch (current.kind) {
    case 'guidance':
      em.emit({ type: 'guidance_window_expired', clause: plan.file.on_site.procedure.summon.clause });
      summonUnits(em);
      break;
    case 'deadline': {
      const s = summonsOf(state, current.role)!;
      em.emit({ type: 'deadline_missed', role: s.role, deadline: s.deadline, clause: arrivalClause(plan, s.unit) });
      break;
    }
    case 'acknowledgement': {
      const s = summonsOf(state, current.role)!;
      const { escalateAfter, deputy, workingGroup } = plan.acknowledgement;
      const notify = [`${s.unit}/${deputy}`, ...(workingGroup ? plan.informed : [])].filter((r) => plan.roles.has(r) && r !== s.role);
      em.emit({
        type: 'acknowledgement_overdue',
        role: s.role,
        unit: s.unit,
        summoned_at: s.issuedAt,
        deadline: s.deadline,
        after: escalateAfter,
        notify: [...new Set(notify)],
        clause: plan.file.discipline.acknowledgement?.clause ?? plan.file.discipline.arrival.clause,
      });
      break;
    }
    case 'update':
      // §5.1: ask the commander(s) of the current tier for an on-site report.
      for (const role of (plan.tiers.find((l: TierLevel) => l.tier === state.tier) ?? plan.tiers[0]!).command) {
        em.emit({ type: 'update_due', role, since: state.lastUpdateAt!, clause: plan.file.discipline.reports.clause });
      }
      break;
  }
  return em.events;
}

/** An incident's timer half, for the kernel's `fireDue`. */
export const incidentTimers: TimerRules<IncidentState, IncidentEvent, Pick<DecideContext, 'plan' | 'newId'>> = {
  pending: (state, { plan }: { plan: Plan }) => pendingTimers(state, plan),
  fire: fireTimer,
  evolve,
};

/**
 * Fires, earliest first, every timer due by `limit` (or before it, when not `inclusive`),
 * including timers that firing creates: the kernel's `fireDue` for an incident that may not
 * exist yet. Returns the events in order and the state they fold to. Pure.
 */
export function fireDue(
  state: IncidentState | null,
  ctx: Pick<DecideContext, 'plan' | 'newId'>,
  limit: number,
  inclusive = true,
): { events: IncidentEvent[]; state: IncidentState | null } {
  return state ? fireTimersDue(incidentTimers, state, ctx, limit, inclusive) : { events: [], state };
}

import { arrivalClause, arrivalLimit, tierFor, unitOf, type Plan, type TierLevel } from '../../plan/plan.js';
import type { Emitter } from './emitter.js';
import type { ActivationTrigger, BehaviorKind, ClearedBy, SummonsReason } from './events.js';
import { summonsOf } from './state.js';
import { chooseRoute } from '../case/routes.js';

/*
 * The plan's automatic rules. Each takes an Emitter, reads the state as it stands after the
 * events emitted so far, and emits what the rule requires. Shared by commands and timers.
 */

/** A situation of §4.1.1–3. Charging activates the plan at any stage. */
export function observe(em: Emitter, kind: BehaviorKind): void {
  const { situations } = em.ctx.plan.file.on_site;
  const clause =
    kind === 'lingering'
      ? situations.lingering.clause
      : kind === 'charging'
        ? situations.charging.clause
        : situations.abnormal.clause;
  em.emit({ type: 'behavior_observed', kind, clause });
  if (kind === 'charging' && em.ctx.plan.activationTriggers.has('charging')) activate(em, 'charging');
}

/** Tiers follow the head count and never step down (plan setting). */
export function raiseTier(em: Emitter, headcount: number): void {
  const { plan } = em.ctx;
  const next = tierFor(plan, headcount);
  const from = em.state.tier;
  if (next <= from) return;
  em.emit({ type: 'tier_raised', from, to: next, clause: plan.file.on_site.tiers.clause });
  // After activation, a rise summons whoever the new tier adds.
  if (em.state.activatedAt !== null) summonTier(em, levelOf(plan, next));
}

function levelOf(plan: Plan, tier: number): TierLevel {
  return plan.tiers.find((l) => l.tier === tier) ?? plan.tiers[0]!;
}

/** §4.1 step 2 and §5.2: each responsible unit's principal, with the unit kind's time limit. */
export function summonUnits(em: Emitter): void {
  const { plan } = em.ctx;
  for (const unit of em.state.units) {
    summon(em, `${unit}/${plan.summonPosition}`, 'unit_summoned', arrivalClause(plan, unit));
  }
}

export function summonTier(em: Emitter, level: TierLevel): void {
  const clause = em.ctx.plan.file.on_site.tiers.clause;
  for (const role of level.command) summon(em, role, 'tier_command', clause);
  for (const role of level.assist) summon(em, role, 'tier_assist', clause);
}

/** Nobody is summoned twice for the same role in one incident. */
export function summon(em: Emitter, role: string, reason: SummonsReason, clause: string): void {
  if (summonsOf(em.state, role)) return;
  const unit = unitOf(role);
  em.emit({
    type: 'summons_issued',
    role,
    unit,
    reason,
    deadline: em.ctx.now + arrivalLimit(em.ctx.plan, unit),
    clause,
  });
}

/** §4.1 step 3: inform the working group, summon the tier's police, and any unit not yet summoned. */
export function activate(em: Emitter, trigger: ActivationTrigger, reason?: string): void {
  if (em.state.activatedAt !== null) return;
  const { plan } = em.ctx;
  em.emit({
    type: 'plan_activated',
    trigger,
    ...(reason ? { reason } : {}),
    informed: [...plan.informed],
    clause: plan.file.on_site.procedure.activate.clause,
  });
  summonTier(em, levelOf(plan, em.state.tier));
  summonUnits(em);
}

/** Ends the on-site phase and opens the follow-up case (safeguards 1: every grievance). */
export function clear(em: Emitter, by: ClearedBy): void {
  const { plan } = em.ctx;
  em.emit({ type: 'incident_cleared', by, clause: plan.file.on_site.clause });
  // Whoever is still on the way, with time left, need not come (contract §2): not late, not missed.
  for (const s of em.state.summons) {
    if (s.status === 'pending' && s.deadline >= em.ctx.now) em.emit({ type: 'summons_stood_down', role: s.role, clause: plan.file.on_site.clause });
  }
  const { route, handler, clause } = chooseRoute(plan, em.state);
  const acceptBy = em.ctx.now + plan.deadlines.acceptance;
  em.emit({
    type: 'case_opened',
    case: em.ctx.newId('case'),
    route,
    handler,
    accept_by: acceptBy,
    // Handling runs 60 days from acceptance; until accepted, the latest possible date.
    due: acceptBy + plan.deadlines.handling,
    tracking_code: em.ctx.newId('tracking'),
    clause,
  });
}

import type { Refusal } from '../i18n/refusals.js';
import type { Plan } from '../plan/plan.js';
import type { RiskCommand } from '../engine/risk.commands.js';
import { decideRisk, fireRiskDue, pendingRiskTimers } from '../engine/risk.decider.js';
import type { RiskEvent, RiskRejection } from '../engine/risk.events.js';
import { evolveRisk, type RiskState } from '../engine/risk.state.js';
import type { Store, Trx } from '../store/db.js';
import { LogWriter, type Actor, type FlushHook } from '../store/event.log.js';
import { risksRepository } from '../store/risks.repository.js';
import { timersRepository } from '../store/timers.repository.js';
import type { PlanRegistry } from './plan.registry.js';

/** Decides who acts on a matter, against the matter as it stands inside the transaction. */
export type RiskAuthorize = (state: RiskState | null, plan: Plan) => Actor | { forbidden: Refusal };

export type RiskOutcome =
  | { kind: 'accepted'; state: RiskState; plan: Plan; events: RiskEvent[] }
  | { kind: 'forbidden'; reason: Refusal }
  | { kind: 'rejected'; state: RiskState | null; rejection: RiskRejection }
  | { kind: 'not_found' };

/**
 * Appends a matter's events to its stream and updates its projection and timer: the one place
 * a matter of the register changes (§6).
 */
async function saveRisk(trx: Trx, log: LogWriter, before: RiskState | null, events: readonly RiskEvent[], actor: Actor | null, now: number): Promise<RiskState> {
  let state = before;
  for (const e of events) {
    state = evolveRisk(state, e);
    log.append('risk', state.id, state.version, e, actor);
  }
  const s = state!;
  if (events.length) await risksRepository.save(trx, s, before === null, now);
  // Always: a claimed timer that no longer applies must not stay due.
  await timersRepository.replace(trx, 'risk', s.id, pendingRiskTimers(s));
  return s;
}

/**
 * Runs the early-warning register's commands and timers through the risk engine, each in its
 * own transaction, with the events in the hash-chained log. Catches up on due timers (overdue
 * reviews) before a command. A sign of a coming petition reaches the working group at once
 * through the shared live event feed (the board's alert panel); its event names the roles the
 * plan informs.
 */
export class RiskProcessor {
  private readonly newId: () => string;
  private onFlush: FlushHook | null = null;

  constructor(
    private readonly store: Store,
    private readonly plans: PlanRegistry,
    private readonly clock: () => number = Date.now,
    newId?: () => string,
  ) {
    this.newId = newId ?? (() => crypto.randomUUID());
  }

  /** Runs `hook` in the transaction of every flush (e.g. the notifications' outbox). */
  withFlushHook(hook: FlushHook | null): this {
    this.onFlush = hook;
    return this;
  }

  /** Runs one command; `riskId` is null for a report, which enters a new matter. */
  async submit(riskId: string | null, command: RiskCommand, actor: Actor | RiskAuthorize): Promise<RiskOutcome> {
    let lastSeq = 0;
    const outcome = await this.store.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const log = await LogWriter.open(this.store, trx, now, this.onFlush);
      const plan = await this.plans.current(trx);
      let state: RiskState | null = null;
      if (riskId !== null) {
        state = await this.catchUp(trx, log, riskId, now);
        if (!state) return { kind: 'not_found' } as const;
      }
      const who = typeof actor === 'function' ? actor(state, plan) : actor;
      if ('forbidden' in who) {
        lastSeq = await log.flush();
        return { kind: 'forbidden', reason: who.forbidden } as const;
      }
      const decision = decideRisk(state, command, { plan, now, newId: this.newId });
      if (!decision.ok) {
        lastSeq = await log.flush();
        return { kind: 'rejected', state, rejection: decision.rejection } as const;
      }
      const next = await saveRisk(trx, log, state, decision.events, who, now);
      lastSeq = await log.flush();
      return { kind: 'accepted', state: next, plan, events: decision.events } as const;
    });
    if (lastSeq) this.store.committed(lastSeq);
    return outcome;
  }

  /** Fires every risk timer due now (overdue reviews). Resolves to the number of matters touched. */
  async fireDueTimers(): Promise<number> {
    let lastSeq = 0;
    const count = await this.store.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const log = await LogWriter.open(this.store, trx, now, this.onFlush);
      const ids = await timersRepository.claimDue(trx, this.store.dialect, 'risk', now);
      for (const id of ids) await this.catchUp(trx, log, id, now);
      lastSeq = await log.flush();
      return ids.length;
    });
    if (lastSeq) this.store.committed(lastSeq);
    return count;
  }

  /** Loads a matter and fires its due timers, each recorded at its own due time. */
  private async catchUp(trx: Trx, log: LogWriter, id: string, now: number): Promise<RiskState | null> {
    const state = await risksRepository.get(trx, id);
    if (!state) return null;
    const { events } = fireRiskDue(state, now);
    return saveRisk(trx, log, state, events, null, now);
  }
}

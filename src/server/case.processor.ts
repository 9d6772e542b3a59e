import type { Refusal } from '../i18n/refusals.js';
import type { Plan } from '../plan/plan.js';
import type { CaseCommand } from '../engine/case.commands.js';
import { decideCase, fireCaseDue, pendingCaseTimers } from '../engine/case.decider.js';
import type { CaseEvent, CaseRejection } from '../engine/case.events.js';
import { evolveCase, type CaseState } from '../engine/case.state.js';
import { randomIds, type IdKind } from '../engine/ids.js';
import type { Store, Trx } from '../store/db.js';
import { casesRepository } from '../store/cases.repository.js';
import { LogWriter, type Actor, type FlushHook } from '../store/event.log.js';
import { timersRepository } from '../store/timers.repository.js';
import { isEmptyPersonal, type PersonalData, type Sealer } from './personal.js';
import type { PlanRegistry } from './plan.registry.js';

/** Decides who acts on a case, against the case as it stands inside the transaction. */
export type CaseAuthorize = (state: CaseState | null, plan: Plan) => Actor | { forbidden: Refusal };

export type CaseOutcome =
  | { kind: 'accepted'; state: CaseState; plan: Plan; events: CaseEvent[] }
  | { kind: 'forbidden'; reason: Refusal }
  | { kind: 'rejected'; state: CaseState | null; rejection: CaseRejection }
  | { kind: 'not_found' };

/**
 * Appends a case's events and updates its projection and timers: the one place a case
 * changes, used for cases opened by an incident (in the incident's transaction) and for
 * every case command and timer.
 */
export async function saveCase(
  trx: Trx,
  log: LogWriter,
  before: CaseState | null,
  events: readonly CaseEvent[],
  actor: Actor | null,
  now: number,
  plan: Plan,
  retention: number | null,
): Promise<CaseState> {
  let state = before;
  for (const e of events) {
    state = evolveCase(state, e);
    log.append('case', state.id, state.version, e, actor);
  }
  const s = state!;
  await casesRepository.save(trx, s, before === null, now);
  await timersRepository.replace(trx, 'case', s.id, pendingCaseTimers(s, plan, retention));
  return s;
}

/** Registers a case that an incident's clearing opened (safeguards 1), in the incident's transaction. */
export function registerCase(trx: Trx, log: LogWriter, e: Extract<CaseEvent, { type: 'case_registered' }>, plan: Plan, now: number): Promise<CaseState> {
  // A new case is not closed, so its timers do not depend on the retention period.
  return saveCase(trx, log, null, [e], null, now, plan, null);
}

export interface CaseOptions {
  /** Days personal data is kept after a case closes; null keeps it. */
  retentionDays: number | null;
  sealer: Sealer;
}

/**
 * Runs case commands and case timers through the case engine, each in its own transaction
 * (cases change at office pace, not crowd pace). Catches up on due timers before a command.
 */
export class CaseProcessor {
  private readonly newId: (kind: IdKind) => string;
  readonly retention: number | null;
  private onFlush: FlushHook | null = null;

  constructor(
    private readonly store: Store,
    private readonly plans: PlanRegistry,
    private readonly options: CaseOptions,
    private readonly clock: () => number = Date.now,
    newId?: (kind: IdKind) => string,
  ) {
    this.newId = newId ?? randomIds();
    this.retention = options.retentionDays === null ? null : options.retentionDays * 86_400_000;
  }

  /** Sets what every transaction's appended events also cause, in that transaction (the notifications' outbox). */
  withFlushHook(hook: FlushHook | null): this {
    this.onFlush = hook;
    return this;
  }

  get sealer(): Sealer {
    return this.options.sealer;
  }

  /** Runs one command; `caseId` is null for a walk-in registration, which may carry personal data. */
  async submit(caseId: string | null, command: CaseCommand, actor: Actor | CaseAuthorize, personal?: PersonalData): Promise<CaseOutcome> {
    let lastSeq = 0;
    const outcome = await this.store.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const log = await LogWriter.open(this.store, trx, now, this.onFlush);
      let state: CaseState | null = null;
      let plan: Plan;
      if (caseId !== null) {
        const found = await this.catchUp(trx, log, caseId, now);
        if (!found) return { kind: 'not_found' } as const;
        ({ state, plan } = found);
      } else plan = await this.plans.current(trx);
      const who = typeof actor === 'function' ? actor(state, plan) : actor;
      if ('forbidden' in who) {
        // Timers caught up above are part of the record even when the command is refused.
        lastSeq = await log.flush();
        return { kind: 'forbidden', reason: who.forbidden } as const;
      }
      const hasPersonal = !isEmptyPersonal(personal);
      const decision = decideCase(state, command, { plan, now, newId: this.newId, personal: hasPersonal, retention: this.retention });
      if (!decision.ok) {
        lastSeq = await log.flush();
        return { kind: 'rejected', state, rejection: decision.rejection } as const;
      }
      const next = await saveCase(trx, log, state, decision.events, who, now, plan, this.retention);
      if (state === null && hasPersonal) await casesRepository.sealPersonal(trx, next.id, this.sealer.seal(next.id, personal!), now);
      lastSeq = await log.flush();
      return { kind: 'accepted', state: next, plan, events: decision.events } as const;
    });
    if (lastSeq) this.store.committed(lastSeq);
    return outcome;
  }

  /**
   * Reads a case's personal data for a handler; the read is recorded on the case's stream in
   * the same transaction (safeguards 5). Null when there is none or it was erased.
   */
  async readPersonal(caseId: string, actor: Actor, purpose: string): Promise<PersonalData | null> {
    let lastSeq = 0;
    const data = await this.store.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const log = await LogWriter.open(this.store, trx, now, this.onFlush);
      const found = await this.catchUp(trx, log, caseId, now);
      const row = found && (await casesRepository.sealedPersonal(trx, caseId));
      if (!found || !row?.sealed) {
        lastSeq = await log.flush();
        return null;
      }
      await saveCase(trx, log, found.state, [{ type: 'personal_data_read', at: now, purpose }], actor, now, found.plan, this.retention);
      lastSeq = await log.flush();
      return this.sealer.open(caseId, row.sealed);
    });
    if (lastSeq) this.store.committed(lastSeq);
    return data;
  }

  /** Fires every case timer due now. Resolves to the number of cases touched. */
  async fireDueTimers(): Promise<number> {
    let lastSeq = 0;
    const count = await this.store.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const log = await LogWriter.open(this.store, trx, now, this.onFlush);
      const ids = await timersRepository.claimDue(trx, this.store.dialect, 'case', now);
      for (const id of ids) await this.catchUp(trx, log, id, now);
      lastSeq = await log.flush();
      return ids.length;
    });
    if (lastSeq) this.store.committed(lastSeq);
    return count;
  }

  /** Loads a case and fires its due timers (erasing personal data when retention ends). */
  private async catchUp(trx: Trx, log: LogWriter, id: string, now: number): Promise<{ state: CaseState; plan: Plan } | null> {
    const state = await casesRepository.get(trx, id);
    if (!state) return null;
    const plan = await this.plans.byDigest(state.plan.digest, trx);
    const { events } = fireCaseDue(state, plan, now, this.retention);
    const next = await saveCase(trx, log, state, events, null, now, plan, this.retention);
    if (events.some((e) => e.type === 'personal_data_erased')) await casesRepository.erasePersonal(trx, id, now);
    return { state: next, plan };
  }
}

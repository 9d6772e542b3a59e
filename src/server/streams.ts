import type { Plan } from '../plan/plan.js';
import { caseFromIncident } from '../engine/case/decider.js';
import type { CaseCommand } from '../engine/case/commands.js';
import type { CaseEvent, CaseRejection } from '../engine/case/events.js';
import type { CaseState } from '../engine/case/state.js';
import type { Command } from '../engine/incident/commands.js';
import type { IncidentEvent, Rejection } from '../engine/incident/events.js';
import type { IncidentState } from '../engine/incident/state.js';
import { caseDecider, incidentDecider, riskDecider, type CaseExtra } from '../engine/kernel/kinds.js';
import type { RiskCommand } from '../engine/risk/commands.js';
import type { RiskEvent, RiskRejection } from '../engine/risk/events.js';
import type { RiskState } from '../engine/risk/state.js';
import { casesRepository } from '../store/cases.repository.js';
import type { Trx } from '../store/db.js';
import type { Actor } from '../store/event.log.js';
import { incidentsRepository } from '../store/incidents.repository.js';
import { orgLookup } from '../store/org.repository.js';
import { risksRepository } from '../store/risks.repository.js';
import { isEmptyPersonal, type PersonalData, type Sealer } from './personal.js';
import { StreamProcessor, type StreamDefinition } from './stream.processor.js';

/*
 * The three stream kinds the server runs, each its decider, its projection and its hooks:
 * incidents (summons name who holds the role; a clearing opens a case in the same
 * transaction), follow-up cases (personal data sealed at registration, erased when the
 * retention period ends, every read recorded) and matters of the early-warning register.
 */

export interface CaseOptions {
  /** Days personal data is kept after a case closes; null keeps it. */
  retentionDays: number | null;
  sealer: Sealer;
}

/** Follow-up cases (§4.2); a walk-in registration may bring personal data, sealed outside the log. */
export interface CaseStream extends StreamDefinition<CaseState, CaseCommand, CaseEvent, CaseRejection, CaseExtra, PersonalData> {
  readonly sealer: Sealer;
}

export function caseStream(options: CaseOptions): CaseStream {
  const retention = options.retentionDays === null ? null : options.retentionDays * 86_400_000;
  return {
    decider: caseDecider,
    sealer: options.sealer,
    context: (personal) => ({ retention, personal: !isEmptyPersonal(personal) }),
    async load(trx, id) {
      const state = await casesRepository.get(trx, id);
      return state && { state, digest: state.plan.digest };
    },
    async loadMany(trx, ids) {
      const states = await casesRepository.many(trx, ids);
      return new Map([...states].map(([id, state]) => [id, { state, digest: state.plan.digest }]));
    },
    async save(trx, streams, now) {
      for (const { state, isNew } of streams) await casesRepository.save(trx, state, isNew, now);
    },
    async recorded(tx, stream, event) {
      // Retention ended (safeguards 5): the sealed data is overwritten with the event that says so.
      if (event.type === 'personal_data_erased') await casesRepository.erasePersonal(tx.trx, stream.state!.id, tx.now);
    },
    async accepted(trx, stream, isNew, personal, now) {
      if (isNew && personal && !isEmptyPersonal(personal)) await casesRepository.sealPersonal(trx, stream.state!.id, options.sealer.seal(stream.state!.id, personal), now);
    },
  };
}

export type IncidentStream = StreamDefinition<IncidentState, Command, IncidentEvent, Rejection, object, never>;

/** Incidents; `cases` is where a cleared incident's case opens (safeguards 1). */
export function incidentStream(cases: CaseStream): IncidentStream {
  return {
    decider: incidentDecider,
    context: () => ({}),
    load: (trx, id) => incidentsRepository.get(trx, id),
    loadMany: (trx, ids) => incidentsRepository.many(trx, ids),
    save: (trx, streams, now) => incidentsRepository.save(trx, streams, now),
    complete: (trx, plan, event) => (event.type === 'summons_issued' ? withHolders(trx, plan, event) : Promise.resolve(event)),
    async recorded(tx, stream, event) {
      if (event.type !== 'case_opened') return;
      const incident = stream.state!;
      // The grievance becomes a case with its own stream, in this same transaction, after the batch's incident events.
      tx.later(async () => tx.record(await tx.begin(cases, stream.plan), [caseFromIncident(incident, event)], null));
    },
  };
}

/** Names who holds a summoned role at that moment: the roster for duty roles (§4.1 值班局领导). */
async function withHolders(trx: Trx, plan: Plan, e: Extract<IncidentEvent, { type: 'summons_issued' }>): Promise<IncidentEvent> {
  const position = e.role.split('/')[1] ?? '';
  const duty = plan.org.positions[position]?.duty === true;
  const persons = await orgLookup(trx).holders(e.role, e.at, duty);
  return { ...e, persons };
}

export type RiskStream = StreamDefinition<RiskState, RiskCommand, RiskEvent, RiskRejection, object, never>;

/** Matters of the early-warning register (§6), each under the plan it was entered under. */
export const riskStream: RiskStream = {
  decider: riskDecider,
  context: () => ({}),
  load: (trx, id) => risksRepository.pinned(trx, id),
  loadMany: (trx, ids) => risksRepository.pinnedMany(trx, ids),
  async save(trx, streams, now) {
    for (const { state, isNew, digest } of streams) await risksRepository.save(trx, state, isNew, now, digest);
  },
};

export type IncidentProcessor = StreamProcessor<IncidentStream>;
export type CaseProcessor = StreamProcessor<CaseStream>;
export type RiskProcessor = StreamProcessor<RiskStream>;

/**
 * Reads a case's personal data for a handler; the read is recorded on the case's stream in
 * the same transaction (safeguards 5). Null when there is none or it was erased.
 */
export async function readPersonal(cases: CaseProcessor, caseId: string, actor: Actor, purpose: string): Promise<PersonalData | null> {
  const data = await cases.withStream(caseId, async (tx, stream) => {
    const row = await casesRepository.sealedPersonal(tx.trx, caseId);
    if (!row?.sealed) return null;
    await tx.record(stream, [{ type: 'personal_data_read', at: tx.now, purpose } satisfies CaseEvent], actor);
    return cases.definition.sealer.open(caseId, row.sealed);
  });
  return data ?? null;
}

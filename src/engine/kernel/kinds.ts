import type { CaseCommand } from '../case/commands.js';
import { caseTimers, decideCase, type CaseTimerContext } from '../case/decider.js';
import type { CaseEvent, CaseRejection } from '../case/events.js';
import type { CaseState } from '../case/state.js';
import type { Command } from '../incident/commands.js';
import type { IncidentEvent, Rejection } from '../incident/events.js';
import { decide, rejectionEvent } from '../incident/decider.js';
import type { IncidentState } from '../incident/state.js';
import { incidentTimers } from '../incident/timers.js';
import type { RiskCommand } from '../risk/commands.js';
import { decideRisk, riskTimers } from '../risk/decider.js';
import type { RiskEvent, RiskRejection } from '../risk/events.js';
import type { RiskState } from '../risk/state.js';
import type { Decider } from './decider.js';
import { fireDue } from './timers.js';

/*
 * The three stream kinds as `Decider`s, each the kind's own engine functions under the one
 * interface, so the server's stream processor and the virtual clock run them alike.
 */

/** Incidents (§4.1, §5): refusals are recorded on the stream (contract §1). */
export const incidentDecider: Decider<'incident', IncidentState, Command, IncidentEvent, Rejection> = {
  kind: 'incident',
  decide,
  ...incidentTimers,
  fireDue: (state, ctx, now, inclusive) => fireDue(incidentTimers, state, ctx, now, inclusive),
  refusal: rejectionEvent,
};

/**
 * What a case decision depends on besides the common context: whether personal data came with
 * the registration (it is kept outside the log) and the retention period of personal data.
 */
export type CaseExtra = Omit<CaseTimerContext, 'plan'> & { readonly personal?: boolean };

/** Follow-up cases (§4.2); refusals are answered, not recorded. */
export const caseDecider: Decider<'case', CaseState, CaseCommand, CaseEvent, CaseRejection, CaseExtra> = {
  kind: 'case',
  decide: decideCase,
  ...caseTimers,
  fireDue: (state, ctx, now, inclusive) => fireDue(caseTimers, state, ctx, now, inclusive),
};

/** Matters of the early-warning register (§6); refusals are answered, not recorded. */
export const riskDecider: Decider<'risk', RiskState, RiskCommand, RiskEvent, RiskRejection> = {
  kind: 'risk',
  decide: (state, command, ctx) => decideRisk(state, command, { plan: ctx.plan, now: ctx.now, newId: () => ctx.newId('risk') }),
  ...riskTimers,
  fireDue: (state, ctx, now, inclusive) => fireDue(riskTimers, state, ctx, now, inclusive),
};

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Plan } from '../plan/plan.js';
import { formatInstant, zoneOffset } from '../engine/time.js';
import type { IncidentState } from '../engine/incident.state.js';
import { accountability, incidentView } from '../engine/incident.view.js';
import type { NotifyService } from '../notify/service.js';
import type { Store } from '../store/db.js';
import type { EventRow } from '../store/schema.js';
import type { Principal } from './auth/permissions.js';
import type { CaseProcessor } from './case.processor.js';
import type { CommandProcessor } from './command.processor.js';
import type { EventHub } from './event.hub.js';
import type { PlanRegistry } from './plan.registry.js';
import type { RiskProcessor } from './risk.processor.js';
import { ApiError } from './errors.js';

/** What routes need: the store, the plan registry, the command processor and the live hub. */
export interface Services {
  store: Store;
  plans: PlanRegistry;
  processor: CommandProcessor;
  /** Follow-up cases: commands, timers, personal data. */
  cases: CaseProcessor;
  /** The early-warning register (§6): commands and overdue-review timers. */
  risks: RiskProcessor;
  hub: EventHub;
  /** Notifications: outbox, dispatcher, acknowledgement links. */
  notify: NotifyService;
  clock: () => number;
  /** Heartbeat interval of the live stream, ms. */
  heartbeatMs: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    sessionId: string | null;
  }
}

/** The signed-in principal, or a 401. */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError('unauthenticated', 'sign in first');
  return req.principal;
}

/** Refuses anyone but an administrator. */
export function requireAdmin(req: FastifyRequest): Principal {
  const p = principal(req);
  if (!p.admin) throw new ApiError('forbidden', 'only an administrator may manage the organization and plans');
  return p;
}

/** Formats instants in the county's time zone, with its offset (`+08:00`). */
export function countyTime(plan: Plan): (ms: number) => string {
  const tz = plan.org.timezone;
  return (ms) => formatInstant(ms, zoneOffset(ms, tz));
}

/**
 * The incident view of the API: the drill output's fields plus ids (contract §5). The tracking
 * code of a report against officials is withheld: everyone who sees the incident, the accused
 * unit included, would otherwise follow the complaint on the public page (safeguards 6). The
 * discipline commission, its handler, sees the code on the case.
 */
export function presentIncident(state: IncidentState, plan: Plan) {
  const view = incidentView(state, countyTime(plan));
  const cases = view.cases.map((c) => (c.route === 'discipline_inspection' ? { ...c, tracking_code: null } : c));
  return { id: state.id, ...view, cases, accountability: accountability(state) };
}

const TIME_FIELDS = new Set(['deadline', 'accept_by', 'due', 'since', 'object_by', 'review_by', 'decide_by']);

/**
 * Whether an event belongs in the shared event feed that every signed-in user reads:
 * incidents and the early-warning register do; a case's events are shown only to its
 * handlers (an accused unit must never see a complaint about itself, safeguards 6).
 */
export const inFeed = (row: EventRow): boolean => row.stream !== 'case';

/** A stored event as the API shows it. */
export function presentEvent(row: EventRow, t: (ms: number) => string) {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  for (const k of Object.keys(data)) if (TIME_FIELDS.has(k) && typeof data[k] === 'number') data[k] = t(data[k] as number);
  return {
    seq: Number(row.seq),
    stream: row.stream,
    ...(row.stream === 'incident' ? { incident: row.stream_id } : { [row.stream]: row.stream_id }),
    version: row.version,
    at: t(Number(row.at)),
    type: row.type,
    ...data,
    actor: row.actor_user ? { user: row.actor_user, role: row.actor_role, on_behalf: row.on_behalf === 1 } : null,
    recorded_at: t(Number(row.recorded_at)),
  };
}

export type App = FastifyInstance;

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Plan } from '../plan/plan.js';
import { countyTime, TIME_FIELDS } from '../engine/county-time.js';
import type { IncidentState } from '../engine/incident/state.js';
import { accountability, incidentView } from '../engine/incident/view.js';
import { refusal } from '../i18n/refusals.js';
import type { NotifyService } from '../notify/service.js';
import { casesRepository } from '../store/cases.repository.js';
import type { Db, Store } from '../store/db.js';
import type { EventRow } from '../store/schema.js';
import type { Principal, Reader } from './auth/permissions.js';
import { eventFor, incidentFor } from './auth/visibility.js';
import type { Batch } from './event.hub.js';
import type { EventHub } from './event.hub.js';
import type { PlanRegistry } from './plan.registry.js';
import type { CaseProcessor, IncidentProcessor, RiskProcessor } from './streams.js';
import { ApiError } from './errors.js';

/** What routes need: the store, the plan registry, the stream processors and the live hub. */
export interface Services {
  store: Store;
  plans: PlanRegistry;
  /** Incidents: commands and timers. */
  processor: IncidentProcessor;
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
  if (!req.principal) throw new ApiError('unauthenticated', refusal('auth.sign_in_first'));
  return req.principal;
}

/** Refuses anyone but an administrator. */
export function requireAdmin(req: FastifyRequest): Principal {
  const p = principal(req);
  if (!p.admin) throw new ApiError('forbidden', refusal('forbidden.admin'));
  return p;
}

/** An incident and the plan it runs under. */
export interface PlannedIncident {
  state: IncidentState;
  plan: Plan;
}

/**
 * Incident views of the API as the reader may see them (the visibility policy): the drill
 * output's fields plus ids (contract §5), an accusation's text only for discipline organs,
 * each case named only to those who may open it and its tracking code only to its handlers.
 */
export async function presentIncidents(db: Db, reader: Reader, items: readonly PlannedIncident[]) {
  const cases = await casesRepository.many(db, items.flatMap((i) => i.state.cases.map((c) => c.id)));
  return items.map(({ state, plan }) => {
    const view = { id: state.id, ...incidentView(state, countyTime(plan)), accountability: accountability(state) };
    return incidentFor(reader, plan, view, new Map(state.cases.flatMap((c) => (cases.has(c.id) ? [[c.id, cases.get(c.id)!] as const] : []))));
  });
}

/** One incident view as the reader may see it. */
export async function presentIncident(db: Db, reader: Reader, state: IncidentState, plan: Plan) {
  return (await presentIncidents(db, reader, [{ state, plan }]))[0]!;
}
export type PresentedIncident = Awaited<ReturnType<typeof presentIncident>>;

/**
 * Stored events of one stream as the reader may see them (the visibility policy); `context`
 * is the case or register matter they belong to, or the units an accusation was forwarded to.
 */
export function presentEvents(reader: Reader, plan: Plan, rows: readonly EventRow[], context: Parameters<typeof eventFor>[4] = {}) {
  const t = countyTime(plan);
  return rows.flatMap((row) => {
    const event = eventFor(reader, plan, row, presentEvent(row, t), context);
    return event ? [event] : [];
  });
}

/** The shared feed as one reader may see it: incident events and the register matters they may see, never case events. */
export function presentFeed(reader: Reader, plan: Plan, batch: Batch) {
  const t = countyTime(plan);
  const out: { seq: number; event: Record<string, unknown> }[] = [];
  for (const row of batch.rows) {
    if (row.stream === 'case') continue;
    const event = eventFor(reader, plan, row, presentEvent(row, t), { risk: batch.risks.get(row.stream_id) });
    if (event) out.push({ seq: Number(row.seq), event });
  }
  return out;
}

/** A stored event as the API formats it, before the visibility policy. */
function presentEvent(row: EventRow, t: (ms: number) => string) {
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
    // When a command was made on the phone that sent it from its queue: beside `recorded_at`, its arrival.
    ...(row.made_at !== null && row.made_at !== undefined && { made_at: t(Number(row.made_at)) }),
  };
}

export type App = FastifyInstance;

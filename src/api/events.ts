import type { CaseEvent } from '../engine/case/events.js';
import type { IncidentEvent } from '../engine/incident/events.js';
import type { RiskEvent } from '../engine/risk/events.js';

/**
 * Events as the API and the live stream send them (src/server/context.ts `presentEvent`),
 * derived from the engines' event unions: the same fields, with instants as ISO times in the
 * county's zone, wrapped in the log's envelope. Derived, so a new event or field reaches the
 * web without a hand-kept copy.
 */

/** Fields the server turns from epoch milliseconds into ISO times (`at` and the deadlines). */
type TimeField = 'at' | 'deadline' | 'accept_by' | 'due' | 'since' | 'object_by' | 'review_by' | 'decide_by';
type Timed<T> = T extends number ? string : T;
type OnWire<E> = E extends unknown ? { [K in keyof E]: K extends TimeField ? Timed<E[K]> : E[K] } : never;

/** Who issued the command behind an event; null for what the rules or the clock did. */
export interface EventActor {
  user: string;
  role: string | null;
  on_behalf: boolean;
}

/** What the log adds to every event: its place in the log and in its stream, and who acted. */
type Envelope = {
  seq: number;
  version: number;
  actor: EventActor | null;
  recorded_at: string;
  /** When the command was made on the phone that queued it (its own clock), if it said; deadlines use the arrival. */
  made_at?: string;
};

/**
 * An incident event as a reader sees it (the visibility policy, src/server/auth/visibility.ts):
 * a case opened names neither the case nor its tracking code; an accusation's text may be withheld.
 */
type IncidentEventSeen<E> = E extends { type: 'case_opened' }
  ? Omit<E, 'case' | 'tracking_code'>
  : E extends { type: 'incident_reported' }
    ? E & { matter_withheld?: boolean }
    : E;

export type IncidentApiEvent = IncidentEventSeen<OnWire<IncidentEvent>> & Envelope & { stream: 'incident'; incident: string };

/** A case event, read with its case; the tracking code only for the case's handlers, the matter perhaps withheld. */
type CaseEventSeen<E> = E extends { type: 'case_registered' } ? Omit<E, 'tracking_code'> & { tracking_code: string | null; matter_withheld: boolean } : E;

export type CaseApiEvent = CaseEventSeen<OnWire<CaseEvent>> & Envelope & { stream: 'case'; case: string };

/** An event of the early-warning register. */
export type RiskApiEvent = OnWire<RiskEvent> & Envelope & { stream: 'risk'; risk: string };

/** What the shared feed (`GET /api/events`, `/api/events/stream`) carries: incident and register events, never case events. */
export type FeedEvent = IncidentApiEvent | RiskApiEvent;

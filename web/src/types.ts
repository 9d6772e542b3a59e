import type { caseView, publicCaseView } from '../../src/engine/case.view';
import type { IncidentView, UnitAccountability } from '../../src/engine/incident.view';
import type { RiskAlert, RiskView } from '../../src/engine/risk.view';
import type { Screens } from '../../src/server/auth/screens';

/**
 * A case an incident opened, as the reader may see it: its id only to those who may open it,
 * its tracking code only to its handlers.
 */
type IncidentCase = Omit<IncidentView['cases'][number], 'id' | 'tracking_code'> & { id: string | null; tracking_code: string | null };

/** An incident as the API returns it (contract §5); `matter_withheld` when an accusation's text is not for this reader. */
export type Incident = Omit<IncidentView, 'incident' | 'cases'> & {
  id: string;
  incident: IncidentView['incident'] & { matter_withheld: boolean };
  cases: IncidentCase[];
  accountability: UnitAccountability[];
};
export type Summons = Incident['summons'][number];
export type Measure = Incident['measures'][number];

/** A stored event as the API returns it: `seq`, ISO `at`, `type`, its own fields, and who acted. */
export interface ApiEvent {
  seq: number;
  /** Which stream: the shared feed carries incidents and the early-warning register (`risk`). */
  stream?: 'incident' | 'risk';
  incident: string;
  version: number;
  at: string;
  type: string;
  actor: { user: string; role: string | null; on_behalf: boolean } | null;
  clause?: string;
  [field: string]: unknown;
}

export interface Me {
  username: string;
  admin: boolean;
  roles: string[];
  /** The plan's designations the user's roles fall under (`venue_staff`, `intake`, `reports`…). */
  designations: string[];
  /** The screens the user can use, decided by the server's own rules (src/server/auth/screens.ts). */
  can: Screens;
  csrf_token: string;
}

export interface Allowed {
  commands: string[];
  roles: { ack: string[]; arrive: string[]; leave: string[] };
  approve_as: string[];
  measures: { take: string[]; take_anyway: string[]; approve: string[]; decline: string[] };
}

/** A handler's name in both languages, as the case APIs send it. */
type HandlerName = { handler_name: { zh: string; en: string } };

/** A follow-up case as `GET /api/cases` lists it (src/engine/case.view.ts), with the handler's name and the head who approves an extension. */
export type CaseSummary = Omit<ReturnType<typeof caseView>, 'tracking_code'> & HandlerName & { head: string; tracking_code: string | null; matter_withheld: boolean };

/** A stored case event: `case` id, ISO `at`, `type`, its own fields, and who acted. */
export interface CaseApiEvent {
  seq: number;
  case: string;
  version: number;
  at: string;
  type: string;
  actor: { user: string; role: string | null; on_behalf: boolean } | null;
  [field: string]: unknown;
}

/** One case as `GET /api/cases/:id` returns it: the view, the commands open to the user, the timeline. */
export type CaseDetail = CaseSummary & { handler_of: boolean; allowed: string[]; events: CaseApiEvent[] };

/** What the petitioner sees by tracking code (`GET /api/track/:code`): no personal data. */
export type PublicCase = ReturnType<typeof publicCaseView> & HandlerName;

/** The petitioner's personal data on a case, for its handlers only. */
export interface CasePersonal {
  name?: string;
  phone?: string;
  representatives?: string[];
}

/** A matter of the early-warning register as `GET /api/risks` lists it (src/engine/risk.view.ts). */
export type Risk = RiskView & { unit_name: { zh: string; en: string }; leader_name: { zh: string; en: string } | null };

/** A register event in the shared feed: `risk` id, ISO `at`, `type`, its own fields, and who acted. */
export interface RiskApiEvent {
  seq: number;
  stream: 'risk';
  risk: string;
  version: number;
  at: string;
  type: string;
  actor: { user: string; role: string | null; on_behalf: boolean } | null;
  [field: string]: unknown;
}

/** One matter as `GET /api/risks/:id` returns it: the view, the commands open to the user, the timeline. */
export type RiskDetail = Risk & { allowed: string[]; events: RiskApiEvent[] };

/** What the board shows (`GET /api/risks/alerts`): open signs of a coming petition, overdue reviews. */
export interface RiskAlerts {
  signs: RiskAlert[];
  overdue: RiskAlert[];
  can_handle: boolean;
}

import type { IncidentView, UnitAccountability } from '../../src/engine/incident.view';

/** An incident as the API returns it (contract §5). */
export type Incident = IncidentView & { id: string; accountability: UnitAccountability[] };
export type Summons = Incident['summons'][number];
export type Measure = Incident['measures'][number];

/** A stored event as the API returns it: `seq`, ISO `at`, `type`, its own fields, and who acted. */
export interface ApiEvent {
  seq: number;
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
  csrf_token: string;
}

export interface Allowed {
  commands: string[];
  roles: { ack: string[]; arrive: string[]; leave: string[] };
  approve_as: string[];
  measures: { take: string[]; approve: string[]; decline: string[] };
}

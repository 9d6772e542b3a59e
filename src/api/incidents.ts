import { z } from 'zod';
import { COMMAND_SHAPES } from '../engine/incident/commands.js';
import type { IncidentView, UnitAccountability } from '../engine/incident/view.js';

export { CommandSchema, type Command } from '../engine/incident/commands.js';

/** `POST /api/incidents`: a `report` command, `do` optional. */
export const ReportBody = z.strictObject({ do: z.literal('report').optional(), ...COMMAND_SHAPES.report });
export type ReportBody = z.input<typeof ReportBody>;

/**
 * `GET /api/incidents`: newest first, optionally of one status, a page of `limit` (500 unless
 * given) at a time; `after` is the cursor the page before named in its `X-Next-Cursor` header.
 */
export const IncidentListQuery = z.object({
  status: z.enum(['open', 'cleared', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  after: z.string().min(1).max(200).optional(),
});

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

/** What the signed-in user may do on an incident now (`GET /api/incidents/:id/allowed`). */
export interface Allowed {
  commands: string[];
  roles: { ack: string[]; arrive: string[]; leave: string[] };
  approve_as: string[];
  measures: { take: string[]; take_anyway: string[]; approve: string[]; decline: string[] };
}

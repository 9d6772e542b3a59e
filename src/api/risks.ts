import { z } from 'zod';
import { RISK_LEVELS, RISK_STATUSES } from '../engine/risk/commands.js';
import type { RiskAlert, RiskView } from '../engine/risk/view.js';
import type { RiskApiEvent } from './events.js';

export { RiskCommand, RiskReport, type RiskLevel, type RiskKind, type RiskStatus } from '../engine/risk/commands.js';
export type { RiskAlert } from '../engine/risk/view.js';

/** `GET /api/risks`: the register, optionally by status, level or unit. */
export const RiskListQuery = z.object({
  status: z.enum(RISK_STATUSES).optional(),
  level: z.enum(RISK_LEVELS).optional(),
  unit: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
});

/** A matter of the early-warning register as `GET /api/risks` lists it (src/engine/risk/view.ts). */
export type Risk = RiskView & { unit_name: { zh: string; en: string }; leader_name: { zh: string; en: string } | null };

/** One matter as `GET /api/risks/:id` returns it: the view, the commands open to the user, the timeline. */
export type RiskDetail = Risk & { allowed: string[]; events: RiskApiEvent[] };

/** What the board shows (`GET /api/risks/alerts`): open signs of a coming petition, overdue reviews. */
export interface RiskAlerts {
  signs: RiskAlert[];
  overdue: RiskAlert[];
  can_handle: boolean;
}

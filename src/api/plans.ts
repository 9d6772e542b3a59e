import { z } from 'zod';
import { LIMITS, ShortText } from '../engine/limits.js';
import type { OrganizationFile, PlanFile } from '../plan/plan.schema.js';

export type { Plan } from '../plan/plan.js';
export type { PlanFile } from '../plan/plan.schema.js';

/** `POST /api/plans`: a plan's YAML, validated with located errors and stored (not yet active). */
export const PlanUpload = z.strictObject({ source: z.string().min(1).max(LIMITS.yaml), name: ShortText.optional() });
export type PlanUpload = z.input<typeof PlanUpload>;

/** The active plan as `GET /api/plan` returns it: its documents and a readable summary. */
export interface PlanInfo {
  id: string;
  version: string;
  digest: string;
  version_id: string | null;
  plan: PlanFile;
  organization: OrganizationFile;
  explain: { zh: string; en: string };
}

import { z } from 'zod';
import { LIMITS, ShortText } from '../engine/limits.js';

export type { IncidentView, UnitAccountability } from '../engine/incident/view.js';
export type { DrillResult, SavedDrillReport } from '../server/views/drills.js';

/** A scenario shipped with the product, by file name. */
const Bundled = z.strictObject({ scenario: ShortText.min(1).describe('file name of a bundled scenario, e.g. crowd-grows-at-residence.yaml') });
/** A scenario the user uploaded. */
const Uploaded = z.strictObject({
  source: z.string().min(1).max(LIMITS.yaml).describe('scenario YAML (contract §3)'),
  name: ShortText.min(1).optional().describe('file name used in located errors'),
});
/** `POST /api/drills`: run a scenario against the active plan; nothing is recorded. */
export const DrillRunBody = z.union([Bundled, Uploaded]);
export type DrillRunBody = z.input<typeof DrillRunBody>;
const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/).describe('the plan digest the drill was seen with; saving refuses when the active plan has changed since');
/** `POST /api/drills/reports`: run again and save the report, refused when the plan changed since it was seen. */
export const DrillSaveBody = z.union([Bundled.extend({ plan_digest: Digest.optional() }), Uploaded.extend({ plan_digest: Digest.optional() })]);
export type DrillSaveBody = z.input<typeof DrillSaveBody>;
/** `GET /api/drills/reports/:id/download`. */
export const DrillDownloadQuery = z.object({ format: z.enum(['json', 'text']).default('json'), lang: z.enum(['zh', 'en']).default('zh') });

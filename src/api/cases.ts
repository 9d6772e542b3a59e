import { z } from 'zod';
import { CASE_COMMAND_SHAPES } from '../engine/case/commands.js';
import type { caseView, publicCaseView } from '../engine/case/view.js';
import type { CaseApiEvent } from './events.js';

export { CaseCommand, type Channel, type Opinion, type Rating, type ReviewResult } from '../engine/case/commands.js';

/** A petitioner's personal data on a case: optional, the least needed (safeguards 5). */
export const PersonalData = z.strictObject({
  name: z.string().trim().max(100).optional(),
  phone: z.string().trim().max(40).optional(),
  /** Names of a collective visit's representatives (Art. 20). */
  representatives: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
});
export type PersonalData = z.infer<typeof PersonalData>;

/** `POST /api/cases`: a walk-in visit registered as a case, with the petitioner's personal data (sealed on the server). */
export const RegisterBody = z.strictObject({ do: z.literal('register').optional(), ...CASE_COMMAND_SHAPES.register, personal: PersonalData.optional() });
export type RegisterBody = z.input<typeof RegisterBody>;

/** A handler's name in both languages, as the case APIs send it. */
type HandlerName = { handler_name: { zh: string; en: string } };

/** A follow-up case as `GET /api/cases` lists it (src/engine/case/view.ts), with the handler's name and the head who approves an extension. */
export type CaseSummary = Omit<ReturnType<typeof caseView>, 'tracking_code'> & HandlerName & { head: string; tracking_code: string | null; matter_withheld: boolean };

/** One case as `GET /api/cases/:id` returns it: the view, the commands open to the user, the timeline. */
export type CaseDetail = CaseSummary & { handler_of: boolean; allowed: string[]; events: CaseApiEvent[] };

/** What the petitioner sees by tracking code (`GET /api/track/:code`): no personal data. */
export type PublicCase = ReturnType<typeof publicCaseView> & HandlerName;

/** The petitioner's personal data on a case, for its handlers only (`GET /api/cases/:id/personal`). */
export type CasePersonal = PersonalData;

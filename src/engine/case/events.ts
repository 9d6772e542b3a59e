import type { Channel, Opinion, Rating, ReviewResult } from './commands.js';
import type { Category, Route } from '../incident/events.js';

/**
 * Everything that happens to a follow-up case, in its own stream of the hash-chained log.
 * Personal data never appears here: events only say that it exists, was read or was erased.
 *
 * | type                   | meaning                                                        | basis          |
 * |------------------------|----------------------------------------------------------------|----------------|
 * | case_registered        | the matter became a case: route, handler, tracking code        | §4.2, Art. 22  |
 * | case_accepted          | the handler accepted it; handling runs 60 days from now        | Art. 22, 34    |
 * | case_not_accepted      | not accepted, with the reason and the lawful channel           | Art. 22, 31    |
 * | case_forwarded         | sent to the unit in charge, which may object for 5 working days | Art. 23       |
 * | case_objected          | the unit objected in time; the matter goes back                | Art. 23        |
 * | case_extended          | handling extended once, by the head of the handling unit      | Art. 34        |
 * | reception_scheduled    | a joint reception or a county leader's reception is arranged   | §4.2           |
 * | reception_held         | the reception took place                                       | §4.2           |
 * | case_handed_over       | procedure concluded: handed to the responsible unit            | §4.2, Art. 36  |
 * | opinion_recorded       | the handling opinion, or the channel the matter belongs to    | Art. 31, 32    |
 * | case_replied           | the written reply went out; the review window opens           | Art. 32, 35    |
 * | case_rated             | the petitioner rated the handling                              | Art. 18, 21    |
 * | review_requested       | review (level 1) or second review (level 2) requested          | Art. 35, 36    |
 * | review_decided         | the reviewing level decided                                    | Art. 35, 36    |
 * | case_deadline_reminder | a deadline is near                                             | Art. 43–45     |
 * | case_deadline_missed   | a deadline passed without the step it requires                 | Art. 43–45     |
 * | case_closed            | the case is closed, and why                                    |                |
 * | personal_data_read     | a handler read the petitioner's name and phone                 | safeguards 5   |
 * | personal_data_erased   | the retention period ended; the personal data is gone          | safeguards 5   |
 */

/** The deadlines a case runs against. */
export type CaseDeadline = 'acceptance' | 'handling' | 'review' | 'second_review';
export type CloseReason = 'not_accepted' | 'handed_back' | 'no_review' | 'procedure_concluded';

type At = { at: number };

export type CaseEvent =
  | (At & {
      type: 'case_registered';
      case: string;
      tracking_code: string;
      incident: string | null;
      route: Route;
      handler: string;
      clause: string;
      category: Category;
      matter: string;
      units: string[];
      headcount: number;
      representatives: number;
      accept_by: number;
      /** The latest the handling can be due (acceptance on the last day + 60 days); set exactly on acceptance. */
      due: number;
      plan: { id: string; version: string; digest: string };
      personal: boolean;
    })
  | (At & { type: 'case_accepted'; due: number })
  | (At & { type: 'case_not_accepted'; reason: string; channel: Channel | null })
  | (At & { type: 'case_forwarded'; from: string; to: string; reason: string; object_by: number })
  | (At & { type: 'case_objected'; reason: string; back_to: string })
  | (At & { type: 'case_extended'; days: number; reason: string; approved_by: string; due: number })
  | (At & { type: 'reception_scheduled'; on: string; place: string; units: string[]; leader: string | null })
  | (At & { type: 'reception_held'; summary: string })
  | (At & { type: 'case_handed_over'; to: string; note: string })
  | (At & { type: 'opinion_recorded'; kind: Opinion; channel: Channel | null; text: string })
  | (At & { type: 'case_replied'; review_by: number })
  | (At & { type: 'case_rated'; value: Rating; comment: string | null })
  | (At & { type: 'review_requested'; level: 1 | 2; decide_by: number })
  | (At & { type: 'review_decided'; level: 1 | 2; result: ReviewResult; text: string; review_by: number | null })
  | (At & { type: 'case_deadline_reminder'; deadline: CaseDeadline; due: number })
  | (At & { type: 'case_deadline_missed'; deadline: CaseDeadline; due: number })
  | (At & { type: 'case_closed'; reason: CloseReason })
  | (At & { type: 'personal_data_read'; purpose: string })
  | (At & { type: 'personal_data_erased' });

export type CaseEventType = CaseEvent['type'];

/** Stable codes for the reasons a case command is refused. */
export type CaseRejectionCode =
  | 'no_case'
  | 'wrong_status'
  | 'wrong_route'
  | 'closed'
  | 'not_head'
  | 'extension_too_long'
  | 'already_extended'
  | 'objection_closed'
  | 'not_forwarded'
  | 'same_handler'
  | 'accused_unit'
  | 'not_allowed_target'
  | 'unknown_unit'
  | 'unknown_role'
  | 'too_many_representatives'
  | 'channel_required'
  | 'no_opinion'
  | 'not_replied'
  | 'already_rated'
  | 'review_window_closed'
  | 'procedure_concluded';

export interface CaseRejection {
  code: CaseRejectionCode;
  reason: string;
}

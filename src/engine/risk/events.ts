import type { RiskKind, RiskLevel } from './commands.js';

/**
 * Everything that happens to a matter in the early-warning register (§6), in its own stream
 * (`risk`) of the hash-chained log. Events describe the matter, never a person.
 *
 * | type                  | meaning                                                                 |
 * |-----------------------|-------------------------------------------------------------------------|
 * | risk_reported         | a township or county department entered a matter (or a sign) of its area |
 * | sign_raised           | a sign of a coming petition (上访苗头): the working group is alerted at once (`informed`) |
 * | sign_handled          | the working group handled the sign, and what was done                    |
 * | leader_assigned       | 领导包案: the leader who takes the case                                   |
 * | risk_action_recorded  | an action taken to resolve the matter                                    |
 * | review_scheduled      | the next review date was set                                             |
 * | review_completed      | the review took place (and the next one was set)                         |
 * | review_overdue        | the review date passed without a review: an alert until one is recorded  |
 * | risk_level_changed    | the risk level changed, with the reason                                  |
 * | risk_estimate_changed | a new estimate of the number of people affected                          |
 * | risk_resolving        | work to resolve the matter is under way                                  |
 * | risk_resolved         | the matter is resolved                                                   |
 *
 * `due` fields are the instant a review becomes overdue: the end of its day in the county.
 */

type At = { at: number };

export type RiskEvent =
  | (At & {
      type: 'risk_reported';
      risk: string;
      kind: RiskKind;
      unit: string;
      matter: string;
      place: string;
      affected: number;
      level: RiskLevel;
      leader: string | null;
      review_on: string | null;
      due: number | null;
      clause: string;
    })
  | (At & { type: 'sign_raised'; text: string; informed: string[]; clause: string })
  | (At & { type: 'sign_handled'; done: string })
  | (At & { type: 'leader_assigned'; leader: string; previous: string | null; clause: string })
  | (At & { type: 'risk_action_recorded'; text: string })
  | (At & { type: 'review_scheduled'; review_on: string; due: number })
  | (At & { type: 'review_completed'; note: string; review_on: string | null; due: number | null })
  | (At & { type: 'review_overdue'; review_on: string; due: number })
  | (At & { type: 'risk_level_changed'; from: RiskLevel; to: RiskLevel; reason: string })
  | (At & { type: 'risk_estimate_changed'; from: number; to: number; reason: string | null })
  | (At & { type: 'risk_resolving'; note: string | null })
  | (At & { type: 'risk_resolved'; note: string });

export type RiskEventType = RiskEvent['type'];

/** Stable codes for the reasons a risk command is refused. */
export type RiskRejectionCode =
  | 'no_risk'
  | 'already_reported'
  | 'resolved'
  | 'unknown_unit'
  | 'not_screening_unit'
  | 'unknown_role'
  | 'same_leader'
  | 'same_level'
  | 'review_in_past'
  | 'review_overdue'
  | 'no_open_sign'
  | 'sign_open'
  | 'wrong_status'
  | 'personal_data';

export interface RiskRejection {
  code: RiskRejectionCode;
  reason: string;
}

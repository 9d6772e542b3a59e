/**
 * The event types of an incident: the only way its state changes. Each event is a fact with
 * the virtual or real time it happened (`at`, epoch ms). Events made by a rule rather than a
 * person carry the plan clause behind them (`clause`), so a timeline can cite it.
 *
 * | type                    | meaning                                                        | clause |
 * |-------------------------|----------------------------------------------------------------|--------|
 * | incident_reported       | an incident opened at a venue, with the plan it runs under      | §2     |
 * | headcount_updated       | the crowd's current size                                         |        |
 * | tier_raised             | the head count moved the incident into a higher police tier     | §4.1   |
 * | behavior_observed       | lingering, charging, banner or sit-in was seen                   | §4.1.1–3 |
 * | guidance_attempted      | staff tried to guide people to the petition bureau              | §4.1 (1) |
 * | guidance_window_expired | the guidance window ran out without success                     | §4.1 (2) |
 * | persuasion_attempted    | principals tried to persuade people to go back                  | §4.1 (2) |
 * | plan_activated          | reported to the working group; the plan is activated            | §4.1 (3) |
 * | summons_issued          | a role is summoned to the venue with a deadline                 | §4.1, §5 |
 * | summons_acknowledged    | a summoned person confirmed and is on the way                   |        |
 * | arrival_recorded        | a summoned person checked in (on time or late)                  | §5     |
 * | departure_recorded      | a person checked out                                            | §4.1.1 |
 * | deadline_missed         | a summons deadline passed without arrival (alert)               | §5     |
 * | summons_stood_down      | the incident was cleared before the summoned person arrived      | §4.1   |
 * | acknowledgement_overdue | nobody acknowledged a summons within the plan's setting (5 min)  | §5.2   |
 * | note_posted             | an on-site update (现场动态)                                     | §5.1   |
 * | update_due              | no on-site update for the plan's interval (alert)               | §5.1   |
 * | evidence_attached       | evidence (a photo, a document) stored with its SHA-256          | §5.1   |
 * | marks_placed            | positions on the venue's site plan (crowd, police…), replacing the last | |
 * | marked_major            | the working group marked the matter major and complex           | §4.2   |
 * | marked_concluded        | the matter's petition procedure has concluded                   | §4.2   |
 * | measure_requested       | a measure was proposed, with its legal basis                    | §5.1   |
 * | measure_approved        | a county leader approved it (before or after the fact)          | §5.1   |
 * | measure_declined        | a county leader declined it, with a reason                      | §5.1   |
 * | measure_taken           | it was carried out; `flagged` when it lacked required approval  | §5.1   |
 * | incident_cleared        | people left the venue; the on-site phase ended                  | §4.1   |
 * | case_opened             | the grievance became a follow-up case on its route              | §4.2   |
 * | incident_closed         | the incident is closed                                          |        |
 * | command_rejected        | a command the rules refused, with the reason; nothing else changed |     |
 */

/** A position on a venue's site plan, as fractions (0–1) of the plan image from the left and the top. */
export interface SiteMark {
  kind: 'crowd' | 'police' | 'staff' | 'command_post';
  x: number;
  y: number;
  label?: string;
}

export type Category = 'claim' | 'suggestion' | 'accusation';
export type BehaviorKind = 'lingering' | 'charging' | 'banner' | 'sit_in';
export type MeasureKind = 'removal' | 'take_items' | 'transfer' | 'warning';
export type SummonsReason = 'unit_summoned' | 'tier_command' | 'tier_assist';
export type ActivationTrigger = 'persuade_failed' | 'escalated' | 'charging';
export type ClearedBy = 'guide' | 'persuade' | 'clear' | 'close';
export type Route =
  | 'discipline_inspection'
  | 'hand_back'
  | 'county_leader_reception'
  | 'joint_reception'
  | 'responsible_unit';

/** A person holding a role. */
export interface Holder {
  id: string;
  name: string;
}

/** Which plan an incident runs under; it keeps running under it even after a newer version. */
export interface PlanRef {
  id: string;
  version: string;
  digest: string;
}

interface At {
  at: number;
}

export type IncidentEvent =
  | (At & {
      type: 'incident_reported';
      incident: string;
      plan: PlanRef;
      venue: string;
      headcount: number;
      units: string[];
      matter: string;
      category: Category;
      behaviors: BehaviorKind[];
      tier: number;
      clause: string;
    })
  | (At & { type: 'headcount_updated'; value: number })
  | (At & { type: 'tier_raised'; from: number; to: number; clause: string })
  | (At & { type: 'behavior_observed'; kind: BehaviorKind; clause: string })
  | (At & { type: 'guidance_attempted'; result: 'succeeded' | 'failed'; clause: string })
  | (At & { type: 'guidance_window_expired'; clause: string })
  | (At & { type: 'persuasion_attempted'; result: 'succeeded' | 'failed'; clause: string })
  | (At & { type: 'plan_activated'; trigger: ActivationTrigger; reason?: string; informed: string[]; clause: string })
  | (At & {
      type: 'summons_issued';
      role: string;
      unit: string;
      reason: SummonsReason;
      deadline: number;
      clause: string;
      /** Who held the role when summoned (duty roles through the roster); added by the server. */
      persons?: Holder[];
    })
  | (At & { type: 'summons_acknowledged'; role: string })
  | (At & { type: 'arrival_recorded'; role: string; on_time: boolean; clause: string; /** Came although stood down (contract §2): recorded, the status stays stood down. */ after_stand_down?: true })
  | (At & { type: 'departure_recorded'; role: string })
  | (At & { type: 'deadline_missed'; role: string; deadline: number; clause: string })
  /** Clearing stands down a summons not yet arrived whose deadline has not passed: no need to come (contract §2). */
  | (At & { type: 'summons_stood_down'; role: string; clause: string })
  /** Nobody acknowledged the summons in time: the unit's deputy and the working group are told (plan setting `discipline.acknowledgement`). */
  | (At & { type: 'acknowledgement_overdue'; role: string; unit: string; summoned_at: number; deadline: number; after: number; notify: string[]; clause: string })
  | (At & { type: 'note_posted'; text: string })
  | (At & { type: 'update_due'; role: string; since: number; clause: string })
  | (At & { type: 'evidence_attached'; attachment: string; sha256: string; name: string; media_type: string; size: number; clause: string })
  | (At & { type: 'marks_placed'; marks: SiteMark[]; site_plan: string })
  | (At & { type: 'marked_major'; reason?: string })
  | (At & { type: 'marked_concluded' })
  | (At & { type: 'measure_requested'; id: string; kind: MeasureKind; basis: string; major: boolean; clause: string })
  | (At & { type: 'measure_approved'; id: string; by: string; after_the_fact: boolean; clause: string })
  | (At & { type: 'measure_declined'; id: string; by: string; reason: string; clause: string })
  | (At & { type: 'measure_taken'; id: string; flagged: boolean; clause: string; /** Why it was taken although a county leader declined it. */ reason?: string })
  | (At & { type: 'incident_cleared'; by: ClearedBy; clause: string })
  | (At & {
      type: 'case_opened';
      case: string;
      route: Route;
      handler: string;
      accept_by: number;
      due: number;
      tracking_code: string;
      clause: string;
    })
  | (At & { type: 'incident_closed' })
  | (At & { type: 'command_rejected'; do: string; code: RejectionCode; reason: string });

export type EventType = IncidentEvent['type'];
export type EventOf<T extends EventType> = Extract<IncidentEvent, { type: T }>;

/** Stable codes for the reasons a command is refused. */
export type RejectionCode =
  | 'no_incident'
  | 'already_reported'
  | 'closed'
  | 'cleared'
  | 'already_activated'
  | 'already_marked'
  | 'not_summoned'
  | 'already_acknowledged'
  | 'already_arrived'
  | 'not_arrived'
  | 'already_left'
  | 'lingering'
  | 'unknown_measure'
  | 'duplicate_measure'
  | 'not_approver'
  | 'already_approved'
  | 'already_declined'
  | 'already_taken'
  | 'declined_needs_reason'
  | 'stood_down'
  | 'duplicate_evidence'
  | 'marks_need_site_plan'
  | 'unknown_id';

/** A refused command: a value, never an exception. */
export interface Rejection {
  code: RejectionCode;
  reason: string;
}

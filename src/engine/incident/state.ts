import type {
  ActivationTrigger,
  BehaviorKind,
  Category,
  ClearedBy,
  Holder,
  MeasureKind,
  PlanRef,
  RejectionCode,
  SiteMark,
  Route,
  SummonsReason,
} from './events.js';

export type SummonsStatus = 'pending' | 'on_time' | 'late' | 'missed' | 'stood_down';

export interface Summons {
  role: string;
  unit: string;
  reason: SummonsReason;
  issuedAt: number;
  deadline: number;
  ackedAt: number | null;
  arrivedAt: number | null;
  leftAt: number | null;
  /** When clearing stood the summons down before arrival (contract §2); an arrival after it is still recorded. */
  stoodDownAt: number | null;
  /** When nobody had acknowledged it within the plan's setting and it was escalated. */
  escalatedAt: number | null;
  status: SummonsStatus;
  /** Who held the role when summoned, where known (server); empty in drills. */
  persons: Holder[];
}

export interface Alert {
  at: number;
  kind: 'deadline_missed' | 'unapproved_measure' | 'update_due';
  role: string | null;
  measure?: string;
}

export interface Measure {
  id: string;
  kind: MeasureKind;
  basis: string;
  major: boolean;
  requestedAt: number;
  approvedBy: string | null;
  approvedAt: number | null;
  declinedBy: string | null;
  declinedAt: number | null;
  declineReason: string | null;
  takenAt: number | null;
  /** Taken without a required approval and not yet approved after the fact (safeguards 2). */
  flagged: boolean;
  /** Taken before its required approval; stays true after a later approval, for accountability. */
  takenWithoutApproval: boolean;
  /** Why it was taken although a county leader declined it. */
  takeReason: string | null;
}

export interface Case {
  id: string;
  route: Route;
  handler: string;
  openedAt: number;
  acceptBy: number;
  due: number;
  trackingCode: string;
  clause: string;
}

export interface RejectedCommand {
  at: number;
  do: string;
  code: RejectionCode;
  reason: string;
}

export interface Evidence {
  at: number;
  attachment: string;
  sha256: string;
  name: string;
  mediaType: string;
  size: number;
}

export type Stage = 'guiding' | 'summoned' | 'activated' | 'cleared' | 'closed';

/** An incident as the engine sees it: everything the rules need, folded from its events. */
export interface IncidentState {
  id: string;
  plan: PlanRef;
  venue: string;
  units: string[];
  matter: string;
  category: Category;
  status: 'open' | 'cleared' | 'closed';
  reportedAt: number;
  headcount: number;
  maxHeadcount: number;
  tier: number;
  tiers: { at: number; tier: number }[];
  behaviors: { at: number; kind: BehaviorKind }[];
  lingering: boolean;
  unitsSummonedAt: number | null;
  activatedAt: number | null;
  activatedBy: ActivationTrigger | null;
  clearedAt: number | null;
  clearedBy: ClearedBy | null;
  closedAt: number | null;
  major: boolean;
  concluded: boolean;
  /** Start of the current silence for the §5.1 on-site update reminder. */
  lastUpdateAt: number | null;
  summons: Summons[];
  alerts: Alert[];
  measures: Measure[];
  cases: Case[];
  rejected: RejectedCommand[];
  /** Evidence collected on site (§5.1): stored by the server, referenced here by hash. */
  evidence: Evidence[];
  /** The latest positions on the venue's site plan, if any were placed; earlier ones are in the log. */
  marks: { at: number; sitePlan: string; marks: SiteMark[] } | null;
  /** Number of events folded so far: the incident's version. */
  version: number;
}

/** The procedure stage shown on the board: guiding → summoned → activated → cleared → closed. */
export function stageOf(s: IncidentState): Stage {
  if (s.status === 'closed') return 'closed';
  if (s.status === 'cleared') return 'cleared';
  if (s.activatedAt !== null) return 'activated';
  if (s.unitsSummonedAt !== null) return 'summoned';
  return 'guiding';
}

/** The summons of a role, if that role was summoned. */
export function summonsOf(s: IncidentState, role: string): Summons | undefined {
  return s.summons.find((x) => x.role === role);
}

import type { Channel, Opinion, Rating, ReviewResult } from './commands.js';
import type { CaseDeadline, CaseEvent, CloseReason } from './events.js';
import type { Category, Route } from '../incident/events.js';

/**
 * Where a case stands (rules.md): registered → accepted (or not accepted) → replied →
 * review → reviewed → second review → closed. Not accepted, handed back and a concluded
 * procedure close it; so does a review window that passes unused.
 */
export type CaseStatus = 'registered' | 'accepted' | 'replied' | 'review' | 'reviewed' | 'second_review' | 'closed';

export interface Forward {
  from: string;
  to: string;
  reason: string;
  at: number;
  objectBy: number;
  objectedAt: number | null;
}

export interface Review {
  level: 1 | 2;
  requestedAt: number;
  decideBy: number;
  decidedAt: number | null;
  result: ReviewResult | null;
  text: string | null;
}

/** A follow-up case's state: built only by `evolveCase` from its events. */
export interface CaseState {
  id: string;
  version: number;
  trackingCode: string;
  incident: string | null;
  plan: { id: string; version: string; digest: string };
  route: Route;
  handler: string;
  clause: string;
  category: Category;
  matter: string;
  /** Units the matter concerns (the accused, for an accusation). */
  units: string[];
  headcount: number;
  representatives: number;
  status: CaseStatus;
  registeredAt: number;
  acceptBy: number;
  decidedAt: number | null;
  acceptedAt: number | null;
  notAccepted: { reason: string; channel: Channel | null } | null;
  /** Handling deadline: exact once accepted (with any extension); before, the latest it can be. */
  due: number;
  extension: { days: number; reason: string; approvedBy: string; at: number } | null;
  forwards: Forward[];
  reception: { on: string; place: string; units: string[]; leader: string | null; scheduledAt: number; heldAt: number | null; summary: string | null } | null;
  handedOver: { to: string; note: string; at: number } | null;
  opinion: { kind: Opinion; channel: Channel | null; text: string; at: number } | null;
  repliedAt: number | null;
  /** Until when the petitioner may ask for (the next) review; null when no window is open. */
  reviewBy: number | null;
  reviews: Review[];
  ratings: { value: Rating; comment: string | null; at: number }[];
  /** Deadline notices already raised, as `reminder:<deadline>@<due>` / `missed:<deadline>@<due>`. */
  notices: string[];
  closedAt: number | null;
  closedBy: CloseReason | null;
  personal: boolean;
  personalErasedAt: number | null;
  personalReads: number;
}

export const noticeKey = (kind: 'reminder' | 'missed', deadline: CaseDeadline, due: number) => `${kind}:${deadline}@${due}`;

/** Applies one event. Pure; the only way a case's state changes. */
export function evolveCase(state: CaseState | null, e: CaseEvent): CaseState {
  if (e.type === 'case_registered') {
    return {
      id: e.case,
      version: 1,
      trackingCode: e.tracking_code,
      incident: e.incident,
      plan: e.plan,
      route: e.route,
      handler: e.handler,
      clause: e.clause,
      category: e.category,
      matter: e.matter,
      units: e.units,
      headcount: e.headcount,
      representatives: e.representatives,
      status: 'registered',
      registeredAt: e.at,
      acceptBy: e.accept_by,
      decidedAt: null,
      acceptedAt: null,
      notAccepted: null,
      due: e.due,
      extension: null,
      forwards: [],
      reception: null,
      handedOver: null,
      opinion: null,
      repliedAt: null,
      reviewBy: null,
      reviews: [],
      ratings: [],
      notices: [],
      closedAt: null,
      closedBy: null,
      personal: e.personal,
      personalErasedAt: null,
      personalReads: 0,
    };
  }
  if (!state) throw new Error(`${e.type} before case_registered`);
  const s: CaseState = { ...state, version: state.version + 1 };
  const lastReview = () => s.reviews.at(-1)!;
  switch (e.type) {
    case 'case_accepted':
      return { ...s, status: 'accepted', decidedAt: e.at, acceptedAt: e.at, due: e.due };
    case 'case_not_accepted':
      return { ...s, decidedAt: e.at, notAccepted: { reason: e.reason, channel: e.channel } };
    case 'case_forwarded':
      return { ...s, handler: e.to, forwards: [...s.forwards, { from: e.from, to: e.to, reason: e.reason, at: e.at, objectBy: e.object_by, objectedAt: null }] };
    case 'case_objected':
      return { ...s, handler: e.back_to, forwards: s.forwards.map((f, i) => (i === s.forwards.length - 1 ? { ...f, objectedAt: e.at } : f)) };
    case 'case_extended':
      return { ...s, due: e.due, extension: { days: e.days, reason: e.reason, approvedBy: e.approved_by, at: e.at } };
    case 'reception_scheduled':
      return { ...s, reception: { on: e.on, place: e.place, units: e.units, leader: e.leader, scheduledAt: e.at, heldAt: null, summary: null } };
    case 'reception_held':
      return { ...s, reception: s.reception && { ...s.reception, heldAt: e.at, summary: e.summary } };
    case 'case_handed_over':
      return { ...s, decidedAt: s.decidedAt ?? e.at, handedOver: { to: e.to, note: e.note, at: e.at } };
    case 'opinion_recorded':
      return { ...s, opinion: { kind: e.kind, channel: e.channel, text: e.text, at: e.at } };
    case 'case_replied':
      return { ...s, status: 'replied', repliedAt: e.at, reviewBy: e.review_by };
    case 'case_rated':
      return { ...s, ratings: [...s.ratings, { value: e.value, comment: e.comment, at: e.at }] };
    case 'review_requested':
      return {
        ...s,
        status: e.level === 1 ? 'review' : 'second_review',
        reviewBy: null,
        reviews: [...s.reviews, { level: e.level, requestedAt: e.at, decideBy: e.decide_by, decidedAt: null, result: null, text: null }],
      };
    case 'review_decided':
      return {
        ...s,
        status: 'reviewed',
        reviewBy: e.review_by,
        reviews: [...s.reviews.slice(0, -1), { ...lastReview(), decidedAt: e.at, result: e.result, text: e.text }],
      };
    case 'case_deadline_reminder':
      return { ...s, notices: [...s.notices, noticeKey('reminder', e.deadline, e.due)] };
    case 'case_deadline_missed':
      return { ...s, notices: [...s.notices, noticeKey('missed', e.deadline, e.due)] };
    case 'case_closed':
      return { ...s, status: 'closed', closedAt: e.at, closedBy: e.reason, reviewBy: null };
    case 'personal_data_read':
      return { ...s, personalReads: s.personalReads + 1 };
    case 'personal_data_erased':
      return { ...s, personalErasedAt: e.at };
  }
}

/** The current handler's open forward, if it may still object. */
export function openForward(s: CaseState, now: number): Forward | null {
  const f = s.forwards.at(-1);
  return f && f.to === s.handler && f.objectedAt === null && now <= f.objectBy ? f : null;
}

import type { RiskKind, RiskLevel, RiskStatus } from './commands.js';
import type { RiskEvent } from './events.js';

/** A sign of a coming petition (上访苗头) and how the working group handled it. */
export interface Sign {
  text: string;
  at: number;
  handledAt: number | null;
  done: string | null;
}

/**
 * A matter in the early-warning register (§6): built only by `evolveRisk` from its events.
 * It has no field about any person: the leader is a role (a position), never a name.
 */
export interface RiskState {
  id: string;
  version: number;
  kind: RiskKind;
  unit: string;
  matter: string;
  place: string;
  affected: number;
  level: RiskLevel;
  /** The role assigned to the case (领导包案), or null while none is. */
  leader: string | null;
  status: RiskStatus;
  reportedAt: number;
  /** The next review: its day in the county and the instant it becomes overdue. */
  review: { on: string; due: number } | null;
  /** Since when the review is overdue (an alert until a review is recorded); null when it is not. */
  overdueSince: number | null;
  actions: { text: string; at: number }[];
  reviews: { note: string; at: number }[];
  signs: Sign[];
  resolvedAt: number | null;
  updatedAt: number;
}

/** Applies one event. Pure; the only way a risk's state changes. */
export function evolveRisk(state: RiskState | null, e: RiskEvent): RiskState {
  if (e.type === 'risk_reported') {
    return {
      id: e.risk,
      version: 1,
      kind: e.kind,
      unit: e.unit,
      matter: e.matter,
      place: e.place,
      affected: e.affected,
      level: e.level,
      leader: e.leader,
      status: 'open',
      reportedAt: e.at,
      review: e.review_on !== null && e.due !== null ? { on: e.review_on, due: e.due } : null,
      overdueSince: null,
      actions: [],
      reviews: [],
      signs: [],
      resolvedAt: null,
      updatedAt: e.at,
    };
  }
  if (!state) throw new Error(`${e.type} before risk_reported`);
  const s: RiskState = { ...state, version: state.version + 1, updatedAt: Math.max(state.updatedAt, e.at) };
  switch (e.type) {
    case 'sign_raised':
      return { ...s, signs: [...s.signs, { text: e.text, at: e.at, handledAt: null, done: null }] };
    case 'sign_handled':
      return { ...s, signs: s.signs.map((g, i) => (i === s.signs.length - 1 ? { ...g, handledAt: e.at, done: e.done } : g)) };
    case 'leader_assigned':
      return { ...s, leader: e.leader };
    case 'risk_action_recorded':
      return { ...s, actions: [...s.actions, { text: e.text, at: e.at }] };
    case 'review_scheduled':
      return { ...s, review: { on: e.review_on, due: e.due } };
    case 'review_completed':
      return {
        ...s,
        reviews: [...s.reviews, { note: e.note, at: e.at }],
        review: e.review_on !== null && e.due !== null ? { on: e.review_on, due: e.due } : null,
        overdueSince: null,
      };
    case 'review_overdue':
      return { ...s, overdueSince: e.at };
    case 'risk_level_changed':
      return { ...s, level: e.to };
    case 'risk_estimate_changed':
      return { ...s, affected: e.to };
    case 'risk_resolving':
      return { ...s, status: 'resolving' };
    case 'risk_resolved':
      // A resolved matter needs no further review: its review alert ends with it.
      return { ...s, status: 'resolved', resolvedAt: e.at, review: null, overdueSince: null };
  }
}

/** The sign still waiting for the working group, if any. */
export function openSign(s: RiskState): Sign | null {
  const last = s.signs.at(-1);
  return last && last.handledAt === null ? last : null;
}

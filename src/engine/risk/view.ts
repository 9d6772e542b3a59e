import { openSign, type RiskState } from './state.js';

type Time = (ms: number) => string;
const opt = (t: Time, ms: number | null) => (ms === null ? null : t(ms));

/** How the register orders levels: high first. */
export const LEVEL_RANK = { high: 3, medium: 2, low: 1 } as const;

/** A matter of the early-warning register as the API shows it (times in the county's zone). Pure. */
export function riskView(s: RiskState, t: Time) {
  const sign = openSign(s);
  return {
    id: s.id,
    kind: s.kind,
    unit: s.unit,
    matter: s.matter,
    place: s.place,
    affected: s.affected,
    level: s.level,
    leader: s.leader,
    status: s.status,
    reported_at: t(s.reportedAt),
    next_review: s.review && { on: s.review.on, due: t(s.review.due) },
    /** The review date passed without a review: an alert until one is recorded. */
    overdue: s.overdueSince !== null,
    overdue_since: opt(t, s.overdueSince),
    open_sign: sign && { text: sign.text, at: t(sign.at) },
    signs: s.signs.map((g) => ({ text: g.text, at: t(g.at), handled_at: opt(t, g.handledAt), done: g.done })),
    actions: s.actions.map((a) => ({ text: a.text, at: t(a.at) })),
    reviews: s.reviews.map((r) => ({ note: r.note, at: t(r.at) })),
    resolved_at: opt(t, s.resolvedAt),
    updated_at: t(s.updatedAt),
    version: s.version,
  };
}

export type RiskView = ReturnType<typeof riskView>;

/** One alert for the board: an open sign of a coming petition, or an overdue review. */
export interface RiskAlert {
  kind: 'sign' | 'review_overdue';
  risk: string;
  unit: string;
  matter: string;
  place: string;
  affected: number;
  level: RiskState['level'];
  leader: string | null;
  /** The sign's text, or the day the review was due. */
  detail: string;
  since: string;
}

/** The alerts a risk raises now: its open sign, its overdue review. Pure. */
export function riskAlerts(s: RiskState, t: Time): RiskAlert[] {
  const base = { risk: s.id, unit: s.unit, matter: s.matter, place: s.place, affected: s.affected, level: s.level, leader: s.leader };
  const alerts: RiskAlert[] = [];
  const sign = openSign(s);
  if (sign) alerts.push({ kind: 'sign', ...base, detail: sign.text, since: t(sign.at) });
  if (s.overdueSince !== null && s.status !== 'resolved') alerts.push({ kind: 'review_overdue', ...base, detail: s.review?.on ?? '', since: t(s.overdueSince) });
  return alerts;
}

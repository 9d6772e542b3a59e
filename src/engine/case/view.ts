import { runningDeadline } from './decider.js';
import type { CaseState } from './state.js';

type Time = (ms: number) => string;
const opt = (t: Time, ms: number | null) => (ms === null ? null : t(ms));

/** The case as its handlers see it (times formatted in the county's zone). Pure. */
export function caseView(s: CaseState, t: Time, now: number) {
  const running = runningDeadline(s);
  return {
    id: s.id,
    tracking_code: s.trackingCode,
    incident: s.incident,
    route: s.route,
    handler: s.handler,
    clause: s.clause,
    category: s.category,
    matter: s.matter,
    units: s.units,
    headcount: s.headcount,
    representatives: s.representatives,
    status: s.status,
    registered_at: t(s.registeredAt),
    accept_by: t(s.acceptBy),
    decided_at: opt(t, s.decidedAt),
    accepted_at: opt(t, s.acceptedAt),
    not_accepted: s.notAccepted,
    due: s.acceptedAt === null ? null : t(s.due),
    extension: s.extension && { days: s.extension.days, reason: s.extension.reason, approved_by: s.extension.approvedBy, at: t(s.extension.at) },
    forwards: s.forwards.map((f) => ({ from: f.from, to: f.to, reason: f.reason, at: t(f.at), object_by: t(f.objectBy), objected_at: opt(t, f.objectedAt) })),
    reception: s.reception && {
      on: s.reception.on,
      place: s.reception.place,
      units: s.reception.units,
      leader: s.reception.leader,
      scheduled_at: t(s.reception.scheduledAt),
      held_at: opt(t, s.reception.heldAt),
      summary: s.reception.summary,
    },
    handed_over: s.handedOver && { to: s.handedOver.to, note: s.handedOver.note, at: t(s.handedOver.at) },
    opinion: s.opinion && { kind: s.opinion.kind, channel: s.opinion.channel, text: s.opinion.text, at: t(s.opinion.at) },
    replied_at: opt(t, s.repliedAt),
    review_by: opt(t, s.reviewBy),
    reviews: s.reviews.map((r) => ({ level: r.level, requested_at: t(r.requestedAt), decide_by: t(r.decideBy), decided_at: opt(t, r.decidedAt), result: r.result, text: r.text })),
    ratings: s.ratings.map((r) => ({ value: r.value, comment: r.comment, at: t(r.at) })),
    deadline: running && { kind: running.deadline, due: t(running.due), overdue: now > running.due },
    closed_at: opt(t, s.closedAt),
    closed_by: s.closedBy,
    personal: s.personal && s.personalErasedAt === null,
    personal_erased_at: opt(t, s.personalErasedAt),
    version: s.version,
  };
}

/**
 * What the petitioner sees by tracking code (Art. 18, 21): status, dates, the handling unit,
 * the kind of answer. No personal data and not the matter's text, so a code that leaks reveals
 * nothing about the person. Pure.
 */
export function publicCaseView(s: CaseState, t: Time) {
  const answered = Math.max(s.repliedAt ?? 0, ...s.reviews.map((r) => r.decidedAt ?? 0));
  return {
    tracking_code: s.trackingCode,
    status: s.status,
    route: s.route,
    handler: s.handler,
    registered_at: t(s.registeredAt),
    accept_by: t(s.acceptBy),
    accepted_at: opt(t, s.acceptedAt),
    not_accepted: s.notAccepted && { reason: s.notAccepted.reason, channel: s.notAccepted.channel, at: t(s.decidedAt!) },
    forwarded_at: s.forwards.length ? t(s.forwards.at(-1)!.at) : null,
    due: s.acceptedAt === null ? null : t(s.due),
    extension: s.extension && { days: s.extension.days, reason: s.extension.reason, at: t(s.extension.at) },
    reception: s.reception && { on: s.reception.on, place: s.reception.place, held: s.reception.heldAt !== null },
    opinion: s.repliedAt === null || !s.opinion ? null : { kind: s.opinion.kind, channel: s.opinion.channel, text: s.opinion.text },
    replied_at: opt(t, s.repliedAt),
    review_by: opt(t, s.reviewBy),
    reviews: s.reviews.map((r) => ({ level: r.level, requested_at: t(r.requestedAt), decide_by: t(r.decideBy), decided_at: opt(t, r.decidedAt), result: r.result })),
    handed_over_at: s.handedOver ? t(s.handedOver.at) : null,
    closed_at: opt(t, s.closedAt),
    closed_by: s.closedBy,
    rating: s.ratings.at(-1)?.value ?? null,
    can_rate: s.repliedAt !== null && !s.ratings.some((r) => r.at >= answered),
  };
}

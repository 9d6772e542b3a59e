import { TIME_FIELDS } from '../county-time.js';
import type { IncidentEvent } from './events.js';
import { stageOf, type IncidentState } from './state.js';

/** Turns an instant into the text the reader wants (ISO with the scenario's or county's offset). */
export type TimeFormat = (ms: number) => string;

/**
 * The incident as the outside contract shows it (contract §3 and §5): the same fields in the
 * drill's JSON and the API's incident view. Pure.
 */
export function incidentView(s: IncidentState, t: TimeFormat) {
  const opt = (ms: number | null) => (ms === null ? null : t(ms));
  return {
    incident: {
      id: s.id,
      venue: s.venue,
      status: s.status,
      stage: stageOf(s),
      headcount: s.headcount,
      max_headcount: s.maxHeadcount,
      tier: s.tier,
      units: s.units,
      matter: s.matter,
      category: s.category,
      major: s.major,
      concluded: s.concluded,
      lingering: s.lingering,
      reported_at: t(s.reportedAt),
      activated_at: opt(s.activatedAt),
      cleared_at: opt(s.clearedAt),
      closed_at: opt(s.closedAt),
      plan: s.plan,
      version: s.version,
    },
    summons: s.summons.map((x) => ({
      role: x.role,
      unit: x.unit,
      reason: x.reason,
      issued_at: t(x.issuedAt),
      deadline: t(x.deadline),
      acked_at: opt(x.ackedAt),
      arrived_at: opt(x.arrivedAt),
      left_at: opt(x.leftAt),
      stood_down_at: opt(x.stoodDownAt),
      status: x.status,
      persons: x.persons,
    })),
    tiers: s.tiers.map((x) => ({ at: t(x.at), tier: x.tier })),
    alerts: s.alerts.map((a) => ({ at: t(a.at), kind: a.kind, role: a.role, ...(a.measure ? { measure: a.measure } : {}) })),
    measures: s.measures.map((m) => ({
      id: m.id,
      kind: m.kind,
      basis: m.basis,
      major: m.major,
      requested_at: t(m.requestedAt),
      approved_by: m.approvedBy,
      approved_at: opt(m.approvedAt),
      declined_by: m.declinedBy,
      declined_at: opt(m.declinedAt),
      decline_reason: m.declineReason,
      taken_at: opt(m.takenAt),
      take_reason: m.takeReason,
      flagged: m.flagged,
      taken_without_approval: m.takenWithoutApproval,
    })),
    evidence: s.evidence.map((e) => ({ at: t(e.at), attachment: e.attachment, sha256: e.sha256, name: e.name, media_type: e.mediaType, size: e.size })),
    rejected: s.rejected.map((r) => ({ at: t(r.at), do: r.do, code: r.code, reason: r.reason })),
    // Only when marks were placed, so the contract JSON of incidents without them is unchanged.
    ...(s.marks ? { marks: { at: t(s.marks.at), site_plan: s.marks.sitePlan, marks: s.marks.marks } } : {}),
    cases: s.cases.map((c) => ({
      id: c.id,
      route: c.route,
      handler: c.handler,
      opened_at: t(c.openedAt),
      accept_by: t(c.acceptBy),
      due: t(c.due),
      tracking_code: c.trackingCode,
      clause: c.clause,
    })),
  };
}
export type IncidentView = ReturnType<typeof incidentView>;

export interface UnitAccountability {
  unit: string;
  summoned: number;
  on_time: number;
  late: number;
  missed: number;
  /** Stood down when the incident was cleared before they arrived: neither late nor missed. */
  stood_down: number;
  pending: number;
}

/** Per-unit summons outcomes (§5.2), in the order units were first summoned. Pure. */
export function accountability(s: IncidentState): UnitAccountability[] {
  const rows = new Map<string, UnitAccountability>();
  for (const x of s.summons) {
    let row = rows.get(x.unit);
    if (!row) rows.set(x.unit, (row = { unit: x.unit, summoned: 0, on_time: 0, late: 0, missed: 0, stood_down: 0, pending: 0 }));
    row.summoned++;
    row[x.status]++;
  }
  return [...rows.values()];
}

/** An event as the contract lists it: `seq`, ISO `at`, `type`, then its own fields. Pure. */
export function eventView(seq: number, e: IncidentEvent, t: TimeFormat): Record<string, unknown> {
  const out: Record<string, unknown> = { seq, at: t(e.at), type: e.type };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'at' || k === 'type') continue;
    out[k] = TIME_FIELDS.has(k) && typeof v === 'number' ? t(v) : v;
  }
  return out;
}

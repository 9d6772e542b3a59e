import type { IncidentEvent } from './events.js';
import type { IncidentState, Summons } from './state.js';

/**
 * Applies one event to the state. Pure and total: it never throws and never decides; it only
 * records what the event says happened. `null` is the state before `incident_reported`.
 */
export function evolve(state: IncidentState | null, event: IncidentEvent): IncidentState {
  if (event.type === 'incident_reported') {
    return {
      id: event.incident,
      plan: event.plan,
      venue: event.venue,
      units: event.units,
      matter: event.matter,
      category: event.category,
      status: 'open',
      reportedAt: event.at,
      headcount: event.headcount,
      maxHeadcount: event.headcount,
      tier: event.tier,
      tiers: [{ at: event.at, tier: event.tier }],
      behaviors: [],
      lingering: false,
      unitsSummonedAt: null,
      activatedAt: null,
      activatedBy: null,
      clearedAt: null,
      clearedBy: null,
      closedAt: null,
      major: false,
      concluded: false,
      lastUpdateAt: null,
      summons: [],
      alerts: [],
      measures: [],
      cases: [],
      rejected: [],
      evidence: [],
      marks: null,
      version: 1,
    };
  }
  if (!state) return state as never; // events before a report cannot be produced by `decide`
  const s: IncidentState = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'headcount_updated':
      s.headcount = event.value;
      s.maxHeadcount = Math.max(s.maxHeadcount, event.value);
      return s;
    case 'tier_raised':
      s.tier = event.to;
      s.tiers = [...s.tiers, { at: event.at, tier: event.to }];
      return s;
    case 'behavior_observed':
      s.behaviors = [...s.behaviors, { at: event.at, kind: event.kind }];
      if (event.kind === 'lingering') s.lingering = true;
      return s;
    case 'guidance_attempted':
    case 'guidance_window_expired':
    case 'persuasion_attempted':
      return s;
    case 'plan_activated':
      s.activatedAt = event.at;
      s.activatedBy = event.trigger;
      s.lastUpdateAt = event.at;
      return s;
    case 'summons_issued': {
      const summons: Summons = {
        role: event.role,
        unit: event.unit,
        reason: event.reason,
        issuedAt: event.at,
        deadline: event.deadline,
        ackedAt: null,
        arrivedAt: null,
        leftAt: null,
        stoodDownAt: null,
        escalatedAt: null,
        status: 'pending',
        persons: event.persons ?? [],
      };
      s.summons = [...s.summons, summons];
      if (event.reason === 'unit_summoned' && s.unitsSummonedAt === null) s.unitsSummonedAt = event.at;
      return s;
    }
    case 'summons_acknowledged':
      s.summons = patch(s.summons, event.role, { ackedAt: event.at });
      return s;
    case 'arrival_recorded': {
      // An arrival after the stand-down is recorded; the summons stays stood down (contract §2).
      const stood = s.summons.find((x) => x.role === event.role)?.status === 'stood_down';
      s.summons = patch(s.summons, event.role, stood ? { arrivedAt: event.at } : { arrivedAt: event.at, status: event.on_time ? 'on_time' : 'late' });
      return s;
    }
    case 'departure_recorded':
      s.summons = patch(s.summons, event.role, { leftAt: event.at });
      return s;
    case 'deadline_missed':
      s.summons = patch(s.summons, event.role, { status: 'missed' });
      s.alerts = [...s.alerts, { at: event.at, kind: 'deadline_missed', role: event.role }];
      return s;
    case 'acknowledgement_overdue':
      s.summons = patch(s.summons, event.role, { escalatedAt: event.at });
      return s;
    case 'summons_stood_down':
      s.summons = patch(s.summons, event.role, { status: 'stood_down', stoodDownAt: event.at });
      return s;
    case 'note_posted':
      s.lastUpdateAt = event.at;
      return s;
    case 'update_due':
      s.lastUpdateAt = event.at;
      s.alerts = [...s.alerts, { at: event.at, kind: 'update_due', role: event.role }];
      return s;
    case 'evidence_attached':
      s.evidence = [
        ...s.evidence,
        { at: event.at, attachment: event.attachment, sha256: event.sha256, name: event.name, mediaType: event.media_type, size: event.size },
      ];
      return s;
    case 'marks_placed':
      s.marks = { at: event.at, sitePlan: event.site_plan, marks: event.marks };
      return s;
    case 'marked_major':
      s.major = true;
      return s;
    case 'marked_concluded':
      s.concluded = true;
      return s;
    case 'measure_requested':
      s.measures = [
        ...s.measures,
        {
          id: event.id,
          kind: event.kind,
          basis: event.basis,
          major: event.major,
          requestedAt: event.at,
          approvedBy: null,
          approvedAt: null,
          declinedBy: null,
          declinedAt: null,
          declineReason: null,
          takenAt: null,
          flagged: false,
          takenWithoutApproval: false,
          takeReason: null,
        },
      ];
      return s;
    case 'measure_approved':
      s.measures = s.measures.map((m) =>
        m.id === event.id ? { ...m, approvedBy: event.by, approvedAt: event.at, flagged: false } : m,
      );
      return s;
    case 'measure_declined':
      s.measures = s.measures.map((m) =>
        m.id === event.id ? { ...m, declinedBy: event.by, declinedAt: event.at, declineReason: event.reason } : m,
      );
      return s;
    case 'measure_taken':
      s.measures = s.measures.map((m) =>
        m.id === event.id ? { ...m, takenAt: event.at, flagged: event.flagged, takenWithoutApproval: event.flagged, takeReason: event.reason ?? null } : m,
      );
      if (event.flagged) s.alerts = [...s.alerts, { at: event.at, kind: 'unapproved_measure', role: null, measure: event.id }];
      return s;
    case 'incident_cleared':
      s.status = 'cleared';
      s.clearedAt = event.at;
      s.clearedBy = event.by;
      s.lingering = false;
      return s;
    case 'case_opened':
      s.cases = [
        ...s.cases,
        {
          id: event.case,
          route: event.route,
          handler: event.handler,
          openedAt: event.at,
          acceptBy: event.accept_by,
          due: event.due,
          trackingCode: event.tracking_code,
          clause: event.clause,
        },
      ];
      return s;
    case 'incident_closed':
      s.status = 'closed';
      s.closedAt = event.at;
      return s;
    case 'command_rejected':
      s.rejected = [...s.rejected, { at: event.at, do: event.do, code: event.code, reason: event.reason }];
      return s;
  }
}

function patch(list: Summons[], role: string, change: Partial<Summons>): Summons[] {
  return list.map((x) => (x.role === role ? { ...x, ...change } : x));
}

/** Folds a whole event log into a state. Pure. */
export function replay(events: readonly IncidentEvent[]): IncidentState | null {
  let state: IncidentState | null = null;
  for (const e of events) state = evolve(state, e);
  return state;
}

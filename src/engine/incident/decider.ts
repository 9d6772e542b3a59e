import { arrivalClause, tierFor, type Plan } from '../../plan/plan.js';
import type { Command, CommandOf } from './commands.js';
import { Emitter } from './emitter.js';
import type { IncidentEvent, Rejection, RejectionCode, SiteMark } from './events.js';
import { evolve } from './evolve.js';
import { activate, clear, observe, raiseTier, summonUnits } from './rules.js';
import { summonsOf, type IncidentState } from './state.js';

/** What the engine needs besides state and command: the plan, the clock and an id source. */
export interface DecideContext {
  readonly plan: Plan;
  /** The current time, epoch ms: virtual in a drill, real on a server. */
  readonly now: number;
  /** New unique ids; injected so drills are reproducible. */
  readonly newId: (kind: 'incident' | 'case' | 'tracking') => string;
}

export type Decision = { ok: true; events: IncidentEvent[] } | { ok: false; rejection: Rejection };

const AFTER_CLOSE = new Set(['ack', 'arrive', 'leave', 'note', 'attach', 'approve_measure', 'decline_measure']);

const reject = (code: RejectionCode, reason: string): Decision => ({ ok: false, rejection: { code, reason } });

/**
 * Decides what a command means under the plan: the events it produces, or a rejection with
 * a reason. Pure: no I/O, no clock, no randomness of its own. Never throws for any command
 * that passed the command schema.
 */
export function decide(state: IncidentState | null, command: Command, ctx: DecideContext): Decision {
  if (command.do === 'report') {
    if (state) return reject('already_reported', 'this incident has already been reported');
    return report(command, ctx);
  }
  if (!state) return reject('no_incident', 'no incident has been reported yet');
  // A closed incident takes no more handling, but its record can still be completed:
  // attendance (late is late), notes, and approval of a measure after the fact.
  if (state.status === 'closed' && !AFTER_CLOSE.has(command.do)) {
    return reject('closed', 'the incident is closed');
  }
  const em = new Emitter(state, ctx);
  const refusal = apply(em, command);
  if (refusal) return { ok: false, rejection: refusal };
  return { ok: true, events: em.events };
}

/** The event that records a refused command (contract §1: recorded, state otherwise unchanged). */
export function rejectionEvent(command: { do: string }, rejection: Rejection, at: number): IncidentEvent {
  return { type: 'command_rejected', at, do: command.do, code: rejection.code, reason: rejection.reason };
}

function report(c: CommandOf<'report'>, ctx: DecideContext): Decision {
  const { plan } = ctx;
  if (!plan.venues.has(c.venue)) return reject('unknown_id', `unknown venue "${c.venue}"`);
  const unknown = c.units.find((u) => !plan.units.has(u));
  if (unknown) return reject('unknown_id', `unknown unit "${unknown}"`);
  const units = [...new Set(c.units)];
  const reported: IncidentEvent = {
    type: 'incident_reported',
    at: ctx.now,
    incident: ctx.newId('incident'),
    plan: { id: plan.id, version: plan.version, digest: plan.digest },
    venue: c.venue,
    headcount: c.headcount,
    units,
    matter: c.matter,
    category: c.category ?? 'claim',
    behaviors: c.behaviors ?? [],
    tier: tierFor(plan, c.headcount),
    clause: plan.file.scope.clause,
  };
  if (c.marks && !c.site_plan) return reject('marks_need_site_plan', 'marks are placed on a site plan: name its SHA-256 (site_plan)');
  const em = new Emitter(evolve(null, reported), ctx);
  em.events.push(reported);
  if (c.marks && c.site_plan) em.emit({ type: 'marks_placed', marks: c.marks.map(markOf), site_plan: c.site_plan });
  for (const kind of new Set(c.behaviors ?? [])) observe(em, kind);
  return { ok: true, events: em.events };
}

/** Applies a command to an existing incident; returns a rejection or undefined when accepted. */
function apply(em: Emitter, c: Exclude<Command, { do: 'report' }>): Rejection | undefined {
  const s = em.state;
  const { plan } = em.ctx;
  const onSite = s.status === 'open';
  const cleared = { code: 'cleared', reason: 'the people have left and the on-site phase has ended' } as const;

  switch (c.do) {
    case 'headcount': {
      if (!onSite) return cleared;
      em.emit({ type: 'headcount_updated', value: c.value });
      raiseTier(em, c.value);
      return;
    }
    case 'behavior': {
      if (!onSite) return cleared;
      observe(em, c.kind);
      return;
    }
    case 'guide': {
      if (!onSite) return cleared;
      em.emit({ type: 'guidance_attempted', result: c.result, clause: plan.file.on_site.procedure.guide.clause });
      if (c.result === 'succeeded') clear(em, 'guide');
      else if (plan.summonTriggers.has('guide_failed')) summonUnits(em);
      return;
    }
    case 'persuade': {
      if (!onSite) return cleared;
      em.emit({ type: 'persuasion_attempted', result: c.result, clause: plan.file.on_site.procedure.summon.clause });
      if (c.result === 'succeeded') clear(em, 'persuade');
      else if (plan.activationTriggers.has('persuade_failed')) activate(em, 'persuade_failed');
      return;
    }
    case 'escalate': {
      if (!onSite) return cleared;
      if (s.activatedAt !== null) return { code: 'already_activated', reason: 'the plan is already activated' };
      activate(em, 'escalated', c.reason);
      return;
    }
    case 'ack': {
      const summons = summonsOf(s, c.role);
      if (!summons) return notSummoned(c.role);
      if (summons.arrivedAt !== null) return { code: 'already_arrived', reason: `${c.role} has already arrived` };
      if (summons.status === 'stood_down') return { code: 'stood_down', reason: `${c.role} was stood down when the incident was cleared: no need to come` };
      if (summons.ackedAt !== null) return { code: 'already_acknowledged', reason: `${c.role} has already acknowledged` };
      em.emit({ type: 'summons_acknowledged', role: c.role });
      return;
    }
    case 'arrive': {
      const summons = summonsOf(s, c.role);
      if (!summons) return notSummoned(c.role);
      if (summons.arrivedAt !== null) return { code: 'already_arrived', reason: `${c.role} has already arrived` };
      // An arrival at the deadline itself is on time (contract §3).
      em.emit({
        type: 'arrival_recorded',
        role: c.role,
        on_time: em.ctx.now <= summons.deadline,
        clause: arrivalClause(plan, summons.unit),
        ...(summons.status === 'stood_down' ? { after_stand_down: true as const } : {}),
      });
      return;
    }
    case 'leave': {
      const summons = summonsOf(s, c.role);
      if (!summons) return notSummoned(c.role);
      if (summons.arrivedAt === null) return { code: 'not_arrived', reason: `${c.role} has not checked in` };
      if (summons.leftAt !== null) return { code: 'already_left', reason: `${c.role} has already checked out` };
      const principal = s.units.some((u) => c.role === `${u}/${plan.summonPosition}`);
      if (principal && s.lingering && plan.file.on_site.situations.lingering.principal_stays) {
        return {
          code: 'lingering',
          reason: 'people are still lingering at the venue: the responsible unit\'s principal stays on site until they have left (§4.1.1)',
        };
      }
      em.emit({ type: 'departure_recorded', role: c.role });
      return;
    }
    case 'note': {
      em.emit({ type: 'note_posted', text: c.text });
      return;
    }
    case 'attach': {
      if (s.evidence.some((x) => x.attachment === c.attachment)) return { code: 'duplicate_evidence', reason: 'this attachment is already recorded' };
      em.emit({
        type: 'evidence_attached',
        attachment: c.attachment,
        sha256: c.sha256,
        name: c.name,
        media_type: c.media_type,
        size: c.size,
        clause: plan.file.discipline.reports.clause,
      });
      return;
    }
    case 'place': {
      // Positions describe the people on site: once they have left there is nothing to place.
      if (!onSite) return cleared;
      em.emit({ type: 'marks_placed', marks: c.marks.map(markOf), site_plan: c.site_plan });
      return;
    }
    case 'mark_major':
    case 'mark_concluded': {
      if (!onSite) return cleared;
      const already = c.do === 'mark_major' ? s.major : s.concluded;
      if (already) return { code: 'already_marked', reason: `the matter is already marked ${c.do === 'mark_major' ? 'major' : 'concluded'}` };
      if (c.do === 'mark_major') em.emit({ type: 'marked_major', ...(c.reason ? { reason: c.reason } : {}) });
      else em.emit({ type: 'marked_concluded' });
      return;
    }
    case 'request_measure': {
      if (!onSite) return cleared;
      if (s.measures.some((m) => m.id === c.id)) return { code: 'duplicate_measure', reason: `measure "${c.id}" already exists` };
      em.emit({
        type: 'measure_requested',
        id: c.id,
        kind: c.kind,
        basis: c.basis,
        major: plan.majorMeasures.has(c.kind),
        clause: plan.file.discipline.measures.clause,
      });
      return;
    }
    case 'approve_measure':
    case 'decline_measure': {
      const m = s.measures.find((x) => x.id === c.id);
      if (!m) return { code: 'unknown_measure', reason: `no measure "${c.id}" was requested` };
      // §5.1: only a county party-committee or county-government leader decides on measures.
      if (!plan.approvers.has(c.by)) {
        return {
          code: 'not_approver',
          reason: `${c.by} may not ${c.do === 'approve_measure' ? 'approve measures' : 'decide on measures'}: only a leader of the county party committee or the county government may (${[...plan.approvers].join(', ')}; §5.1)`,
        };
      }
      if (m.approvedAt !== null) return { code: 'already_approved', reason: `measure "${c.id}" is already approved` };
      if (m.declinedAt !== null) return { code: 'already_declined', reason: `measure "${c.id}" was declined` };
      const clause = plan.file.discipline.measures.clause;
      if (c.do === 'approve_measure') {
        em.emit({ type: 'measure_approved', id: c.id, by: c.by, after_the_fact: m.takenAt !== null, clause });
      } else {
        em.emit({ type: 'measure_declined', id: c.id, by: c.by, reason: c.reason, clause });
      }
      return;
    }
    case 'take_measure': {
      if (!onSite) return cleared;
      const m = s.measures.find((x) => x.id === c.id);
      if (!m) return { code: 'unknown_measure', reason: `no measure "${c.id}" was requested` };
      if (m.takenAt !== null) return { code: 'already_taken', reason: `measure "${c.id}" was already taken` };
      // A measure a county leader declined is taken only with a reason, and flagged like an unapproved one.
      const declined = m.declinedAt !== null;
      if (declined && !c.reason) return { code: 'declined_needs_reason', reason: `measure "${c.id}" was declined by ${m.declinedBy}; taking it anyway needs a reason (§5.1)` };
      // §5.1: a major measure needs prior approval; without it, it is recorded and flagged.
      em.emit({
        type: 'measure_taken',
        id: c.id,
        flagged: declined || (m.major && m.approvedAt === null),
        clause: plan.file.discipline.measures.clause,
        ...(declined ? { reason: c.reason } : {}),
      });
      return;
    }
    case 'clear': {
      if (!onSite) return cleared;
      clear(em, 'clear');
      return;
    }
    case 'close': {
      if (onSite) clear(em, 'close');
      em.emit({ type: 'incident_closed' });
      return;
    }
  }
}

/** A mark as the event keeps it: the label only when there is one. */
function markOf(m: SiteMark): SiteMark {
  return { kind: m.kind, x: m.x, y: m.y, ...(m.label ? { label: m.label } : {}) };
}

function notSummoned(role: string): Rejection {
  return { code: 'not_summoned', reason: `${role} has not been summoned to this incident` };
}

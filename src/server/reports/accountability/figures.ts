import type { IncidentState, Measure, Summons, SummonsStatus } from '../../../engine/incident/state.js';
import type { UnitAccountability } from '../../../engine/incident/view.js';
import { countyTime } from '../../../engine/county-time.js';
import { t as word } from '../../../i18n/messages.js';
import { MINUTE } from '../../../plan/duration.js';
import { roleName, unitName, unitOf, type Plan } from '../../../plan/plan.js';
import type { CasesTable } from '../../../store/schema.js';
import { inPeriod, type Period } from './period.js';

/*
 * Accountability figures (§5.2, safeguards 2 and 3): per unit, how summons ended and how long
 * arrivals took; measures taken without prior approval; case deadline compliance (rules.md,
 * Art. 22, 34, 43–45). Everything here is pure: rows in, figures out, so every number can be
 * checked on known inputs. Drills never reach these functions: they run in memory and are
 * never stored, and only stored incidents and cases are read.
 */

/** The columns of a case row the figures need (times epoch ms). */
export type CaseRecord = Pick<
  CasesTable,
  'id' | 'incident_id' | 'route' | 'handler' | 'category' | 'status' | 'opened_at' | 'accept_by' | 'decided_at' | 'accepted_at' | 'due' | 'replied_at' | 'closed_at'
>;

export interface Names {
  zh: string;
  en: string;
}

/** How a deadline ended: met, met late, passed with nothing done, still running, or not applicable. */
export type DeadlineOutcome = 'on_time' | 'late' | 'overdue' | 'pending' | 'closed';

/** Counts of deadline outcomes and the share met, of those decided (met, late or overdue). */
export interface Compliance {
  on_time: number;
  late: number;
  overdue: number;
  pending: number;
  /** on_time / (on_time + late + overdue), 4 decimals; null when none is decided. */
  rate: number | null;
}

/** One unit's summons figures in a period: the counts of an incident's accountability, summed, and how fast they came. */
export interface UnitFigures extends UnitAccountability {
  name: Names;
  /** on_time / (on_time + late + missed), 4 decimals; null when none is decided. */
  on_time_rate: number | null;
  /** Minutes from summons to arrival, of those who arrived (on time or late), to 0.1 min. */
  median_minutes: number | null;
  p90_minutes: number | null;
  /** Measures taken without prior approval that this unit took (or commanded, see `measureUnit`). */
  unapproved_measures: number;
}

/** A summons that was late or missed, for the list with links to its incident. */
export interface SummonsRecord {
  incident: string;
  venue: string;
  venue_name: Names;
  unit: string;
  unit_name: Names;
  role: string;
  role_name: Names;
  reason: Summons['reason'];
  issued_at: string;
  deadline: string;
  arrived_at: string | null;
  status: SummonsStatus;
  /** Minutes past the deadline at arrival; null for a summons never answered. */
  minutes_over: number | null;
}

/** A measure taken before its required approval (safeguards 2). */
export interface MeasureRecord {
  incident: string;
  venue: string;
  venue_name: Names;
  measure: string;
  kind: Measure['kind'];
  kind_name: Names;
  basis: string;
  /** The unit held to account: whoever recorded taking it, else the commander of the tier then. */
  unit: string | null;
  unit_name: Names | null;
  taken_at: string;
  approved_by: string | null;
  approved_at: string | null;
  /** Still without approval (not approved after the fact). */
  flagged: boolean;
}

/** Case deadline compliance of one handling unit. */
export interface CaseFigures {
  unit: string;
  name: Names;
  cases: number;
  /** Acceptance decided within 15 days of registration (Art. 22–23). */
  acceptance: Compliance;
  /** Reply within 60 days of acceptance, extension included (Art. 34). */
  handling: Compliance;
}

/** A case past a deadline, for the list. */
export interface CaseRecordView {
  id: string;
  incident: string | null;
  unit: string;
  name: Names;
  handler: string;
  opened_at: string;
  accept_by: string;
  acceptance: DeadlineOutcome;
  due: string;
  handling: DeadlineOutcome | null;
}

/** Arrival times grouped for the distribution chart: each bucket counts on-time and late arrivals. */
export interface ArrivalBucket {
  /** Upper bound in minutes, inclusive; null for the last, open bucket. */
  max: number | null;
  min: number;
  on_time: number;
  late: number;
}

export interface AccountabilityReport {
  period: { from: string; to: string };
  unit: string | null;
  generated_at: string;
  totals: Omit<UnitFigures, 'unit' | 'name'>;
  units: UnitFigures[];
  distribution: ArrivalBucket[];
  /** Late and missed summons, oldest first. */
  late: SummonsRecord[];
  measures: MeasureRecord[];
  cases: CaseFigures[];
  /** Cases that missed or are past a deadline. */
  overdue_cases: CaseRecordView[];
}

/** Bucket upper bounds of the arrival-time distribution, minutes (the limits of §5.1/§5.2 fall on edges). */
export const ARRIVAL_BUCKETS = [5, 10, 15, 30, 60] as const;

/**
 * A summons's status as of `now`: an arrival decides it (at the deadline itself is on time);
 * without one it is missed once its deadline has passed, even if the deadline timer has not
 * fired yet (a server that was down), and pending before. Pure.
 */
export function summonsStatus(s: Summons, now: number): SummonsStatus {
  // A stand-down holds even if the person came anyway (contract §2).
  if (s.status === 'stood_down') return 'stood_down';
  if (s.arrivedAt !== null) return s.arrivedAt <= s.deadline ? 'on_time' : 'late';
  if (s.status === 'missed' || now > s.deadline) return 'missed';
  return 'pending';
}

/**
 * The q-quantile of ascending values by linear interpolation between closest ranks (the
 * method of Excel's PERCENTILE.INC and R's type 7): the median of 10, 20, 30, 40 is 25, the
 * 0.9-quantile 37. Null for no values. Pure.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const names = (plan: Plan, unit: string): Names => ({ zh: unitName(plan, unit, 'zh'), en: unitName(plan, unit, 'en') });
const venueNames = (plan: Plan, venue: string): Names => {
  const v = plan.org.venues.find((x) => x.id === venue);
  return { zh: v?.name.zh ?? venue, en: v?.name.en ?? venue };
};

/** Acceptance of a case: decided by `accept_by` (Art. 22–23); undecided past it is overdue. Pure. */
export function acceptanceOutcome(c: CaseRecord, now: number): DeadlineOutcome {
  if (c.decided_at !== null) return Number(c.decided_at) <= Number(c.accept_by) ? 'on_time' : 'late';
  if (c.closed_at !== null) return 'closed';
  return now > Number(c.accept_by) ? 'overdue' : 'pending';
}

/** Handling of an accepted case: replied by `due` (Art. 34); null when the case was not accepted. Pure. */
export function handlingOutcome(c: CaseRecord, now: number): DeadlineOutcome | null {
  if (c.accepted_at === null) return null;
  if (c.replied_at !== null) return Number(c.replied_at) <= Number(c.due) ? 'on_time' : 'late';
  if (c.closed_at !== null) return 'closed';
  return now > Number(c.due) ? 'overdue' : 'pending';
}

function compliance(outcomes: readonly (DeadlineOutcome | null)[]): Compliance {
  const n = { on_time: 0, late: 0, overdue: 0, pending: 0 };
  for (const o of outcomes) if (o !== null && o !== 'closed') n[o]++;
  return { ...n, rate: ratio(n.on_time, n.on_time + n.late + n.overdue) };
}

/**
 * The unit held to account for a measure: the unit of the role that recorded taking it, or,
 * when it was recorded without a role (an administrator), the unit commanding the tier on site
 * at that moment (§4.1 table). Null when neither is known. Pure.
 */
export function measureUnit(state: IncidentState, m: Measure, takenByRole: string | null | undefined, plan: Plan): string | null {
  if (takenByRole) return unitOf(takenByRole);
  const at = m.takenAt ?? m.requestedAt;
  const tier = [...state.tiers].reverse().find((x) => x.at <= at)?.tier ?? state.tier;
  const command = plan.tiers.find((l) => l.tier === tier)?.command[0];
  return command ? unitOf(command) : null;
}

/** Key of `takenBy`: which role recorded taking a measure. */
export const measureKey = (incident: string, measure: string) => `${incident}\u0000${measure}`;

export interface ReportInput {
  incidents: readonly IncidentState[];
  cases: readonly CaseRecord[];
  /** Role that recorded each measure as taken, by `measureKey`; null when recorded without a role. */
  takenBy: ReadonlyMap<string, string | null>;
  /** The plan whose units, names, tiers and time zone the report uses. */
  plan: Plan;
  period: Period;
  /** Only this unit's summons, measures and cases; null for all. */
  unit: string | null;
  now: number;
  /** Units listed even with no figures (the year-end table lists every township and department). */
  always?: readonly string[];
}

/** One unit's summons figures from its summons of the period; with none, a row of zeros (the assessment lists every bound unit). */
export function unitFigures(plan: Plan, unit: string, summons: readonly { s: Summons; status: SummonsStatus }[], unapproved: number): UnitFigures {
  const n = { on_time: 0, late: 0, missed: 0, stood_down: 0, pending: 0 };
  for (const x of summons) n[x.status]++;
  const minutes = summons
    // Time to arrive of those who had to: a stood-down summons is not measured.
    .filter((x) => x.s.arrivedAt !== null && x.status !== 'stood_down')
    .map((x) => (x.s.arrivedAt! - x.s.issuedAt) / MINUTE)
    .sort((a, b) => a - b);
  return {
    unit,
    name: names(plan, unit),
    summoned: summons.length,
    ...n,
    on_time_rate: ratio(n.on_time, n.on_time + n.late + n.missed),
    median_minutes: round1(quantile(minutes, 0.5)),
    p90_minutes: round1(quantile(minutes, 0.9)),
    unapproved_measures: unapproved,
  };
}

/** Orders unit ids as the organization lists them, unknown ids last by name. */
export function byPlanOrder(plan: Plan): (a: string, b: string) => number {
  const order = new Map([...plan.units.keys()].map((id, i) => [id, i]));
  return (a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b);
}

/**
 * The accountability report of a period: per-unit summons figures (summons counted in the
 * period by when they were issued), the arrival-time distribution, the late and missed
 * summons, measures taken without prior approval (by when they were taken), and case
 * deadline compliance per handling unit (cases by registration). Pure.
 */
export function accountabilityReport(input: ReportInput): AccountabilityReport {
  const { plan, period, unit, now } = input;
  const t = countyTime(plan);
  const wanted = (u: string | null) => unit === null || u === unit;

  const summonsByUnit = new Map<string, { s: Summons; status: SummonsStatus }[]>();
  const all: { s: Summons; status: SummonsStatus }[] = [];
  const late: (SummonsRecord & { at: number })[] = [];
  const measures: (MeasureRecord & { at: number })[] = [];
  const measuresByUnit = new Map<string, number>();

  for (const state of input.incidents) {
    for (const s of state.summons) {
      if (!inPeriod(s.issuedAt, period) || !wanted(s.unit)) continue;
      const status = summonsStatus(s, now);
      const entry = { s, status };
      all.push(entry);
      let list = summonsByUnit.get(s.unit);
      if (!list) summonsByUnit.set(s.unit, (list = []));
      list.push(entry);
      if (status === 'late' || status === 'missed') {
        late.push({
          at: s.issuedAt,
          incident: state.id,
          venue: state.venue,
          venue_name: venueNames(plan, state.venue),
          unit: s.unit,
          unit_name: names(plan, s.unit),
          role: s.role,
          role_name: { zh: roleName(plan, s.role, 'zh'), en: roleName(plan, s.role, 'en') },
          reason: s.reason,
          issued_at: t(s.issuedAt),
          deadline: t(s.deadline),
          arrived_at: s.arrivedAt === null ? null : t(s.arrivedAt),
          status,
          minutes_over: s.arrivedAt === null ? null : round1((s.arrivedAt - s.deadline) / MINUTE),
        });
      }
    }
    for (const m of state.measures) {
      if (!m.takenWithoutApproval || m.takenAt === null || !inPeriod(m.takenAt, period)) continue;
      const u = measureUnit(state, m, input.takenBy.get(measureKey(state.id, m.id)), plan);
      if (!wanted(u)) continue;
      if (u !== null) measuresByUnit.set(u, (measuresByUnit.get(u) ?? 0) + 1);
      const label = plan.file.discipline.measures.labels?.[m.kind];
      measures.push({
        at: m.takenAt,
        incident: state.id,
        venue: state.venue,
        venue_name: venueNames(plan, state.venue),
        measure: m.id,
        kind: m.kind,
        kind_name: { zh: label?.zh ?? word('zh', `measure.${m.kind}`), en: label?.en ?? word('en', `measure.${m.kind}`) },
        basis: m.basis,
        unit: u,
        unit_name: u === null ? null : names(plan, u),
        taken_at: t(m.takenAt),
        approved_by: m.approvedBy,
        approved_at: m.approvedAt === null ? null : t(m.approvedAt),
        flagged: m.flagged,
      });
    }
  }

  const cases = input.cases.filter((c) => inPeriod(Number(c.opened_at), period) && wanted(unitOf(c.handler)));
  const casesByUnit = new Map<string, CaseRecord[]>();
  for (const c of cases) {
    const u = unitOf(c.handler);
    let list = casesByUnit.get(u);
    if (!list) casesByUnit.set(u, (list = []));
    list.push(c);
  }

  const order = byPlanOrder(plan);
  const listed = new Set([...summonsByUnit.keys(), ...measuresByUnit.keys(), ...(input.always ?? []).filter(wanted)]);
  const units = [...listed].sort(order).map((u) => unitFigures(plan, u, summonsByUnit.get(u) ?? [], measuresByUnit.get(u) ?? 0));
  const { unit: _u, name: _n, ...totals } = unitFigures(plan, '', all, measures.length);

  const distribution: ArrivalBucket[] = [...ARRIVAL_BUCKETS, null].map((max, i) => ({ min: i === 0 ? 0 : ARRIVAL_BUCKETS[i - 1]!, max, on_time: 0, late: 0 }));
  for (const { s, status } of all) {
    if (s.arrivedAt === null || (status !== 'on_time' && status !== 'late')) continue;
    const minutes = (s.arrivedAt - s.issuedAt) / MINUTE;
    const bucket = distribution.find((b) => b.max === null || minutes <= b.max)!;
    bucket[status]++;
  }

  const caseFigures: CaseFigures[] = [...casesByUnit.keys()].sort(order).map((u) => {
    const list = casesByUnit.get(u)!;
    return {
      unit: u,
      name: names(plan, u),
      cases: list.length,
      acceptance: compliance(list.map((c) => acceptanceOutcome(c, now))),
      handling: compliance(list.map((c) => handlingOutcome(c, now))),
    };
  });
  const overdue = cases
    .map((c) => ({ c, acceptance: acceptanceOutcome(c, now), handling: handlingOutcome(c, now) }))
    .filter((x) => x.acceptance === 'late' || x.acceptance === 'overdue' || x.handling === 'late' || x.handling === 'overdue')
    .sort((a, b) => Number(a.c.opened_at) - Number(b.c.opened_at))
    .map(({ c, acceptance, handling }) => ({
      id: c.id,
      incident: c.incident_id,
      unit: unitOf(c.handler),
      name: c.handler.includes('/') ? { zh: roleName(plan, c.handler, 'zh'), en: roleName(plan, c.handler, 'en') } : names(plan, c.handler),
      handler: c.handler,
      opened_at: t(Number(c.opened_at)),
      accept_by: t(Number(c.accept_by)),
      acceptance,
      due: t(Number(c.due)),
      handling,
    }));

  const strip = <T extends { at: number }>({ at: _at, ...rest }: T) => rest;
  return {
    period: { from: t(period.from), to: t(period.to) },
    unit,
    generated_at: t(now),
    totals,
    units,
    distribution,
    late: late.sort((a, b) => a.at - b.at).map(strip),
    measures: measures.sort((a, b) => a.at - b.at).map(strip),
    cases: caseFigures,
    overdue_cases: overdue,
  };
}

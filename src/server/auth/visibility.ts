import type { CaseState } from '../../engine/case/state.js';
import type { IncidentState } from '../../engine/incident/state.js';
import type { RiskState } from '../../engine/risk/state.js';
import { t } from '../../i18n/messages.js';
import type { Plan } from '../../plan/plan.js';
import { unitOf } from '../../plan/plan.js';
import type { EventRow } from '../../store/schema.js';
import { isHandler, maySee } from './case.access.js';
import type { Reader } from './permissions.js';
import { maySeeRisk } from './risk.access.js';

/*
 * What each reader may see: one policy for every path by which data leaves the server (lists,
 * views, event lists, the feed and its live stream, messages, reports, drills). Rules
 * (contract §5, safeguards 5–6, 《信访工作条例》 Art. 30 and 46):
 *
 * - Accusations (category `accusation`): the matter's text reaches only the discipline organs
 *   (`designations.discipline`) and the units the case was forwarded to (the inspection team),
 *   never a unit it concerns. Everyone else reads a fixed placeholder.
 * - Tracking codes are the petitioner's credential: shown on the case to its handlers only
 *   (and once, to whoever registers a walk-in visit, to print). Case ids and codes never appear
 *   in incident events, the shared feed or its live stream; an incident view names a case only
 *   to those who may open it.
 * - Cases are read by those `case.access` lets see them; case events never enter the feed.
 * - The early-warning register's events reach only those who may see the matter (`risk.access`).
 */

/** What everyone but a discipline organ reads in place of an accusation's text (in Chinese; the web shows `matter_withheld` in the reader's language). */
export const ACCUSATION_PLACEHOLDER = t('zh', 'matter.withheld');

/**
 * Every kind of read path, and who it shows what to. Each GET route names one (`config.read`);
 * the app refuses to start with a route that names none, and a table-driven test runs every
 * route for every kind of reader.
 */
export const READ_RULES = {
  public: 'anyone, without signing in; nothing about incidents, cases, the register or people',
  self: "the signed-in user's own account and messages",
  admin: 'administrators only',
  organization: 'every signed-in user: the plan and the organization, never incident data',
  incident: "every signed-in user; an accusation's text only to discipline organs; a case only to those who may open it; no tracking codes",
  feed: 'incident events as above and register events of matters the reader may see; never case events',
  case: "those who may see the case; the tracking code only to its handlers; an accusation's text only to discipline organs",
  risk: 'those who may see the matter: the register designation, its unit and its leader',
  reports: 'the reports designation (and administrators); case ids, never tracking codes',
  drill: "every signed-in user; an accusation's text in a rehearsal only to discipline organs",
  link: "the holder of an acknowledgement link: the summons it was sent for; an accusation's text withheld",
  tracking: 'the holder of a tracking code: the public status of that case only',
} as const;
export type ReadRule = keyof typeof READ_RULES;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who this read path shows what to (`READ_RULES`). */
    read?: ReadRule;
  }
}

const unitsOf = (r: Reader) => new Set(r.roles.map(unitOf));

/**
 * Whether the reader may read the text of an accusation concerning `units`: never a unit it
 * concerns; a discipline organ; a unit the case was forwarded to (the inspection team).
 */
export function readsAccusation(r: Reader, plan: Plan, units: readonly string[], forwardedTo: readonly string[] = []): boolean {
  const mine = unitsOf(r);
  if (units.some((u) => mine.has(u))) return false;
  return plan.designations.discipline.includes(r.roles) || forwardedTo.some((u) => mine.has(u));
}

/** The matter's text as the reader may read it. */
export function matterFor(r: Reader, plan: Plan, s: { category: string; units: readonly string[]; matter: string }, forwardedTo: readonly string[] = []): string {
  return s.category !== 'accusation' || readsAccusation(r, plan, s.units, forwardedTo) ? s.matter : ACCUSATION_PLACEHOLDER;
}

/** Replaces every occurrence of secrets in a text (stored messages, drill texts, scenario sources). */
export function withhold(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(ACCUSATION_PLACEHOLDER);
  return out;
}

/** Units an accusation's case was forwarded to, from the incident's cases. */
const forwardsOf = (cases: Iterable<CaseState>) => [...cases].flatMap((c) => c.forwards.map((f) => f.to));

/**
 * An incident view (`presentIncident`) as the reader may see it: the accusation's text withheld
 * where it must be; each case named only to those who may open it, its tracking code only to
 * its handlers. `cases` are the incident's cases (missing ones are named to nobody).
 */
export function incidentFor<V extends { incident: { matter: string; category: string; units: string[] }; cases: { id: string; tracking_code: string | null }[] }>(
  r: Reader,
  plan: Plan,
  view: V,
  cases: ReadonlyMap<string, CaseState>,
): V & { incident: { matter_withheld: boolean } } {
  const matter = matterFor(r, plan, view.incident, forwardsOf(cases.values()));
  return {
    ...view,
    incident: { ...view.incident, matter, matter_withheld: matter !== view.incident.matter },
    cases: view.cases.map((c) => {
      const st = cases.get(c.id);
      return { ...c, id: st && maySee(r, st, plan) ? c.id : null, tracking_code: st && isHandler(r, st) ? c.tracking_code : null };
    }),
  };
}

/** A case view as the reader (who may see the case) may see it: the code to handlers, the accusation's text to discipline organs. */
export function caseFor<V extends { tracking_code: string; matter: string }>(r: Reader, plan: Plan, st: CaseState, view: V, opts: { registered?: boolean } = {}) {
  const matter = matterFor(r, plan, st, st.forwards.map((f) => f.to));
  return {
    ...view,
    tracking_code: opts.registered || isHandler(r, st) ? view.tracking_code : null,
    matter,
    matter_withheld: matter !== st.matter,
  };
}

/**
 * What the reader may see of a stored event, as `present` shows it, or null when nothing.
 * Incident events: never a case id or tracking code; an accusation's text per `readsAccusation`.
 * Case events: only with the case, to those who may see it. Register events: only to those
 * who may see the matter. `context` holds the case or matter the event belongs to, when known.
 */
export function eventFor<E extends Record<string, unknown>>(
  r: Reader,
  plan: Plan,
  row: EventRow,
  presented: E,
  context: { case?: CaseState; risk?: RiskState; forwardedTo?: readonly string[] } = {},
): E | null {
  if (row.stream === 'incident') {
    if (row.type === 'case_opened') {
      const { case: _case, tracking_code: _code, ...rest } = presented;
      return rest as E;
    }
    if (row.type === 'incident_reported' && presented.category === 'accusation') {
      const matter = matterFor(r, plan, presented as unknown as { category: string; units: string[]; matter: string }, context.forwardedTo);
      return { ...presented, matter, matter_withheld: matter !== presented.matter };
    }
    return presented;
  }
  if (row.stream === 'case') {
    const st = context.case;
    if (!st || !maySee(r, st, plan)) return null;
    if (row.type !== 'case_registered') return presented;
    const matter = matterFor(r, plan, st, st.forwards.map((f) => f.to));
    return { ...presented, matter, matter_withheld: matter !== st.matter, tracking_code: isHandler(r, st) ? presented.tracking_code : null };
  }
  if (row.stream === 'risk') return context.risk && maySeeRisk(r, context.risk, plan) ? presented : null;
  return null;
}

/** Whether an incident is an accusation whose text the reader may not read: its stored texts are to be withheld. */
export function withheldMatters(r: Reader, plan: Plan, incidents: Iterable<Pick<IncidentState, 'category' | 'units' | 'matter'>>): string[] {
  return [...incidents].filter((s) => s.category === 'accusation' && !readsAccusation(r, plan, s.units)).map((s) => s.matter);
}

import { formatDuration } from '../plan/duration.js';
import { unitName } from '../plan/plan.js';
import { formatInstant } from '../engine/time.js';
import { accountability } from '../engine/incident/view.js';
import { describeEvent } from '../i18n/describe.js';
import { LANGS, t, type Lang } from '../i18n/messages.js';
import type { DrillRun } from './drill.runner.js';

/** A text in both languages of the product, Chinese first. */
export type Bilingual = Record<Lang, string>;

/** One line of a drill's timeline: when on the virtual clock, what happened, and the clause behind it. */
export interface TimelineEntry {
  seq: number;
  /** ISO 8601 in the scenario's offset. */
  at: string;
  /** Virtual time since the scenario's start: `+0s`, `+4m`, `+1h5m`. */
  since: string;
  type: string;
  /** The plan clause an automatic step cites (`§4.1`), or null for a command. */
  clause: string | null;
  /** Whether the event raises an alert: a missed deadline, an update due, a measure taken without approval. */
  alert: boolean;
  text: Bilingual;
}

/**
 * The drill's events as readable lines in Chinese and English, with virtual times: the same
 * words the CLI's report and the incident page use. Pure.
 */
export function drillTimeline(run: DrillRun): TimelineEntry[] {
  const { plan, scenario } = run;
  const full = (ms: number) => formatInstant(ms, scenario.offset);
  const clock = (ms: number) => full(ms).slice(11, 19);
  return run.events.map((e, i) => ({
    seq: i + 1,
    at: full(e.at),
    since: `+${formatDuration(e.at - scenario.start)}`,
    type: e.type,
    clause: 'clause' in e && typeof e.clause === 'string' ? e.clause : null,
    alert: e.type === 'deadline_missed' || e.type === 'update_due' || (e.type === 'measure_taken' && e.flagged),
    text: bilingual((lang) => describeEvent(e, lang, plan, clock, run.state?.measures)),
  }));
}

/** Counts of summons outcomes. */
export interface SummonsCounts {
  summoned: number;
  on_time: number;
  late: number;
  missed: number;
  pending: number;
}

/**
 * How the rehearsal went against the plan's discipline (§5): each unit's summons outcomes,
 * the alerts raised, major measures taken without prior approval, and the commands the rules
 * refused. `compliant` is true when nobody was late or missed a deadline and no major measure
 * was taken without approval. A rehearsal: never counted in real accountability.
 */
export function complianceSummary(run: DrillRun) {
  const { plan, state, scenario } = run;
  const time = (ms: number) => formatInstant(ms, scenario.offset);
  const units = (state ? accountability(state) : []).map((row) => ({ ...row, name: bilingual((lang) => unitName(plan, row.unit, lang)) }));
  const totals: SummonsCounts = { summoned: 0, on_time: 0, late: 0, missed: 0, pending: 0 };
  for (const row of units) for (const k of Object.keys(totals) as (keyof SummonsCounts)[]) totals[k] += row[k];
  const alerts = { deadline_missed: 0, unapproved_measure: 0, update_due: 0 };
  for (const a of state?.alerts ?? []) alerts[a.kind]++;
  const unapproved = (state?.measures ?? [])
    .filter((m) => m.takenWithoutApproval)
    .map((m) => ({ id: m.id, kind: m.kind, taken_at: time(m.takenAt!), approved_after: m.approvedAt === null ? null : time(m.approvedAt) }));
  const rejections = (state?.rejected ?? []).map((r) => ({
    at: time(r.at),
    do: r.do,
    code: r.code,
    reason: bilingual((lang) => {
      const text = t(lang, `rejection.${r.code}`);
      return text === `rejection.${r.code}` ? r.reason : text;
    }),
  }));
  return {
    units,
    totals,
    alerts,
    unapproved_measures: unapproved,
    rejections,
    compliant: totals.late === 0 && totals.missed === 0 && unapproved.length === 0,
  };
}
export type ComplianceSummary = ReturnType<typeof complianceSummary>;

function bilingual(text: (lang: Lang) => string): Bilingual {
  return Object.fromEntries(LANGS.map((lang) => [lang, text(lang)])) as Bilingual;
}

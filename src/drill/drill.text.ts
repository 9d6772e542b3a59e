import { formatDuration } from '../plan/duration.js';
import { roleName, unitName } from '../plan/plan.js';
import { formatInstant } from '../engine/time.js';
import { accountability } from '../engine/incident/view.js';
import { describeEvent, handlerName } from '../i18n/describe.js';
import { t, type Lang } from '../i18n/messages.js';
import { textTable } from '../i18n/table.js';
import type { DrillRun } from './drill.runner.js';

/** A readable drill report for people, in Chinese or English. Pure. */
export function drillText(run: DrillRun, lang: Lang): string {
  const { plan, state, scenario } = run;
  const full = (ms: number) => formatInstant(ms, scenario.offset);
  const clock = (ms: number) => full(ms).slice(11, 19);
  const since = (ms: number) => `+${formatDuration(ms - scenario.start)}`;
  const w = (k: string) => t(lang, k);
  const out: string[] = [];
  const heading = (k: string) => out.push('', `== ${w(k)} ==`);

  out.push(`${w('heading.drill')}: ${scenario.title[lang]}`);
  out.push(`${w('heading.plan')}: ${plan.file.title[lang]} (${plan.id} ${plan.version}, ${plan.digest.slice(0, 19)}…)`);
  out.push(`${full(scenario.start)} → ${full(scenario.until)}`);
  if (!state) return out.join('\n');

  heading('heading.incident');
  const venue = plan.org.venues.find((v) => v.id === state.venue)?.name[lang] ?? state.venue;
  out.push(
    ...textTable([
      [w('label.venue'), venue],
      [w('label.matter'), `${state.matter} (${w(`category.${state.category}`)})`],
      [w('label.units'), state.units.map((u) => unitName(plan, u, lang)).join(', ')],
      [w('col.status'), `${w(`status.${state.status}`)}`],
      [w('label.max_headcount'), String(state.maxHeadcount)],
      [w('label.tier'), String(state.tier)],
      [w('label.activated'), state.activatedAt === null ? '—' : clock(state.activatedAt)],
      [w('label.cleared'), state.clearedAt === null ? '—' : clock(state.clearedAt)],
    ]),
  );

  heading('heading.timeline');
  for (const e of run.events) {
    const cite = 'clause' in e ? `  [${e.clause}]` : '';
    out.push(`${clock(e.at)}  ${since(e.at).padEnd(7)} ${describeEvent(e, lang, plan, clock, state?.measures)}${cite}`);
  }

  heading('heading.tiers');
  out.push(state.tiers.map((x) => `${clock(x.at)} → ${x.tier}`).join('   '));

  heading('heading.summons');
  if (state.summons.length === 0) out.push(w('label.none'));
  else {
    const opt = (ms: number | null) => (ms === null ? '—' : clock(ms));
    out.push(
      ...textTable(
        [
          ['col.role', 'col.reason', 'col.issued', 'col.deadline', 'col.acked', 'col.arrived', 'col.left', 'col.status'].map(w),
          ...state.summons.map((s) => [
            roleName(plan, s.role, lang),
            w(`reason.${s.reason}`),
            clock(s.issuedAt),
            clock(s.deadline),
            opt(s.ackedAt),
            opt(s.arrivedAt),
            opt(s.leftAt),
            w(`summons.${s.status}`),
          ]),
        ],
        true,
      ),
    );
  }

  heading('heading.alerts');
  if (state.alerts.length === 0) out.push(w('label.none'));
  for (const a of state.alerts) {
    const who = a.role ? roleName(plan, a.role, lang) : (a.measure ?? '');
    out.push(`${clock(a.at)}  ${w(`alert.${a.kind}`)}  ${who}`);
  }

  heading('heading.measures');
  if (state.measures.length === 0) out.push(w('label.none'));
  for (const m of state.measures) {
    const approval = m.approvedBy ? `${w('label.approved_by')} ${roleName(plan, m.approvedBy, lang)} ${clock(m.approvedAt!)}` : '—';
    const taken = m.takenAt === null ? '' : `; ${w('label.taken')} ${clock(m.takenAt)}`;
    const flag = m.takenWithoutApproval ? `; ⚠ ${w('label.flagged')}` : '';
    out.push(`${m.id}  ${w(`measure.${m.kind}`)}  ${w('label.basis')}: ${m.basis}; ${approval}${taken}${flag}`);
  }

  heading('heading.rejected');
  if (state.rejected.length === 0) out.push(w('label.none'));
  for (const r of state.rejected) out.push(`${clock(r.at)}  ${r.do}: ${lang === 'zh' ? w(`rejection.${r.code}`) : r.reason}`);

  heading('heading.cases');
  if (state.cases.length === 0) out.push(w('label.none'));
  for (const c of state.cases) {
    out.push(
      ...textTable([
        [w('label.route'), `${w(`route.${c.route}`)} [${c.clause}]`],
        [w('label.handler'), handlerName(plan, c.handler, lang)],
        [w('label.accept_by'), full(c.acceptBy)],
        [w('label.due'), full(c.due)],
        [w('label.tracking_code'), c.trackingCode],
      ]),
    );
  }

  heading('heading.accountability');
  const rows = accountability(state);
  if (rows.length === 0) out.push(w('label.none'));
  else {
    out.push(
      ...textTable(
        [
          ['col.unit', 'col.summoned', 'col.on_time', 'col.late', 'col.missed', 'col.pending'].map(w),
          ...rows.map((r) => [unitName(plan, r.unit, lang), ...[r.summoned, r.on_time, r.late, r.missed, r.pending].map(String)]),
        ],
        true,
      ),
    );
  }
  return out.join('\n') + '\n';
}

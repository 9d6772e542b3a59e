import { wallClockAt } from '../../../engine/county-time.js';
import { MINUTE } from '../../../plan/duration.js';
import type { Plan } from '../../../plan/plan.js';
import { byPlanOrder, type AccountabilityReport, type Names, type SummonsRecord } from './figures.js';
import type { Period } from './period.js';

/*
 * The draft notice (通报, §5.2): the units late or missing in a period, worst first, and a
 * Chinese text for the working group to edit and issue. Pure.
 */

/** A unit named in the draft notice, with its late and missed summons. */
export interface NoticeUnit {
  unit: string;
  name: Names;
  late: number;
  missed: number;
  summons: SummonsRecord[];
}

export interface Notice {
  period: { from: string; to: string };
  generated_at: string;
  totals: AccountabilityReport['totals'];
  units: NoticeUnit[];
  /** The draft 通报 in Chinese, for the working group to edit and issue. */
  text: string;
}

const zhDate = (ms: number, plan: Plan) => {
  const w = wallClockAt(ms, plan.org.timezone);
  return `${w.year}年${w.month}月${w.day}日`;
};
const zhTime = (ms: number, plan: Plan) => {
  const w = wallClockAt(ms, plan.org.timezone);
  return `${w.month}月${w.day}日${w.hour}:${String(w.minute).padStart(2, '0')}`;
};
const zhLimit = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}小时` : ms % MINUTE === 0 ? `${ms / MINUTE}分钟` : `${ms / 1000}秒`);
const zhNumber = (n: number) => '一二三四五六七八九十'[n - 1] ?? String(n);
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/**
 * The draft notice (通报, §5.2) of a period: every unit with late or missed summons, with each
 * summons, worst first (most missed, then most late). The text is a draft in Chinese for the
 * working group to edit. Pure.
 */
export function noticeDraft(report: AccountabilityReport, plan: Plan, period: Period, now: number): Notice {
  const byUnit = new Map<string, NoticeUnit>();
  for (const s of report.late) {
    let u = byUnit.get(s.unit);
    if (!u) byUnit.set(s.unit, (u = { unit: s.unit, name: s.unit_name, late: 0, missed: 0, summons: [] }));
    u[s.status === 'missed' ? 'missed' : 'late']++;
    u.summons.push(s);
  }
  const order = byPlanOrder(plan);
  const units = [...byUnit.values()].sort((a, b) => b.missed - a.missed || b.late - a.late || order(a.unit, b.unit));

  const span = `${zhDate(period.from, plan)}至${zhDate(period.to - 1, plan)}`;
  const limits = plan.arrivalLimits;
  const { totals } = report;
  const lines: string[] = [];
  lines.push(`关于${span}信访应急处置到场情况的通报`, '(草稿)', '', '各乡镇、县直各有关单位:', '');
  lines.push(
    `  按照《${plan.file.title.zh}》工作纪律(${plan.file.discipline.arrival.clause}、${plan.file.discipline.arrival.police.clause}),` +
      `接到通知后,乡镇主要负责同志须在${zhLimit(limits.township ?? limits.default!)}内、县直部门主要负责同志须在${zhLimit(limits['county-department'] ?? limits.default!)}内赶到现场,` +
      `公安机关须在${zhLimit(plan.policeLimit)}内到达现场。` +
      `${span},共发出到场通知${totals.summoned}次,按时到场${totals.on_time}次,迟到${totals.late}次,未到场${totals.missed}次,按时到场率${percent(totals.on_time_rate)}。` +
      // Stood down when the incident was cleared before they arrived: neither late nor missed, no unit named for it.
      (totals.stood_down ? `另有${totals.stood_down}次因现场处置结束、在到场时限前解除,不计迟到或未到场。` : ''),
  );
  if (units.length === 0) {
    lines.push('  本期各单位均按时到场,予以肯定。');
  } else {
    lines.push('  现将未按时到场的单位通报如下:', '');
    units.forEach((u, i) => {
      const counts = [u.late ? `迟到${u.late}次` : '', u.missed ? `未到场${u.missed}次` : ''].filter(Boolean).join(',');
      lines.push(`  ${zhNumber(i + 1)}、${u.name.zh}(${counts})`);
      u.summons.forEach((s, j) => {
        const issued = zhTime(Date.parse(s.issued_at), plan);
        const deadline = zhTime(Date.parse(s.deadline), plan);
        const outcome = s.arrived_at === null ? '未到场' : `${zhTime(Date.parse(s.arrived_at), plan)}到场,迟到${s.minutes_over}分钟`;
        lines.push(`    ${j + 1}. ${issued}通知${s.role_name.zh}到${s.venue_name.zh},应于${deadline}前到场,${outcome}(事件编号 ${s.incident})。`);
      });
    });
    lines.push('', '  请被通报单位认真查找原因,限期整改,严格落实到场时限要求。以上情况纳入县政府年终信访考核;造成严重后果的,依规依纪追究责任。');
  }
  lines.push('', `${plan.file.working_group.label.zh}`, zhDate(now, plan));
  return { period: report.period, generated_at: report.generated_at, totals, units, text: lines.join('\n') };
}

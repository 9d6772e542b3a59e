import { formatDuration, parseDuration } from './duration.js';
import { roleName, unitName, type Plan } from './plan.js';
import { t, type Lang } from '../i18n/messages.js';
import { textTable } from '../i18n/table.js';

/**
 * A readable summary of a plan: venues, working group, procedure, tiers, deadlines, routes
 * and approvers, each with its clause. The same content the web UI's plan page shows. Pure.
 */
export function explainPlan(plan: Plan, lang: Lang): string {
  const zh = lang === 'zh';
  const f = plan.file;
  const role = (r: string) => roleName(plan, r, lang);
  const unit = (u: string) => unitName(plan, u, lang);
  const dur = (d: string) => humanDuration(parseDuration(d)!, lang);
  const out: string[] = [];
  // In Chinese, words instead of the plan's keys (venue kinds, triggers, route conditions, unit kinds).
  const word = (table: Record<string, string>, key: string) => (zh ? (table[key] ?? key) : key);
  const section = (clause: string, zhTitle: string, enTitle: string) => out.push('', `${clause} ${zh ? zhTitle : enTitle}`);

  out.push(f.title[lang]);
  out.push(zh ? `版本 ${plan.version} · ${plan.digest}` : `${plan.id} ${plan.version} · ${plan.digest}`);
  out.push(`${zh ? '组织' : 'Organization'}: ${plan.org.name[lang]} (${plan.org.timezone})`);

  section(f.objective.clause, '工作目标', 'Objective');
  out.push(`  ${f.objective[lang]}`);

  section(f.scope.clause, '适用范围', 'Scope');
  out.push(`  ${f.scope[lang]}`);
  for (const v of plan.org.venues) out.push(zh ? `  - ${v.name.zh}(${word(VENUE_KINDS_ZH, v.kind)})` : `  - ${v.id}: ${v.name.en} (${v.kind})`);

  section(f.working_group.clause, '应急处置工作小组', 'Emergency working group');
  for (const w of plan.org.working_group) out.push(zh ? `  - ${w.label.zh}${w.title ? `:${w.title}` : ''}` : `  - ${w.label.en} (${w.role})${w.title ? `: ${w.title}` : ''}`);
  for (const d of f.working_group.duties) out.push(`  · ${d[lang]}`);

  const p = f.on_site.procedure;
  section(f.on_site.clause, '现场处置程序', 'On-site procedure');
  out.push(`  ${zh ? '实施' : 'Carried out by'}: ${unit(f.on_site.implemented_by)}; ${zh ? '配合' : 'with'} ${f.on_site.cooperating.map(unit).join(', ')}`);
  out.push(`  1. ${p.guide.label[lang]} — ${role(p.guide.by)}; ${zh ? '劝导时限' : 'guidance window'} ${dur(p.guide.window)}`);
  out.push(`  2. ${p.summon.label[lang]} — ${zh ? '通知单位' : 'notifier'}: ${unit(p.summon.notifier)}; ${zh ? '触发' : 'when'}: ${p.summon.triggers.map((x) => (zh ? t(lang, `trigger.${x}`) : x)).join(', ')}`);
  out.push(`  3. ${p.activate.label[lang]} — ${zh ? '触发' : 'when'}: ${p.activate.triggers.map((x) => (zh ? t(lang, `trigger.${x}`) : x)).join(', ')}; ${zh ? '报告' : 'informs'} ${f.working_group.informed_on_activation.map(role).join(', ')}`);
  const s = f.on_site.situations;
  out.push(`  ${s.lingering.clause} ${t(lang, 'behavior.lingering')}: ${s.lingering[lang]}`);
  out.push(`  ${s.charging.clause} ${t(lang, 'behavior.charging')}: ${s.charging[lang]}`);
  out.push(`  ${s.abnormal.clause} ${s.abnormal.behaviors.map((b) => t(lang, `behavior.${b}`)).join('/')}: ${s.abnormal[lang]}`);

  section(f.on_site.tiers.clause, '公安处置层级', 'Police command by head count');
  out.push(
    ...textTable([
      zh ? ['层级', '人数', '现场指挥', '协助'] : ['tier', 'people', 'commands', 'assists'],
      ...plan.tiers.map((l) => [
        String(l.tier),
        l.max === null ? `${l.min}+` : `${l.min}–${l.max}`,
        l.command.map(role).join(', '),
        l.assist.length ? l.assist.map(role).join(', ') : '—',
      ]),
    ]).map((l) => `  ${l}`),
  );
  out.push(`  ${f.on_site.tiers.note[lang]}`);
  out.push(`  ${zh ? '层级只升不降' : 'Tiers never step down during an incident'}`);

  section(f.follow_up.clause, '后期接待处理', 'Follow-up reception');
  out.push(`  ${f.follow_up.principles.map((x) => x[lang]).join('; ')}`);
  f.follow_up.routes.forEach((r, i) => {
    const handler =
      typeof r.handler === 'object' ? unit(r.handler.unit) : r.handler === 'leader_in_charge' ? (zh ? '分管县领导' : 'the county leader in charge') : zh ? '责任单位' : 'the responsible unit';
    out.push(`  ${i + 1}. [${word(ROUTE_WHEN_ZH, r.when)}] ${r.label[lang]} → ${handler}${r.basis ? ` (${r.basis})` : ''}`);
  });
  const d = f.follow_up.deadlines;
  out.push(
    zh
      ? `  时限:受理 ${dur(d.acceptance)},办理 ${dur(d.handling)}(可延长一次 ${dur(d.extension)}),复查/复核申请 ${dur(d.review_request)}、决定 ${dur(d.review_decision)},异议 ${d.objection_working_days} 个工作日;集体访代表不超过 ${f.follow_up.representatives_max} 人`
      : `  Deadlines: accept within ${dur(d.acceptance)}, handle within ${dur(d.handling)} (one extension of ${dur(d.extension)}), review requested within ${dur(d.review_request)} and decided within ${dur(d.review_decision)}, objection within ${d.objection_working_days} working days; at most ${f.follow_up.representatives_max} representatives`,
  );

  section(f.discipline.clause, '工作纪律', 'Discipline');
  const a = f.discipline.arrival;
  out.push(`  ${a.clause} ${zh ? '到场时限' : 'Arrival limits'}: ${zh ? '公安' : 'police'} ${dur(a.police.limit)} (${a.police.clause}); ${Object.entries(a.limits).map(([k, v]) => `${word(UNIT_KINDS_ZH, k)} ${dur(v)}`).join('; ')}`);
  out.push(`  ${f.discipline.reports.clause} ${zh ? `预案启动后每 ${dur(f.discipline.reports.update_interval)} 无现场动态即提醒指挥员报告` : `after activation, the commander is asked for an update after ${dur(f.discipline.reports.update_interval)} without one`}`);
  const ack = f.discipline.acknowledgement;
  if (ack) {
    const position = plan.org.positions[ack.deputy]?.[lang] ?? ack.deputy;
    const to = [zh ? `该单位${position}` : `the unit's ${position}`, ...(ack.working_group ? [zh ? '工作小组' : 'the working group'] : [])].join(zh ? '和' : ' and ');
    out.push(`  ${ack.clause} ${zh ? `到场通知${dur(ack.escalate_after)}内无人确认,即通知${to}` : `a summons nobody acknowledges within ${dur(ack.escalate_after)} is escalated to ${to}`}`);
  }
  const m = f.discipline.measures;
  out.push(`  ${m.clause} ${zh ? '重大措施' : 'Major measures'}: ${m.major.map((k) => m.labels[k]?.[lang] ?? k).join(', ')}; ${zh ? '批准人' : 'approved by'} ${m.approvers.map(role).join(', ')}`);
  for (const c of f.discipline.principles) out.push(`  · ${c[lang]}`);
  for (const c of f.discipline.consequences) out.push(`  · ${c[lang]}`);

  section(f.early_warning.clause, '预警和配合', 'Early warning and coordination');
  for (const c of f.early_warning.duties) out.push(`  · ${c[lang]}`);

  out.push('', zh ? '可配置项' : 'Settings');
  out.push(zh ? `  集体访人数下限:${f.settings.collective_min_people}人` : `  collective_min_people: ${f.settings.collective_min_people}`);
  out.push(zh ? `  已劝离事件在态势图上保留:${f.settings.board_cleared_minutes}分钟` : `  board_cleared_minutes: ${f.settings.board_cleared_minutes}`);
  return out.join('\n') + '\n';
}

const VENUE_KINDS_ZH: Record<string, string> = { residence: '巡视组驻地', activity: '活动场所' };
const ROUTE_WHEN_ZH: Record<string, string> = {
  category_accusation: '检举控告类',
  marked_concluded: '信访程序已终结',
  marked_major: '重大复杂事项',
  several_units: '涉及多个单位',
  always: '其他情形',
};
const UNIT_KINDS_ZH: Record<string, string> = {
  township: '乡镇',
  'county-department': '县直部门',
  police: '公安',
  petition: '信访',
  coordination: '协调机构',
  discipline: '纪检监察',
  leadership: '县领导',
  external: '外部单位',
  default: '其他单位',
};

function humanDuration(ms: number, lang: Lang): string {
  const text = formatDuration(ms);
  if (lang === 'en') return text;
  return text.replace(/(\d+)d/, '$1天').replace(/(\d+)h/, '$1小时').replace(/(\d+)m/, '$1分钟').replace(/(\d+)s/, '$1秒');
}

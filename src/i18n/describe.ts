import { roleName, unitName, type Plan } from '../plan/plan.js';
import type { IncidentEvent } from '../engine/incident/events.js';
import { t, type Lang } from './messages.js';

/**
 * One line saying what an event means, for timelines. `time` formats the instants an event
 * carries (deadlines, case dates). Pure.
 */
/** The matter of a report, or the notice that an accusation's text is withheld from this reader (visibility policy). */
function matterOf(e: { matter: string; matter_withheld?: boolean }, lang: Lang): string {
  return e.matter_withheld ? t(lang, 'matter.withheld') : e.matter;
}

/**
 * A measure as people read it: its number in the incident and its kind (措施1 · 强行带离), never
 * only its id. `measures` are the incident's, in the order they were requested.
 */
export function measureLabel(measures: readonly { id: string; kind: string }[], id: string, lang: Lang): string {
  const n = measures.findIndex((m) => m.id === id);
  if (n < 0) return lang === 'zh' ? `措施 ${id}` : `Measure ${id}`;
  return `${t(lang, 'measure.label')}${lang === 'zh' ? '' : ' '}${n + 1} · ${t(lang, `measure.${measures[n]!.kind}`)}`;
}

/**
 * One event in words. `measures` (the incident's, in order) names each measure by its number and
 * kind; without it, a requested measure is named by its kind alone.
 */
export function describeEvent(e: IncidentEvent, lang: Lang, plan: Plan, time: (ms: number) => string, measures: readonly { id: string; kind: string }[] = []): string {
  const zh = lang === 'zh';
  const measure = (id: string) =>
    measures.some((m) => m.id === id) ? measureLabel(measures, id, lang) : e.type === 'measure_requested' ? `${t(lang, 'measure.label')} · ${t(lang, `measure.${e.kind}`)}` : measureLabel(measures, id, lang);
  const role = (r: string) => roleName(plan, r, lang);
  const unit = (u: string) => unitName(plan, u, lang);
  const venue = (v: string) => plan.org.venues.find((x) => x.id === v)?.name[lang] ?? v;
  switch (e.type) {
    case 'incident_reported':
      return zh
        ? `${venue(e.venue)}发生上访,${e.headcount}人,责任单位:${e.units.map(unit).join('、')};事项:${matterOf(e, lang)}(${t(lang, `category.${e.category}`)},第${e.tier}层级)`
        : `Incident at ${venue(e.venue)}: ${e.headcount} people; responsible: ${e.units.map(unit).join(', ')}; matter: ${matterOf(e, lang)} (${t(lang, `category.${e.category}`)}, tier ${e.tier})`;
    case 'headcount_updated':
      return zh ? `现场人数更新为${e.value}人` : `Head count now ${e.value}`;
    case 'tier_raised':
      return zh ? `人数升级:第${e.from}层级 → 第${e.to}层级` : `Tier raised from ${e.from} to ${e.to}`;
    case 'behavior_observed':
      return zh ? `出现${t(lang, `behavior.${e.kind}`)}` : `Observed: ${t(lang, `behavior.${e.kind}`)}`;
    case 'guidance_attempted':
      return zh ? `劝导到县信访局接访:${t(lang, `result.${e.result}`)}` : `Guiding to the petition bureau ${t(lang, `result.${e.result}`)}`;
    case 'guidance_window_expired':
      return zh ? '未能及时劝离,通知责任单位' : 'Not guided away in time: responsible units are summoned';
    case 'persuasion_attempted':
      return zh ? `责任单位劝返:${t(lang, `result.${e.result}`)}` : `Persuasion to go back ${t(lang, `result.${e.result}`)}`;
    case 'plan_activated':
      return zh
        ? `启动应急预案(${t(lang, `trigger.${e.trigger}`)}),已报告${e.informed.map(role).join('、')}${e.reason ? `;${e.reason}` : ''}`
        : `Plan activated (${t(lang, `trigger.${e.trigger}`)}); informed ${e.informed.map(role).join(', ')}${e.reason ? `; ${e.reason}` : ''}`;
    case 'summons_issued':
      return zh
        ? `通知${role(e.role)}到场(${t(lang, `reason.${e.reason}`)}),时限 ${time(e.deadline)}`
        : `Summoned ${role(e.role)} (${t(lang, `reason.${e.reason}`)}), due ${time(e.deadline)}`;
    case 'summons_acknowledged':
      return zh ? `${role(e.role)}已确认,正在赶赴` : `${role(e.role)} acknowledged, on the way`;
    case 'arrival_recorded':
      if (e.after_stand_down) return zh ? `${role(e.role)}到场(到场通知已解除)` : `${role(e.role)} arrived (after the stand-down)`;
      return zh
        ? `${role(e.role)}到场(${e.on_time ? '按时' : '迟到'})`
        : `${role(e.role)} arrived (${e.on_time ? 'on time' : 'late'})`;
    case 'departure_recorded':
      return zh ? `${role(e.role)}离开现场` : `${role(e.role)} left`;
    case 'deadline_missed':
      return zh ? `${role(e.role)}超过时限未到场` : `${role(e.role)} missed the deadline`;
    case 'acknowledgement_overdue':
      return zh
        ? `${role(e.role)}超过${Math.round(e.after / 60_000)}分钟未确认收到通知,已督促${e.notify.map(role).join('、')}`
        : `${role(e.role)} did not acknowledge within ${Math.round(e.after / 60_000)} minutes; ${e.notify.map(role).join(', ')} told`;
    case 'summons_stood_down':
      return zh ? `现场已处置完毕,${role(e.role)}的到场通知已解除,无需到场` : `${role(e.role)} stood down: the incident was cleared, no need to come`;
    case 'note_posted':
      return zh ? `现场动态:${e.text}` : `On-site update: ${e.text}`;
    case 'update_due':
      return zh ? `请${role(e.role)}报告现场动态` : `${role(e.role)} is asked for an on-site update`;
    case 'evidence_attached':
      return zh ? `现场取证:${e.name}(SHA-256 ${e.sha256.slice(0, 12)}…)` : `Evidence: ${e.name} (SHA-256 ${e.sha256.slice(0, 12)}…)`;
    case 'marks_placed': {
      const count = (kind: string) => e.marks.filter((m) => m.kind === kind).length;
      if (e.marks.length === 0) return zh ? '清除平面图上的标注' : 'Marks removed from the site plan';
      return zh
        ? `在平面图上标注位置:人群 ${count('crowd')} 处,公安 ${count('police')} 处${count('staff') ? `,工作人员 ${count('staff')} 处` : ''}${count('command_post') ? `,指挥点 ${count('command_post')} 处` : ''}`
        : `Positions marked on the site plan: crowd ${count('crowd')}, police ${count('police')}${count('staff') ? `, staff ${count('staff')}` : ''}${count('command_post') ? `, command post ${count('command_post')}` : ''}`;
    }
    case 'marked_major':
      return zh ? `工作小组认定为重大复杂事项${e.reason ? `:${e.reason}` : ''}` : `Marked major and complex${e.reason ? `: ${e.reason}` : ''}`;
    case 'marked_concluded':
      return zh ? '信访程序已终结' : 'Petition procedure marked concluded';
    case 'measure_requested':
      return zh
        ? `提请${measure(e.id)}${e.major ? '(重大措施,须批准)' : ''};依据:${e.basis}`
        : `${measure(e.id)} requested${e.major ? ' (major, needs approval)' : ''}; basis: ${e.basis}`;
    case 'measure_approved':
      return zh
        ? `${role(e.by)}批准${measure(e.id)}${e.after_the_fact ? '(事后补批)' : ''}`
        : `${role(e.by)} approved ${measure(e.id)}${e.after_the_fact ? ' after the fact' : ''}`;
    case 'measure_declined':
      return zh ? `${role(e.by)}不同意${measure(e.id)}:${e.reason}` : `${role(e.by)} declined ${measure(e.id)}: ${e.reason}`;
    case 'measure_taken':
      return zh
        ? `实施${measure(e.id)}${e.flagged ? '(未经事先批准,已标记)' : ''}${e.reason ? `;理由:${e.reason}` : ''}`
        : `${measure(e.id)} taken${e.flagged ? ' WITHOUT prior approval (flagged)' : ''}${e.reason ? `; reason: ${e.reason}` : ''}`;
    case 'incident_cleared':
      return zh ? `现场处置结束:${t(lang, `cleared.${e.by}`)}` : `On-site phase over: ${t(lang, `cleared.${e.by}`)}`;
    case 'case_opened':
      // The tracking code is the petitioner's: incident events as the API shows them carry none (visibility policy).
      return zh
        ? `立案转后续办理:${t(lang, `route.${e.route}`)},承办 ${handlerName(plan, e.handler, lang)}${e.tracking_code ? `,查询码 ${e.tracking_code}` : ''}`
        : `Follow-up case: ${t(lang, `route.${e.route}`)}, handled by ${handlerName(plan, e.handler, lang)}${e.tracking_code ? `, tracking code ${e.tracking_code}` : ''}`;
    case 'incident_closed':
      return zh ? '事件结束' : 'Incident closed';
    case 'command_rejected':
      return zh ? `指令"${t(lang, `command.${e.do}`)}"未执行:${t(lang, `rejection.${e.code}`)}` : `Command "${t(lang, `command.${e.do}`)}" rejected: ${e.reason}`;
  }
}

/** A case handler is a unit id or, for a county leader, a role. */
export function handlerName(plan: Plan, handler: string, lang: Lang): string {
  return handler.includes('/') ? roleName(plan, handler, lang) : unitName(plan, handler, lang);
}

import { wallClockAt, type WallClock } from '../../../engine/county-time.js';
import { offsetMinutes } from '../../../engine/time.js';
import type { IncidentEvent } from '../../../engine/incident/events.js';
import type { IncidentState } from '../../../engine/incident/state.js';
import { accountability } from '../../../engine/incident/view.js';
import { describeEvent, handlerName, measureLabel } from '../../../i18n/describe.js';
import { t } from '../../../i18n/messages.js';
import { roleName, unitName, type Plan } from '../../../plan/plan.js';
import { withhold } from '../../auth/visibility.js';
import type { Block, OfficialDocument } from './official.js';

/*
 * The incident report (事件处置报告): what happened on site and after, for the working group's
 * file, printed once people have left or the incident is closed. Everything in it comes from
 * the incident's events and state as the reader may see them (the visibility policy): the
 * accusation's text only for those who may read it, a case's id only for those who may open
 * it, never a tracking code, never a petitioner's personal data (which the incident does not
 * hold). It ends with the audit chain head at the time of printing, so the paper can be
 * checked against the record. A drill's run gives the same report, marked 演练 on every page.
 */

/** One of the incident's events, with the role that recorded it (none for a rule's or a drill's). */
export interface RecordedEvent {
  event: IncidentEvent;
  role: string | null;
  /** Recorded by someone on the role holder's behalf. */
  onBehalf: boolean;
}

export interface IncidentReportSource {
  plan: Plan;
  state: IncidentState;
  events: readonly RecordedEvent[];
  /** The incident as the reader may see it (`presentIncident` or `incidentFor`): the matter, and each case's id or null. */
  view: { incident: { matter: string }; cases: readonly { id: string | null }[] };
  /** Texts the reader may not read anywhere in the report (an accusation's text, `withheldMatters`). */
  secrets: readonly string[];
  /** The time zone the report's times are read in: the county's, or a drill scenario's offset (`+08:00`, `Z`). */
  zone: { timeZone: string } | { offset: string };
  /** When printed (real time). */
  printedAt: number;
  /** The audit chain head when printed; null for a drill, which records nothing. */
  chain: { seq: number; hash: string | null } | null;
  /** The drill the run comes from. */
  drill: { title: string; file: string } | null;
}

/** A wall clock in the report's zone. */
function clockOf(zone: IncidentReportSource['zone']): (ms: number) => WallClock {
  if ('timeZone' in zone) return (ms) => wallClockAt(ms, zone.timeZone);
  const shift = offsetMinutes(zone.offset) * 60_000;
  return (ms) => {
    const d = new Date(ms + shift);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The report's content as an official document (pure); `incidentReportDocx` lays it out. */
export function incidentReport(src: IncidentReportSource): OfficialDocument {
  const { plan, state, view } = src;
  const wall = clockOf(src.zone);
  const zhDate = (ms: number) => {
    const w = wall(ms);
    return `${w.year}年${w.month}月${w.day}日`;
  };
  const reportedDay = zhDate(state.reportedAt);
  /** `09:04`, with the date in front when it is not the day the incident was reported. */
  const clock = (ms: number | null) => {
    if (ms === null) return '—';
    const w = wall(ms);
    const time = `${pad(w.hour)}:${pad(w.minute)}`;
    return zhDate(ms) === reportedDay ? time : `${w.month}月${w.day}日 ${time}`;
  };
  const full = (ms: number | null) => (ms === null ? '—' : `${zhDate(ms)} ${clock(ms).slice(-5)}`);
  const role = (r: string | null) => (r ? roleName(plan, r, 'zh') : '—');
  const venue = plan.org.venues.find((v) => v.id === state.venue)?.name.zh ?? state.venue;
  const measures = state.measures;
  const body: Block[] = [];
  const para = (text: string) => body.push({ kind: 'paragraph', text });

  body.push({ kind: 'heading', text: '一、基本情况' });
  para(
    `${full(state.reportedAt)},${venue}发生群众上访,接报${src.events[0]?.event.type === 'incident_reported' ? src.events[0].event.headcount : state.headcount}人,现场人数最多${state.maxHeadcount}人,` +
      `警力处置最高为第${state.tier}层级。反映事项:${view.incident.matter}(${t('zh', `category.${state.category}`)})。` +
      `责任单位:${state.units.map((u) => unitName(plan, u, 'zh')).join('、')}。`,
  );
  para(
    [
      state.activatedAt === null ? '未启动应急预案' : `${full(state.activatedAt)}启动应急预案${state.activatedBy ? `(${t('zh', `trigger.${state.activatedBy}`)})` : ''}`,
      state.clearedAt === null ? '' : `${full(state.clearedAt)}现场处置结束(${t('zh', `cleared.${state.clearedBy ?? 'clear'}`)})`,
      state.closedAt === null ? '' : `${full(state.closedAt)}事件结束`,
      state.major ? '工作小组认定为重大复杂事项' : '',
    ]
      .filter(Boolean)
      .join(';') + `。事件编号:${state.id}。`,
  );

  body.push({ kind: 'heading', text: '二、处置经过' });
  para(`时间为${reportedDay}当地时间,跨日的注明日期;“依据”为预案条款。`);
  body.push({
    kind: 'table',
    columns: [
      { header: '时间', width: 5 },
      { header: '经过', width: 17 },
      { header: '依据', width: 5 },
      { header: '记录人', width: 8 },
    ],
    rows: src.events.map(({ event, role: by, onBehalf }) => [
      clock(event.at),
      describeEvent(forReport(event, view.incident.matter), 'zh', plan, clock, measures),
      'clause' in event ? event.clause : '',
      by ? `${role(by)}${onBehalf ? '(代录)' : ''}` : '',
    ]),
  });

  body.push({ kind: 'heading', text: '三、到场情况' });
  if (state.summons.length === 0) para('本事件未通知有关人员到场。');
  else {
    const totals = accountability(state).map((u) => {
      const parts = [`通知${u.summoned}人次`, u.on_time ? `按时到场${u.on_time}` : '', u.late ? `迟到${u.late}` : '', u.missed ? `未到场${u.missed}` : '', u.stood_down ? `解除${u.stood_down}` : '', u.pending ? `待到场${u.pending}` : ''];
      return `${unitName(plan, u.unit, 'zh')}${parts.filter(Boolean).join(',')}`;
    });
    para(`共通知${state.summons.length}人次到场:${totals.join(';')}。到场时限按预案工作纪律计算,已解除的(现场处置结束时尚未到时限)不计迟到或未到场。`);
    body.push({
      kind: 'table',
      columns: [
        { header: '被通知人', width: 9 },
        { header: '事由', width: 5 },
        { header: '通知时间', width: 5 },
        { header: '到场时限', width: 5 },
        { header: '到场时间', width: 5 },
        { header: '结果', width: 5 },
      ],
      rows: state.summons.map((x) => [
        role(x.role),
        t('zh', `reason.${x.reason}`),
        clock(x.issuedAt),
        clock(x.deadline),
        x.arrivedAt !== null ? clock(x.arrivedAt) : x.stoodDownAt !== null ? `解除 ${clock(x.stoodDownAt)}` : '—',
        t('zh', `summons.${x.status}`),
      ]),
    });
  }

  body.push({ kind: 'heading', text: '四、处置措施' });
  if (measures.length === 0) para('未提请或采取处置措施。');
  else {
    const byWhom = (type: IncidentEvent['type'], id: string) => src.events.find((e) => e.event.type === type && 'id' in e.event && e.event.id === id)?.role ?? null;
    para('重大措施须经县委、县政府领导批准后实施;紧急情况下未经事先批准实施的,予以标记,并列入问责报告。');
    body.push({
      kind: 'table',
      columns: [
        { header: '措施', width: 6 },
        { header: '法律依据', width: 8 },
        { header: '提请', width: 7 },
        { header: '批准', width: 7 },
        { header: '实施', width: 7 },
      ],
      rows: measures.map((m) => [
        `${measureLabel(measures, m.id, 'zh')}${m.major ? '\n(重大措施)' : ''}`,
        m.basis,
        `${clock(m.requestedAt)}\n${role(byWhom('measure_requested', m.id))}`,
        m.approvedAt !== null
          ? `${clock(m.approvedAt)}\n${role(m.approvedBy)}批准${m.takenAt !== null && m.approvedAt > m.takenAt ? '(事后补批)' : ''}`
          : m.declinedAt !== null
            ? `${clock(m.declinedAt)}\n${role(m.declinedBy)}不同意:${m.declineReason ?? ''}`
            : m.major
              ? '未批准'
              : '无须批准',
        m.takenAt === null
          ? '未实施'
          : `${clock(m.takenAt)}\n${role(byWhom('measure_taken', m.id))}${m.flagged ? '\n未经事先批准,已标记' : ''}${m.takeReason ? `\n理由:${m.takeReason}` : ''}`,
      ]),
    });
  }

  body.push({ kind: 'heading', text: '五、证据材料' });
  if (state.evidence.length === 0) para('未提交证据材料。');
  state.evidence.forEach((e, i) => {
    para(`${i + 1}. ${e.name}(${e.mediaType},${e.size}字节),${full(e.at)}提交。SHA-256:`);
    body.push({ kind: 'code', text: e.sha256 });
  });

  body.push({ kind: 'heading', text: '六、后续办理' });
  if (state.cases.length === 0) para('尚未转为信访事项办理。');
  else {
    para('现场处置结束后,反映事项已按预案转为信访事项,依照《信访工作条例》规定的时限受理、办理。信访人凭查询码查询办理进度;查询码由承办单位告知信访人,本报告不予载明。');
    body.push({
      kind: 'table',
      columns: [
        { header: '办理途径', width: 7 },
        { header: '承办', width: 7 },
        { header: '转办时间', width: 5 },
        { header: '受理时限', width: 6 },
        { header: '办结时限', width: 6 },
        { header: '依据', width: 4 },
      ],
      rows: state.cases.map((c, i) => [
        `${t('zh', `route.${c.route}`)}${view.cases[i]?.id ? `\n编号 ${view.cases[i]!.id}` : ''}`,
        handlerName(plan, c.handler, 'zh'),
        clock(c.openedAt),
        full(c.acceptBy),
        full(c.due),
        c.clause,
      ]),
    });
  }

  body.push({ kind: 'heading', text: '七、记录核验' });
  if (src.drill) {
    para(
      `本报告为演练记录:演练场景《${src.drill.title}》(${src.drill.file})在虚拟时钟上按预案《${plan.file.title.zh}》(${plan.id} ${plan.version})运行生成,` +
        '不写入事件记录,不计入问责统计。预案摘要:',
    );
    body.push({ kind: 'code', text: plan.digest });
  } else if (src.chain) {
    para(
      `本报告依据事件记录生成,处置经过中每一事件均已写入防篡改的事件记录(哈希链)。打印时记录共${src.chain.seq}条,` +
        `链头为第${src.chain.seq}条,其哈希值如下;可在系统“审计校验”中核对本报告与记录是否一致:`,
    );
    body.push({ kind: 'code', text: src.chain.hash ?? '—' });
  }

  const doc: OfficialDocument = {
    title: `${venue}信访事件处置报告${src.drill ? '(演练)' : ''}`,
    addressee: `${plan.file.working_group.label.zh}:`,
    body,
    issuer: plan.file.working_group.label.zh,
    date: zhDate(src.printedAt),
    subject: `事件处置报告 ${state.id}`,
    ...(src.drill ? { mark: '演  练' } : {}),
  };
  return withheldFrom(doc, src.secrets);
}

/**
 * An event as the report describes it: the matter as the reader may read it, and never a
 * tracking code (the describer names one when the event carries it).
 */
function forReport(e: IncidentEvent, matter: string): IncidentEvent {
  if (e.type === 'incident_reported') return { ...e, matter };
  if (e.type === 'case_opened') return { ...e, tracking_code: '' };
  return e;
}

/** Every text of a document with the secrets withheld: notes and reasons may quote what the reader may not read. */
function withheldFrom(doc: OfficialDocument, secrets: readonly string[]): OfficialDocument {
  if (!secrets.length) return doc;
  const w = (text: string) => withhold(text, secrets);
  return {
    ...doc,
    title: w(doc.title),
    body: doc.body.map((b) => (b.kind === 'table' ? { ...b, rows: b.rows.map((r) => r.map(w)) } : { ...b, text: w(b.text) })),
  };
}

/** The file name without extension: 事件处置报告-<venue>-<day>[-演练]. */
export function incidentReportName(src: Pick<IncidentReportSource, 'plan' | 'state' | 'drill' | 'zone'>): string {
  const venue = src.plan.org.venues.find((v) => v.id === src.state.venue)?.name.zh ?? src.state.venue;
  const w = clockOf(src.zone)(src.state.reportedAt);
  return `事件处置报告-${venue}-${w.year}${pad(w.month)}${pad(w.day)}${src.drill ? '-演练' : ''}`;
}

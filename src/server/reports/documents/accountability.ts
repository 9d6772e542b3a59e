import { wallClockAt } from '../../../engine/county-time.js';
import { DAY } from '../../../plan/duration.js';
import type { Plan } from '../../../plan/plan.js';
import type { Assessment } from '../accountability/assessment.js';
import type { Notice } from '../accountability/notice.js';
import type { Block, OfficialDocument } from './official.js';

/*
 * The accountability documents in the official layout (§5.2): the draft notice (通报) that the
 * working group edits and issues, and the year-end assessment (年终信访考核). Their figures and
 * words come from the accountability reports; this only sets them as documents. Pure.
 */

const zhDate = (ms: number, plan: Plan) => {
  const w = wallClockAt(ms, plan.org.timezone);
  return `${w.year}年${w.month}月${w.day}日`;
};

/**
 * The draft notice as a document. Its text (`noticeDraft`) is written as a document already:
 * the title, "(草稿)", the addressee ending in a colon, paragraphs indented, one line per unit
 * named ("一、…"), and the issuing body and date as its last two lines. Lines keep their words;
 * only their place in the layout is taken from that shape.
 */
export function noticeDocument(notice: Notice): OfficialDocument {
  const lines = notice.text.split('\n');
  const [title = '', ...rest] = lines;
  const filled = rest.map((l) => l.trim()).filter(Boolean);
  const subtitle = filled[0]?.startsWith('(') || filled[0]?.startsWith('(') ? filled.shift() : undefined;
  const addressee = filled[0] && /[::]$/.test(filled[0]) ? filled.shift() : undefined;
  const date = filled.pop() ?? '';
  const issuer = filled.pop() ?? '';
  const body: Block[] = filled.map((text) => (/^[一二三四五六七八九十]+、/.test(text) ? { kind: 'heading', text } : { kind: 'paragraph', text }));
  return {
    title,
    ...(subtitle ? { subtitle } : {}),
    ...(addressee ? { addressee } : {}),
    body,
    issuer,
    date,
    subject: `通报(草稿)${notice.period.from.slice(0, 10)}至${notice.period.to.slice(0, 10)}`,
  };
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const minutes = (m: number | null) => (m === null ? '—' : m.toFixed(1));

/** The year-end assessment as a document: arrival discipline and case deadlines, one row per unit, two tables. */
export function assessmentDocument(a: Assessment, plan: Plan, now: number): OfficialDocument {
  const from = a.period.from.slice(0, 10);
  const last = a.period.to.slice(0, 10);
  const sum = (f: (r: Assessment['rows'][number]) => number) => a.rows.reduce((n, r) => n + f(r), 0);
  const summoned = sum((r) => r.summoned);
  const onTime = sum((r) => r.on_time);
  const arrival = plan.file.discipline.arrival;
  const body: Block[] = [
    {
      kind: 'paragraph',
      text:
        `根据《${plan.file.title.zh}》工作纪律(${arrival.clause}、${arrival.police.clause})和《信访工作条例》规定的办理时限,` +
        `现将${a.year}年度(${from}至${last})各单位信访应急处置到场纪律和信访事项办理时限情况汇总如下。`,
    },
    { kind: 'heading', text: '一、到场纪律' },
    {
      kind: 'paragraph',
      text:
        `全年共发出到场通知${summoned}次,按时到场${onTime}次,迟到${sum((r) => r.late)}次,未到场${sum((r) => r.missed)}次,` +
        `因现场处置结束解除${sum((r) => r.stood_down)}次;未经事先批准采取处置措施${sum((r) => r.unapproved_measures)}次。`,
    },
    {
      kind: 'table',
      columns: [
        { header: '单位', width: 8 },
        { header: '通知(次)', width: 4 },
        { header: '按时', width: 3 },
        { header: '迟到', width: 3 },
        { header: '未到', width: 3 },
        { header: '解除', width: 3 },
        { header: '按时率', width: 4 },
        { header: '用时中位数(分)', width: 4 },
        { header: '未经批准措施', width: 4 },
      ],
      rows: a.rows.map((r) => [r.name.zh, String(r.summoned), String(r.on_time), String(r.late), String(r.missed), String(r.stood_down), percent(r.on_time_rate), minutes(r.median_minutes), String(r.unapproved_measures)]),
    },
    { kind: 'heading', text: '二、信访事项办理时限' },
    {
      kind: 'paragraph',
      text: `全年各单位共承办信访事项${sum((r) => r.cases)}件。受理时限${plan.deadlines.acceptance / DAY}日(《信访工作条例》第二十二条),办理时限${plan.deadlines.handling / DAY}日(第三十四条)。`,
    },
    {
      kind: 'table',
      columns: [
        { header: '单位', width: 8 },
        { header: '承办(件)', width: 4 },
        { header: '按期受理', width: 4 },
        { header: '受理超期', width: 4 },
        { header: '按期受理率', width: 4 },
        { header: '按期办结', width: 4 },
        { header: '办理超期', width: 4 },
        { header: '按期办结率', width: 4 },
      ],
      rows: a.rows.map((r) => [
        r.name.zh,
        String(r.cases),
        String(r.acceptance.on_time),
        String(r.acceptance.late + r.acceptance.overdue),
        percent(r.acceptance.rate),
        String(r.handling.on_time),
        String(r.handling.late + r.handling.overdue),
        percent(r.handling.rate),
      ]),
    },
    { kind: 'paragraph', text: '以上情况由系统依据事件记录和信访事项记录生成,演练不计入。' },
  ];
  return {
    title: `${a.year}年度信访工作考核情况`,
    body,
    issuer: plan.file.working_group.label.zh,
    date: zhDate(now, plan),
    subject: `${a.year}年度信访工作考核`,
  };
}

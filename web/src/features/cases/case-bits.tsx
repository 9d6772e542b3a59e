import { Steps, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { CaseApiEvent, Lang } from '../../../../src/api';
import { wallClockText } from '../../../../src/api/county-time';
import { handlerName } from '../../../../src/api/describe';
import type { PlanLike } from '../../shared/plan-context';
import { useT } from '../../shared/i18n';
import { dateTime } from '../../shared/incident-bits';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The five stages a case passes through; the review stage covers review, its decision and the second review. */
const STEPS = ['registered', 'accepted', 'replied', 'review', 'closed'] as const;
const STEP_OF: Record<string, number> = { registered: 0, accepted: 1, replied: 2, review: 3, reviewed: 3, second_review: 3, closed: 4 };

/** Where a case stands: registered → accepted → replied → review → closed (rules.md). */
export function CaseSteps({ status, notAccepted = false }: { status: string; notAccepted?: boolean }) {
  const { t } = useT();
  const current = STEP_OF[status] ?? 0;
  return (
    <Steps
      size="small"
      // Five short titles fit a phone's width side by side: no need to stack them.
      responsive={false}
      titlePlacement="vertical"
      current={current}
      status={status === 'closed' ? 'finish' : 'process'}
      items={STEPS.map((s, i) => ({
        title: t(`case.step.${s}`),
        ...(notAccepted && i === 1 ? { title: t('case.notAccepted'), status: 'error' as const } : {}),
      }))}
      data-testid="case-steps"
    />
  );
}

const STATUS_COLOR: Record<string, string> = { registered: 'blue', accepted: 'geekblue', replied: 'cyan', review: 'purple', reviewed: 'purple', second_review: 'magenta', closed: 'default' };

export function CaseStatusTag({ status }: { status: string }) {
  const { t } = useT();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid="case-status">
      {t(`case.status.${status}`)}
    </Tag>
  );
}

/** The article of the petition regulation a deadline comes from. */
export const DEADLINE_ARTICLE: Record<string, number> = { acceptance: 22, handling: 34, review: 35, second_review: 36 };

/** `第二十二条` / `Art. 22`: a regulation article, cited next to the date it sets. */
export function Article({ n }: { n: number }) {
  const { t } = useT();
  return <Tag className="case-article">{t(`case.art.${n}`)}</Tag>;
}

/** Re-renders every minute (day-scale deadlines need no second hand); the time is read at each render. */
function useMinute(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
}

/** Days and hours, the scale of the regulation's deadlines. */
function span(ms: number, t: (k: string, v?: Record<string, unknown>) => string): string {
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  if (days > 0) return t('case.span.dh', { d: days, h: hours });
  if (hours > 0) return t('case.span.h', { h: hours });
  return t('case.span.m', { m: Math.max(1, Math.ceil(ms / 60_000)) });
}

/**
 * How long until a case deadline, or how long it is overdue. Amber within the reminder period
 * (3 days by default, Art. 43–45), red once passed.
 */
export function DueIn({ due, reminder = 3 * DAY }: { due: string; reminder?: number }) {
  const { t } = useT();
  useMinute();
  const left = Date.parse(due) - Date.now();
  if (left < 0) {
    return (
      <Tag color="red" data-testid="deadline-overdue">
        {t('case.overdue')} {span(-left, t)}
      </Tag>
    );
  }
  return (
    <Tag color={left <= reminder ? 'orange' : 'green'} data-testid="deadline-left">
      {t('case.left')} {span(left, t)}
    </Tag>
  );
}

/** The deadline a case runs against now: its kind, article, date and countdown. */
export function DeadlineLine({ deadline }: { deadline: { kind: string; due: string; overdue: boolean } }) {
  const { t } = useT();
  return (
    <span data-testid="case-deadline">
      {t(`case.deadline.${deadline.kind}`)} {dateTime(deadline.due)} <Article n={DEADLINE_ARTICLE[deadline.kind] ?? 22} /> <DueIn due={deadline.due} />
    </span>
  );
}

/** An instant in the county's zone: ISO strings as sent, or epoch milliseconds some events carry. */
export function countyInstant(value: unknown, timezone: string): string {
  if (typeof value === 'string') return dateTime(value);
  if (typeof value !== 'number') return '—';
  return wallClockText(value, timezone);
}

/** Normalizes what a petitioner types into a tracking code: case, spaces and dashes do not matter. */
export function normalizeCode(raw: string): string {
  let s = raw.toUpperCase().replace(/[^0-9A-Z]/g, '');
  if (s.startsWith('YJ')) s = s.slice(2);
  if (s.length !== 16) return raw.trim().toUpperCase().replace(/\s+/g, '');
  // Crockford base32 reads O as 0 and I, L as 1: a code copied by hand still matches.
  s = s.replace(/O/g, '0').replace(/[IL]/g, '1');
  return `YJ-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12)}`;
}

/**
 * One line saying what a case event means, for the case timeline. Personal data never appears
 * in events; a read shows only who read and why.
 */
export function describeCaseEvent(e: CaseApiEvent, t: (k: string, v?: Record<string, unknown>) => string, lang: Lang, plan: PlanLike): string {
  const tz = plan.org.timezone;
  const when = (v: unknown) => countyInstant(v, tz);
  const who = (h: unknown) => handlerName(plan, String(h), lang);
  const sep = t('plan.listSep');
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (e.type) {
    case 'case_registered':
      return t('case.event.case_registered', { route: t(`route.${str(e.route)}`), handler: who(e.handler), due: when(e.accept_by) });
    case 'case_accepted':
      return t('case.event.case_accepted', { due: when(e.due) });
    case 'case_not_accepted':
      return t('case.event.case_not_accepted', { reason: str(e.reason) }) + (e.channel ? ` · ${t(`case.channel.${str(e.channel)}`)}` : '');
    case 'case_forwarded':
      return t('case.event.case_forwarded', { to: who(e.to), reason: str(e.reason), by: when(e.object_by) });
    case 'case_objected':
      return t('case.event.case_objected', { reason: str(e.reason), to: who(e.back_to) });
    case 'case_extended':
      return t('case.event.case_extended', { days: e.days, reason: str(e.reason), approver: who(e.approved_by), due: when(e.due) });
    case 'reception_scheduled':
      return t('case.event.reception_scheduled', { on: str(e.on), place: str(e.place) }) + (Array.isArray(e.units) && e.units.length ? ` · ${e.units.map(who).join(sep)}` : '');
    case 'reception_held':
      return t('case.event.reception_held', { summary: str(e.summary) });
    case 'case_handed_over':
      return t('case.event.case_handed_over', { to: who(e.to), note: str(e.note) });
    case 'opinion_recorded':
      return t('case.event.opinion_recorded', { kind: t(`case.opinion.${str(e.kind)}`), text: str(e.text) }) + (e.channel ? ` · ${t(`case.channel.${str(e.channel)}`)}` : '');
    case 'case_replied':
      return t('case.event.case_replied', { by: when(e.review_by) });
    case 'case_rated':
      return t('case.event.case_rated', { value: t(`case.rating.${str(e.value)}`) }) + (e.comment ? `:${str(e.comment)}` : '');
    case 'review_requested':
      return t(`case.event.review_requested.${Number(e.level) === 2 ? 2 : 1}`, { by: when(e.decide_by) });
    case 'review_decided':
      return t(`case.event.review_decided.${Number(e.level) === 2 ? 2 : 1}`, { result: t(`case.reviewResult.${str(e.result)}`), text: str(e.text) });
    case 'case_deadline_reminder':
      return t('case.event.case_deadline_reminder', { deadline: t(`case.deadline.${str(e.deadline)}`), due: when(e.due) });
    case 'case_deadline_missed':
      return t('case.event.case_deadline_missed', { deadline: t(`case.deadline.${str(e.deadline)}`), due: when(e.due) });
    case 'case_closed':
      return t('case.event.case_closed', { reason: t(`case.closedBy.${str(e.reason)}`) });
    case 'personal_data_read':
      return t('case.event.personal_data_read', { purpose: str(e.purpose) });
    case 'personal_data_erased':
      return t('case.event.personal_data_erased');
    default:
      // An event newer than this page: its type, untranslated.
      return (e as { type: string }).type;
  }
}

/**
 * A link to a follow-up case. The server names a case on an incident only to those who may open
 * it (an accused unit never sees a complaint about itself), so the link never leads to a 404.
 */
export function CaseLink({ id }: { id: string }) {
  const { t } = useT();
  return (
    <Link to={`/cases/${id}`} data-testid="case-open">
      {t('incident.openCase')}
    </Link>
  );
}

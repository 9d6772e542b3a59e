import { Alert, Button, Card, Col, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Modal, Popconfirm, Radio, Row, Select, Space, Spin, Tag, Timeline, Typography, type DescriptionsProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { CaseDetail, CasePersonal, Channel, Opinion, ReviewResult } from '../../../../src/api';
import { handlerName } from '../../../../src/api/describe';
import { DAY, parseDuration } from '../../../../src/api/duration';
import { ApiError, errorText, get, post } from '../../shared/http';
import { Article, CaseStatusTag, CaseSteps, DeadlineLine, describeCaseEvent, DueIn } from './case-bits';
import { dateTime, MatterText } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';
import { SearchSelect } from '../../shared/search-select';

const OPINIONS = ['supports', 'explains', 'not_supported', 'refer_channel'] as const satisfies readonly Opinion[];
const CHANNELS = ['litigation', 'arbitration', 'reconsideration', 'other'] as const satisfies readonly Channel[];
const REVIEW_RESULTS = ['upheld', 'changed'] as const satisfies readonly ReviewResult[];
/** Commands confirmed with one tap; the others open a form. */
const CONFIRMED = new Set(['accept', 'reply', 'request_review']);
/** Commands shown in the route panel rather than among the general actions. */
const ROUTE_WORK = new Set(['schedule_reception', 'record_reception', 'hand_over']);

/** The head of the handling unit, who approves an extension (Art. 34); a county leader handles as themself. */

/** Issues a command; true when accepted. A refusal is kept in `refusal` for the page and the open form to show. */
interface Send {
  (command: Record<string, unknown>): Promise<boolean>;
  refusal: string | null;
  clear(): void;
}

/**
 * One follow-up case for those who may see it: where it stands, every date with the article
 * that sets it, the work its route calls for, the actions open to the user, the petitioner's
 * personal data on an audited read, and the timeline.
 */
export function CasePage() {
  const { id = '' } = useParams();
  const { t, lang } = useT();
  const [c, setC] = useState<CaseDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      setC(await get<CaseDetail>(`/api/cases/${id}`));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setMissing(true);
      else throw err;
    }
  }, [id]);
  useEffect(() => {
    setC(null);
    setMissing(false);
    void reload();
  }, [reload]);

  const send: Send = Object.assign(
    async (command: Record<string, unknown>) => {
      setBusy(true);
      setRefusal(null);
      try {
        await post(`/api/cases/${id}/commands`, command);
        await reload();
        return true;
      } catch (err) {
        setRefusal(errorText(err, t, 'case.rejection'));
        // Someone else may have acted meanwhile: show the case as it now stands.
        if (err instanceof ApiError && err.status === 409) await reload();
        return false;
      } finally {
        setBusy(false);
      }
    },
    { refusal, clear: () => setRefusal(null) },
  );

  if (missing) return <Empty description={t('case.notFound')} data-testid="case-missing" />;
  if (!c) return <Spin />;
  return (
    <div className="case-page">
      <div>
        <Link to="/cases">← {t('cases.title')}</Link>
      </div>
      <Space wrap style={{ margin: '8px 0' }} align="center">
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="case-title">
          <MatterText matter={c.matter} withheld={c.matter_withheld} />
        </Typography.Title>
        <CaseStatusTag status={c.status} />
        <Tag color="volcano">
          {t(`route.${c.route}`)} {c.clause}
        </Tag>
        <Tag>{t(`category.${c.category}`)}</Tag>
      </Space>
      <div style={{ marginBottom: 12 }}>
        {c.tracking_code && (
          <>
            {t('label.tracking_code')}{' '}
            <Typography.Text copyable code data-testid="case-tracking-code">
              {c.tracking_code}
            </Typography.Text>{' '}
            ·{' '}
          </>
        )}
        {t('label.handler')} <b data-testid="case-handler">{c.handler_name[lang]}</b>
        {c.incident && (
          <>
            {' '}
            · <Link to={`/incidents/${c.incident}`}>{t('case.fromIncident')}</Link>
          </>
        )}
      </div>
      <CaseSteps status={c.status} notAccepted={c.not_accepted !== null} />
      {refusal && <Alert type="error" showIcon title={t('action.rejected')} description={refusal} closable onClose={() => setRefusal(null)} style={{ marginTop: 12 }} data-testid="case-refusal" />}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('incident.actions')}>
            <CaseActions c={c} send={send} busy={busy} />
          </Card>
          <Card size="small" title={t(`case.routePanel.${c.route}`)} style={{ marginTop: 16 }} data-testid="route-panel">
            <RoutePanel c={c} send={send} busy={busy} />
          </Card>
          <Card size="small" title={t('case.personal')} style={{ marginTop: 16 }}>
            <PersonalPanel c={c} onRead={() => void reload()} />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('case.dates')}>
            <CaseDates c={c} />
          </Card>
          <Card size="small" title={t('incident.timeline')} style={{ marginTop: 16 }}>
            <CaseTimeline c={c} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/** The general actions open to the user now: only the commands the server lists as allowed. */
function CaseActions({ c, send, busy }: { c: CaseDetail; send: Send; busy: boolean }) {
  const { t } = useT();
  const general = c.allowed.filter((name) => !ROUTE_WORK.has(name) && !(name === 'forward' && c.route === 'discipline_inspection'));
  if (!general.length) return <Alert type="info" title={t('incident.noActions')} />;
  return (
    <Space wrap data-testid="case-actions">
      {general.map((name) => (
        <CommandButton key={name} c={c} name={name} send={send} busy={busy} />
      ))}
    </Space>
  );
}

/** A command: one tap with a confirmation, or a button opening its form. */
function CommandButton({ c, name, send, busy }: { c: CaseDetail; name: string; send: Send; busy: boolean }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const primary = ['accept', 'reply', 'opinion', 'decide_review'].includes(name);
  if (CONFIRMED.has(name)) {
    return (
      <Popconfirm title={t(`case.confirm.${name}`)} onConfirm={() => void send({ do: name })} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
        <Button type={primary ? 'primary' : 'default'} loading={busy} data-testid={`case-cmd-${name}`}>
          {t(`case.cmd.${name}`)}
        </Button>
      </Popconfirm>
    );
  }
  return (
    <>
      <Button type={primary ? 'primary' : 'default'} danger={name === 'not_accept'} loading={busy} onClick={() => { send.clear(); setOpen(true); }} data-testid={`case-cmd-${name}`}>
        {t(`case.cmd.${name}`)}
      </Button>
      {open && <CommandForm c={c} name={name} send={send} busy={busy} onClose={() => setOpen(false)} />}
    </>
  );
}

interface CommandValues {
  reason?: string;
  channel?: Channel;
  to?: string;
  days?: number;
  on?: Dayjs;
  place?: string;
  units?: string[];
  summary?: string;
  note?: string;
  kind?: Opinion;
  text?: string;
  result?: ReviewResult;
}

/** The form for one command, in a dialog; closes once the command is accepted, stays open with the reason when refused. */
function CommandForm({ c, name, send, busy, onClose }: { c: CaseDetail; name: string; send: Send; busy: boolean; onClose: () => void }) {
  const { t, lang } = useT();
  const { info, plan, unit, role } = usePlan();
  const [form] = Form.useForm<CommandValues>();
  const kind = Form.useWatch('kind', form);
  const extensionDays = Math.floor((parseDuration(info.plan.follow_up.deadlines.extension) ?? 30 * DAY) / DAY);
  const forwardTargets =
    c.route === 'discipline_inspection'
      ? (info.plan.follow_up.routes.find((r) => r.route === c.route)?.may_forward_to ?? [])
      : info.organization.units.filter((u) => u.id !== c.handler && !['leadership', 'external'].includes(u.kind)).map((u) => u.id);
  const text = (field: keyof CommandValues, label: string, required = true) => (
    <Form.Item name={field} label={label} rules={[{ required, whitespace: true, max: 4000 }]}>
      <Input.TextArea rows={3} data-testid={`cmd-${field}`} />
    </Form.Item>
  );
  const channelSelect = (required: boolean) => (
    <Form.Item name="channel" label={t('case.channel')} rules={[{ required }]}>
      <Select allowClear={!required} data-testid="cmd-channel" options={CHANNELS.map((ch) => ({ value: ch, label: t(`case.channel.${ch}`) }))} />
    </Form.Item>
  );
  const fields: Record<string, ReactNode> = {
    not_accept: (
      <>
        {text('reason', t('action.reason'))}
        {channelSelect(false)}
      </>
    ),
    forward: (
      <>
        <Form.Item name="to" label={t('case.forwardTo')} rules={[{ required: true }]} initialValue={forwardTargets.length === 1 ? forwardTargets[0] : undefined}>
          <SearchSelect data-testid="cmd-to" options={forwardTargets.map((u) => ({ value: u, label: unit(u, lang) }))} />
        </Form.Item>
        {text('reason', t('action.reason'))}
        <Typography.Text type="secondary">{t('case.forwardHint')}</Typography.Text>
      </>
    ),
    object: text('reason', t('case.objectReason')),
    extend: (
      <>
        <Form.Item name="days" label={t('case.extendDays', { max: extensionDays })} rules={[{ required: true }, { type: 'number', min: 1, max: extensionDays }]}>
          <InputNumber min={1} max={extensionDays} inputMode="numeric" data-testid="cmd-days" />
        </Form.Item>
        {text('reason', t('case.extendReason'))}
        <Form.Item label={t('label.approved_by')} extra={t('forbidden.case.extend')}>
          <Input value={role(c.head, lang)} disabled data-testid="cmd-approved-by" />
        </Form.Item>
      </>
    ),
    schedule_reception: (
      <>
        <Form.Item name="on" label={t('case.receptionOn')} rules={[{ required: true }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="cmd-on" />
        </Form.Item>
        <Form.Item name="place" label={t('case.receptionPlace')} rules={[{ required: true, whitespace: true }]}>
          <Input data-testid="cmd-place" />
        </Form.Item>
        <Form.Item name="units" label={t('case.receptionUnits')} initialValue={c.units}>
          <SearchSelect mode="multiple" data-testid="cmd-units" options={info.organization.units.map((u) => ({ value: u.id, label: u.name[lang] }))} />
        </Form.Item>
      </>
    ),
    record_reception: text('summary', t('case.receptionSummary')),
    hand_over: text('note', t('case.handOverNote')),
    opinion: (
      <>
        <Form.Item name="kind" label={t('case.opinionKind')} rules={[{ required: true }]}>
          <Radio.Group data-testid="cmd-kind" options={OPINIONS.map((o) => ({ value: o, label: t(`case.opinion.${o}`) }))} />
        </Form.Item>
        {kind === 'refer_channel' && channelSelect(true)}
        {text('text', t('case.opinionText'))}
      </>
    ),
    decide_review: (
      <>
        <Form.Item name="result" label={t('case.reviewResult')} rules={[{ required: true }]}>
          <Radio.Group data-testid="cmd-result" options={REVIEW_RESULTS.map((r) => ({ value: r, label: t(`case.reviewResult.${r}`) }))} />
        </Form.Item>
        {text('text', t('case.reviewText'))}
      </>
    ),
  };
  const build = (v: CommandValues): Record<string, unknown> => {
    switch (name) {
      case 'not_accept':
        return { do: name, reason: v.reason?.trim(), ...(v.channel ? { channel: v.channel } : {}) };
      case 'forward':
        return { do: name, to: v.to, reason: v.reason?.trim() };
      case 'object':
        return { do: name, reason: v.reason?.trim() };
      case 'extend':
        return { do: name, days: v.days, reason: v.reason?.trim(), approved_by: c.head };
      case 'schedule_reception':
        return { do: name, on: v.on?.format('YYYY-MM-DD HH:mm'), place: v.place?.trim(), units: v.units ?? [] };
      case 'record_reception':
        return { do: name, summary: v.summary?.trim() };
      case 'hand_over':
        return { do: name, note: v.note?.trim() };
      case 'opinion':
        return { do: name, kind: v.kind, text: v.text?.trim(), ...(v.kind === 'refer_channel' ? { channel: v.channel } : {}) };
      case 'decide_review':
        return { do: name, result: v.result, text: v.text?.trim() };
      default:
        return { do: name };
    }
  };
  return (
    <Modal open title={t(`case.cmd.${name}`)} onCancel={onClose} confirmLoading={busy} okText={t('action.submit')} destroyOnHidden
      onOk={() => form.submit()} okButtonProps={{ 'data-testid': 'cmd-submit' } as never}
    >
      <Form<CommandValues> form={form} layout="vertical" onFinish={async (v) => (await send(build(v))) && onClose()}>
        {fields[name] ?? null}
      </Form>
      {send.refusal && <Alert type="error" showIcon title={t('action.rejected')} description={send.refusal} style={{ marginBottom: 8 }} data-testid="cmd-refusal" />}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t(`case.cmdBasis.${name}`)} · {handlerName(plan, c.handler, lang)}
      </Typography.Text>
    </Modal>
  );
}

/** The work the case's route calls for (§4.2): a reception, the inspection team, the hand-over. */
function RoutePanel({ c, send, busy }: { c: CaseDetail; send: Send; busy: boolean }) {
  const { t, lang } = useT();
  const { unit, role } = usePlan();
  const work = c.allowed.filter((name) => ROUTE_WORK.has(name) || (name === 'forward' && c.route === 'discipline_inspection'));
  const items: DescriptionsProps['items'] = [];
  if (c.route === 'joint_reception' || c.route === 'county_leader_reception') {
    if (c.reception) {
      items.push(
        { key: 'on', label: t('case.receptionOn'), children: <span data-testid="reception-on">{c.reception.on}</span> },
        { key: 'place', label: t('case.receptionPlace'), children: c.reception.place },
        { key: 'units', label: t('case.receptionUnits'), children: c.reception.units.map((u) => unit(u, lang)).join(t('plan.listSep')) || t('common.none') },
      );
      if (c.reception.leader) items.push({ key: 'leader', label: t('case.receptionLeader'), children: role(c.reception.leader, lang) });
      items.push({ key: 'held', label: t('case.receptionHeld'), children: c.reception.held_at ? `${dateTime(c.reception.held_at)} · ${c.reception.summary ?? ''}` : t('case.receptionPending') });
    } else {
      items.push({ key: 'none', label: t('case.reception'), children: t('case.receptionNone') });
    }
  } else if (c.route === 'discipline_inspection') {
    const sent = c.forwards;
    items.push({ key: 'rule', label: t('case.discipline'), children: t('case.disciplineRule') });
    items.push({
      key: 'forwarded',
      label: t('case.inspectionTeam'),
      children: sent.length ? sent.map((f) => `${unit(f.to, lang)} · ${dateTime(f.at)}`).join(';') : t('case.inspectionNotYet'),
    });
  } else if (c.route === 'hand_back') {
    items.push({ key: 'rule', label: t('case.handBack'), children: t('case.handBackRule') });
    items.push({ key: 'handed', label: t('case.handedOver'), children: c.handed_over ? `${dateTime(c.handed_over.at)} · ${c.handed_over.note}` : t('case.handOverPending') });
  } else {
    items.push({ key: 'rule', label: t('route.responsible_unit'), children: t('case.responsibleRule') });
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={1} items={items} />
      {work.length > 0 && (
        <Space wrap>
          {work.map((name) => (
            <CommandButton key={name} c={c} name={name} send={send} busy={busy} />
          ))}
        </Space>
      )}
    </Space>
  );
}

/** Every date of the case with the article of the petition regulation it comes from. */
function CaseDates({ c }: { c: CaseDetail }) {
  const { t, lang } = useT();
  const { unit, role } = usePlan();
  const items: NonNullable<DescriptionsProps['items']> = [];
  const add = (key: string, label: string, children: ReactNode, article?: number) =>
    items.push({ key, label, children: <span data-testid={`date-${key}`}>{children}{article !== undefined && <> <Article n={article} /></>}</span> });

  if (c.deadline) add('running', t('case.runningDeadline'), <DeadlineLine deadline={c.deadline} />);
  add('registered', t('case.registeredAt'), dateTime(c.registered_at));
  add('units', t('label.units'), c.units.map((u) => unit(u, lang)).join(t('plan.listSep')));
  add('headcount', t('cases.headcount'), `${c.headcount} ${t('common.people')}`);
  if (c.representatives > 0) add('representatives', t('case.representatives'), c.representatives, 20);
  add('accept_by', t('label.accept_by'), dateTime(c.accept_by), 22);
  if (c.accepted_at) add('accepted', t('case.acceptedAt'), dateTime(c.accepted_at), 22);
  if (c.not_accepted) {
    add('not_accepted', t('case.notAccepted'), `${dateTime(c.decided_at)} · ${c.not_accepted.reason}${c.not_accepted.channel ? ` · ${t(`case.channel.${c.not_accepted.channel}`)}` : ''}`, c.not_accepted.channel ? 31 : 22);
  }
  c.forwards.forEach((f, i) =>
    add(
      `forward-${i}`,
      t('case.forwarded'),
      <>
        {dateTime(f.at)} · {unit(f.from, lang)} → {unit(f.to, lang)} · {f.reason} · {t('case.objectBy')} {dateTime(f.object_by)}
        {f.objected_at && <Tag color="orange" style={{ marginLeft: 4 }}>{t('case.objectedAt')} {dateTime(f.objected_at)}</Tag>}
      </>,
      23,
    ),
  );
  if (c.due) add('due', t('label.due'), <>{dateTime(c.due)}{c.deadline?.kind === 'handling' && <> <DueIn due={c.due} /></>}</>, 34);
  if (c.extension) {
    add('extension', t('case.extension'), t('case.extensionText', { days: c.extension.days, reason: c.extension.reason, approver: role(c.extension.approved_by, lang), at: dateTime(c.extension.at) }), 34);
  }
  if (c.opinion) {
    add(
      'opinion',
      t('case.opinionKind'),
      <>
        <Tag color="blue" data-testid="case-opinion-kind">{t(`case.opinion.${c.opinion.kind}`)}</Tag>
        {c.opinion.channel && <Tag>{t(`case.channel.${c.opinion.channel}`)}</Tag>}
        {c.opinion.text} <Typography.Text type="secondary">({dateTime(c.opinion.at)})</Typography.Text>
      </>,
      c.opinion.kind === 'refer_channel' ? 31 : 32,
    );
  }
  if (c.replied_at) add('replied', t('case.repliedAt'), dateTime(c.replied_at), 32);
  if (c.review_by) add('review_by', t(c.reviews.length ? 'case.secondReviewBy' : 'case.reviewBy'), dateTime(c.review_by), c.reviews.length ? 36 : 35);
  c.reviews.forEach((r, i) =>
    add(
      `review-${i}`,
      t(`case.reviewLevel.${r.level}`),
      <>
        {t('case.requestedAt')} {dateTime(r.requested_at)} · {t('case.decideBy')} {dateTime(r.decide_by)}
        {r.decided_at && (
          <>
            {' '}
            · {dateTime(r.decided_at)} <Tag>{t(`case.reviewResult.${r.result}`)}</Tag>
            {r.text}
          </>
        )}
      </>,
      r.level === 2 ? 36 : 35,
    ),
  );
  c.ratings.forEach((r, i) => add(`rating-${i}`, t('case.rating'), `${t(`case.rating.${r.value}`)}${r.comment ? `:${r.comment}` : ''} (${dateTime(r.at)})`));
  if (c.closed_at) add('closed', t('case.closedAt'), `${dateTime(c.closed_at)}${c.closed_by ? ` · ${t(`case.closedBy.${c.closed_by}`)}` : ''}`, c.closed_by === 'procedure_concluded' ? 36 : undefined);
  return <Descriptions size="small" column={1} items={items} data-testid="case-dates" />;
}

/** The petitioner's name and phone for handlers: asked for with a purpose, and every read is on the record. */
function PersonalPanel({ c, onRead }: { c: CaseDetail; onRead: () => void }) {
  const { t } = useT();
  const [asking, setAsking] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [data, setData] = useState<{ personal: CasePersonal; purpose: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (c.personal_erased_at) return <Alert type="info" title={t('case.personalErased', { at: dateTime(c.personal_erased_at) })} data-testid="personal-erased" />;
  if (!c.personal) return <Typography.Text type="secondary">{t('case.personalNone')}</Typography.Text>;
  if (!c.handler_of) return <Typography.Text type="secondary">{t('case.personalHandlersOnly')}</Typography.Text>;
  const read = async () => {
    setBusy(true);
    setError(null);
    try {
      const personal = await get<CasePersonal>(`/api/cases/${c.id}/personal?purpose=${encodeURIComponent(purpose.trim())}`);
      setData({ personal, purpose: purpose.trim() });
      setAsking(false);
      setPurpose('');
      onRead();
    } catch (err) {
      setError(err instanceof ApiError && err.body.erased ? t('case.personalErased', { at: '' }) : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {data ? (
        <>
          <Descriptions
            size="small"
            column={1}
            data-testid="personal-data"
            items={[
              { key: 'name', label: t('cases.personalName'), children: <span data-testid="personal-name-value">{data.personal.name || t('common.none')}</span> },
              { key: 'phone', label: t('cases.personalPhone'), children: <span data-testid="personal-phone-value">{data.personal.phone || t('common.none')}</span> },
              ...(data.personal.representatives?.length ? [{ key: 'reps', label: t('cases.personalRepresentatives'), children: data.personal.representatives.join(t('plan.listSep')) }] : []),
            ]}
          />
          <Alert type="warning" showIcon title={t('case.personalRecorded', { purpose: data.purpose })} data-testid="personal-recorded" />
          <Button size="small" onClick={() => setData(null)}>
            {t('case.personalHide')}
          </Button>
        </>
      ) : (
        <>
          <Typography.Text type="secondary">{t('case.personalExplain')}</Typography.Text>
          <Button onClick={() => setAsking(true)} data-testid="personal-show">
            {t('case.personalShow')}
          </Button>
        </>
      )}
      {error && <Alert type="error" title={error} />}
      <Modal open={asking} title={t('case.personalShow')} onCancel={() => setAsking(false)} onOk={() => void read()} confirmLoading={busy} destroyOnHidden
        okButtonProps={{ disabled: !purpose.trim(), 'data-testid': 'personal-ok' } as never}
      >
        <Typography.Paragraph>{t('case.personalPurposeAsk')}</Typography.Paragraph>
        <Input value={purpose} maxLength={200} onChange={(e) => setPurpose(e.target.value)} placeholder={t('case.personalPurposeHint')} data-testid="personal-purpose" onPressEnter={() => purpose.trim() && void read()} />
      </Modal>
    </Space>
  );
}

/** What happened to the case, who did it, in order. */
function CaseTimeline({ c }: { c: CaseDetail }) {
  const { t, lang } = useT();
  const { plan, role } = usePlan();
  const color = (type: string) => (type === 'case_deadline_missed' ? 'red' : type === 'personal_data_read' || type === 'case_deadline_reminder' ? 'orange' : type === 'case_closed' ? 'gray' : 'blue');
  return (
    <Timeline
      data-testid="case-timeline"
      items={c.events.map((e) => ({
        key: e.seq,
        color: color(e.type),
        content: (
          <div data-testid={`case-event-${e.type}`}>
            <Typography.Text type="secondary">{dateTime(e.at)}</Typography.Text> {describeCaseEvent(e, t, lang, plan)}
            {e.actor && (
              <Typography.Text type="secondary" style={{ marginLeft: 6 }} data-testid="case-event-actor">
                {t('incident.by')} {e.type === 'case_rated' ? t('case.petitioner') : e.actor.user}
                {e.actor.role ? ` (${role(e.actor.role, lang)})` : ''}
              </Typography.Text>
            )}
          </div>
        ),
      }))}
    />
  );
}

import { Alert, App, Button, Card, Col, Descriptions, Empty, Image, Input, InputNumber, Popconfirm, Row, Select, Space, Table, Tag, Timeline, Typography, Upload } from 'antd';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useParams } from 'react-router';
import type { Allowed, IncidentApiEvent, Incident, IncidentEvent } from '../../../../src/api';
import { describeEvent, handlerName, measureLabel } from '../../../../src/api/describe';
import { ApiError, csrfToken, get } from '../../shared/http';
import { CaseLink } from '../cases/case-bits';
import { Countdown } from '../../shared/countdown';
import { DeliveryTags, OtherDeliveries, summonsDeliveries, useDeliveries } from '../../shared/deliveries';
import { clock, dateTime, MatterText, StageSteps, SummonsStatus, TierTag } from '../../shared/incident-bits';
import { ReportDownloads } from '../../shared/report-downloads';
import { SummonsCard, summonsDone } from './summons-card';
import { useT } from '../../shared/i18n';
import { usePhone } from '../board/layout';
import { live, useIncident, useIncidentStale } from '../../shared/live';
import { usePlan } from '../../shared/plan-context';
import { ActorName } from '../../shared/actor';
import { SitePlanCard } from '../site/site-plan';
import { OutboxList, useSendCommand } from '../../shared/outbox-ui';
import { outbox, useOutbox } from '../../shared/outbox';

/** One incident: what happened (timeline with the clause of each automatic step), who is summoned, and what you may do now. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const incident = useIncident(id);
  const stale = useIncidentStale(id);
  const { t, lang } = useT();
  const { venue, role, unit, plan, info } = usePlan();
  const [events, setEvents] = useState<IncidentApiEvent[]>([]);
  const [allowed, setAllowed] = useState<Allowed | null>(null);
  const [missing, setMissing] = useState(false);
  /** The last reading failed for a reason that may pass (the network, a restarting server). */
  const [failed, setFailed] = useState(false);
  const deliveries = useDeliveries(id, events.length);
  const phone = usePhone();
  const queued = useOutbox().items.filter((x) => x.incident === id);

  const reload = useCallback(async () => {
    try {
      const [evs, allow] = await Promise.all([get<IncidentApiEvent[]>(`/api/incidents/${id}/events`), get<Allowed>(`/api/incidents/${id}/allowed`)]);
      setEvents(evs);
      setAllowed(allow);
      if (!live.get(id)) await live.refresh(id);
      setFailed(false);
    } catch (err) {
      // Only the server saying there is no such incident (for this reader) makes it missing; a
      // flaky network during a reconnection leaves what is shown, and says the reading failed.
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setMissing(true);
      else setFailed(true);
    }
  }, [id]);

  useEffect(() => {
    void reload();
    const offEvent = live.onEvent(id, (e) => {
      setEvents((list) => (list.some((x) => x.seq === e.seq) ? list : [...list, e]));
      // Failing, the actions shown stay: the next event or reconnection asks again.
      get<Allowed>(`/api/incidents/${id}/allowed`).then(setAllowed, () => {});
    });
    // Events committed while the stream was down, or by a command the phone's queue sent (its
    // answer may have been lost and the repeat appended nothing), are read again.
    const offResync = live.onResync(() => void reload());
    const offSent = outbox.onSent((_item, view) => {
      if (view.id === id) void reload();
    });
    return () => {
      offEvent();
      offResync();
      offSent();
    };
  }, [id, reload]);

  if (missing) return <Empty description={t('incident.notFound')} />;
  const retry = (
    <Button size="small" onClick={() => void reload()} data-testid="incident-reload">
      {t('board.retry')}
    </Button>
  );
  const loadFailed = failed && <Alert type="warning" showIcon message={t('incident.loadFailed')} action={retry} data-testid="incident-load-failed" style={{ marginBottom: 8 }} />;
  if (!incident) return loadFailed || null;
  const i = incident.incident;
  const time = (x: unknown) => (typeof x === 'string' ? clock(x) : String(x));
  return (
    <div>
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="incident-title">
          {venue(i.venue, lang)}
        </Typography.Title>
        <Tag data-testid="incident-headcount">
          {i.headcount} {t('common.people')}
        </Tag>
        <TierTag tier={i.tier} />
        <Tag color={i.status === 'open' ? 'red' : 'default'} data-testid="incident-status">
          {t(`status.${i.status}`)}
        </Tag>
        {i.status !== 'open' && <ReportDownloads base={`/api/incidents/${encodeURIComponent(id)}/report`} />}
      </Space>
      {/* Fetching it after an event failed, retries and all: what is below may be old until a fresh view comes. */}
      {stale && <Alert type="warning" showIcon message={t('live.stale')} style={{ marginBottom: 8 }} data-testid="incident-stale" />}
      {loadFailed}
      <StageSteps stage={i.stage} size="default" />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('incident.actions')}>
            <Actions incident={incident} allowed={allowed} onDone={() => void reload()} />
          </Card>
          {queued.length > 0 && (
            <Card size="small" title={<span>{t('outbox.title')} <Tag color="orange" data-testid="incident-queued">{queued.length}</Tag></span>} style={{ marginTop: 16 }}>
              <OutboxList incident={id} testid="incident-queue" />
            </Card>
          )}
          <Card size="small" title={t('heading.incident')} style={{ marginTop: 16 }}>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('label.matter')}>
                <MatterText matter={i.matter} withheld={i.matter_withheld} />
              </Descriptions.Item>
              <Descriptions.Item label={t('label.category')}>{t(`category.${i.category}`)}</Descriptions.Item>
              <Descriptions.Item label={t('label.units')}>{i.units.map((u) => unit(u, lang)).join('、')}</Descriptions.Item>
              <Descriptions.Item label={t('label.max_headcount')}>{i.max_headcount}</Descriptions.Item>
              <Descriptions.Item label={t('label.activated')}>{dateTime(i.activated_at)}</Descriptions.Item>
              <Descriptions.Item label={t('label.cleared')}>{dateTime(i.cleared_at)}</Descriptions.Item>
              <Descriptions.Item label={t('incident.plan')}>
                {/* The plan by its title when it is the active one's (its id is for machines). */}
                {i.plan.id === info.id ? info.plan.title[lang] : i.plan.id} {i.plan.version}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <SitePlanCard incident={incident} canPlace={allowed?.commands.includes('place') ?? false} onDone={() => void reload()} />
          {incident.cases.map((c, n) => (
            <Card key={c.id ?? n} size="small" title={t('incident.case')} extra={c.id && <CaseLink id={c.id} />} style={{ marginTop: 16 }} data-testid="case">
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('label.route')}>
                  {t(`route.${c.route}`)} <Tag>{c.clause}</Tag>
                </Descriptions.Item>
                <Descriptions.Item label={t('label.handler')}>{handlerName(plan, c.handler, lang)}</Descriptions.Item>
                <Descriptions.Item label={t('label.accept_by')}>{dateTime(c.accept_by)}</Descriptions.Item>
                <Descriptions.Item label={t('label.due')}>{dateTime(c.due)}</Descriptions.Item>
                {c.tracking_code && (
                  <Descriptions.Item label={t('label.tracking_code')}>
                    <Typography.Text copyable code data-testid="tracking-code">
                      {c.tracking_code}
                    </Typography.Text>
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>
          ))}
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('incident.summons')}>
            {/* On a phone each summons is a card: a table's eight columns would be a character wide. */}
            {phone ? (
              <div className="summons-cards">
                {incident.summons.map((s) => (
                  <SummonsCard key={s.role} s={s} extra={<DeliveryTags messages={summonsDeliveries(deliveries, s.role)} />} />
                ))}
              </div>
            ) : (
              <Table
                size="small"
                rowKey="role"
                pagination={false}
                dataSource={incident.summons}
                scroll={{ x: true }}
                columns={[
                  { title: t('col.role'), render: (_, s) => <span title={s.persons.map((p) => p.name).join(', ')}>{role(s.role, lang)}</span> },
                  { title: t('col.reason'), render: (_, s) => t(`reason.${s.reason}`) },
                  { title: t('col.deadline'), render: (_, s) => <Space size={4}>{clock(s.deadline)}<Countdown issued={s.issued_at} deadline={s.deadline} done={summonsDone(s)} /></Space> },
                  { title: t('col.acked'), render: (_, s) => clock(s.acked_at) },
                  { title: t('col.arrived'), render: (_, s) => clock(s.arrived_at) },
                  { title: t('col.left'), render: (_, s) => clock(s.left_at) },
                  { title: t('col.status'), render: (_, s) => <SummonsStatus s={s} /> },
                  { title: t('notify.deliveries'), render: (_, s) => <DeliveryTags messages={summonsDeliveries(deliveries, s.role)} /> },
                ]}
              />
            )}
          </Card>
          <OtherDeliveries messages={deliveries} />
          {incident.measures.length > 0 && (
            <Card size="small" title={t('incident.measures')} style={{ marginTop: 16 }}>
              {incident.measures.map((m) => (
                <div key={m.id} style={{ marginBottom: 6 }} data-testid={`measure-${m.id}`}>
                  <Tag>{measureLabel(incident.measures, m.id, lang)}</Tag> {m.basis}{' '}
                  {m.approved_by ? <Tag color="green">{t('label.approved_by')} {role(m.approved_by, lang)}</Tag> : m.declined_by ? <Tag color="default">{t('action.decline_measure')}: {m.decline_reason}</Tag> : m.major ? <Tag color="orange">{t('board.unapproved')}</Tag> : null}
                  {m.taken_at && <Tag>{t('label.taken')} {clock(m.taken_at)}</Tag>}
                  {m.taken_without_approval && <Tag color="red">{t('label.flagged')}</Tag>}
                </div>
              ))}
            </Card>
          )}
          {incident.rejected.length > 0 && (
            <Card size="small" title={t('incident.rejected')} style={{ marginTop: 16 }}>
              {incident.rejected.map((r, k) => (
                <div key={k}>
                  {clock(r.at)} <Tag>{t(`command.${r.do}`)}</Tag> {t(`rejection.${r.code}`)}
                </div>
              ))}
            </Card>
          )}
          <Card size="small" title={t('incident.timeline')} style={{ marginTop: 16 }}>
            <Timeline
              data-testid="timeline"
              items={events.map((e) => ({
                color: e.type === 'command_rejected' ? 'gray' : e.type === 'deadline_missed' || (e.type === 'measure_taken' && e.flagged) ? 'red' : e.actor ? 'blue' : 'green',
                children: (
                  <div data-testid={`event-${e.type}`}>
                    <Typography.Text type="secondary">{clock(e.at)}</Typography.Text>{' '}
                    {e.made_at && Math.abs(Date.parse(e.made_at) - Date.parse(e.at)) >= 60_000 && (
                      <Tag data-testid="made-at">{t('outbox.madeAt', { made: e.made_at.slice(11, 16), arrived: e.at.slice(11, 16) })}</Tag>
                    )}
                    {describeEvent(e as unknown as IncidentEvent, lang, plan, time as (ms: number) => string, incident.measures)}
                    {'clause' in e && e.clause ? <Tag style={{ marginLeft: 6 }}>{e.clause}</Tag> : null}
                    {e.type === 'evidence_attached' && <Evidence id={String(e.attachment)} mediaType={String(e.media_type)} sha256={String(e.sha256)} />}
                    {e.actor && (
                      <Typography.Text type="secondary" style={{ marginLeft: 6 }}>
                        {t('incident.by')} <ActorName actor={e.actor} />
                      </Typography.Text>
                    )}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/** The commands the signed-in user may issue now, each one tap away, with a confirmation where it matters. */
function Actions({ incident, allowed, onDone }: { incident: Incident; allowed: Allowed | null; onDone: () => void }) {
  const { t, lang } = useT();
  const { role } = usePlan();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const submit = useSendCommand();
  const [headcount, setHeadcount] = useState<number | null>(incident.incident.headcount);
  const [note, setNote] = useState('');
  const [behavior, setBehavior] = useState('lingering');
  const [measure, setMeasure] = useState({ kind: 'removal', basis: '' });
  if (!allowed) return null;
  const can = (c: string) => allowed.commands.includes(c);
  // Through the phone's queue: without a connection the command waits (待发送) and is sent later, in order.
  const send = async (command: Record<string, unknown>) => {
    setBusy(true);
    try {
      const r = await submit(incident.id, command);
      if (r && 'view' in r) {
        message.success(t('action.done'));
        onDone();
      }
    } finally {
      setBusy(false);
    }
  };
  const confirmed = (label: string, command: Record<string, unknown>, danger = false, testid?: string) => (
    <Popconfirm title={t('action.confirm')} onConfirm={() => void send(command)} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
      <Button danger={danger} loading={busy} data-testid={testid}>
        {label}
      </Button>
    </Popconfirm>
  );
  const nextMeasureId = `m${incident.measures.length + 1}`;
  const rows: ReactElement[] = [];
  for (const kind of ['ack', 'arrive', 'leave'] as const) {
    for (const r of allowed.roles[kind]) {
      rows.push(
        <Button key={`${kind}-${r}`} type={kind === 'arrive' ? 'primary' : 'default'} loading={busy} onClick={() => void send({ do: kind, role: r })} data-testid={`${kind}-${r}`}>
          {t(`action.${kind}`)} · {role(r, lang)}
        </Button>,
      );
    }
  }
  if (can('guide') || can('persuade')) {
    for (const c of ['guide', 'persuade'] as const) {
      if (!can(c)) continue;
      rows.push(
        <Space key={c} wrap>
          {t(`action.${c}`)}:
          <Button loading={busy} onClick={() => void send({ do: c, result: 'succeeded' })} data-testid={`${c}-succeeded`}>
            {t('action.succeeded')}
          </Button>
          {confirmed(t('action.failed'), { do: c, result: 'failed' }, true, `${c}-failed`)}
        </Space>,
      );
    }
  }
  if (can('headcount')) {
    rows.push(
      <Space.Compact key="headcount">
        <InputNumber min={0} value={headcount} onChange={setHeadcount} data-testid="headcount-input" />
        <Button loading={busy} onClick={() => headcount !== null && void send({ do: 'headcount', value: headcount })} data-testid="headcount-submit">
          {t('action.headcount')}
        </Button>
      </Space.Compact>,
    );
  }
  if (can('behavior')) {
    rows.push(
      <Space.Compact key="behavior" style={{ width: '100%' }}>
        <Select value={behavior} onChange={setBehavior} style={{ flex: 1, minWidth: 0 }} options={(['lingering', 'charging', 'banner', 'sit_in'] as const).map((b) => ({ value: b, label: t(`behavior.${b}`) }))} data-testid="behavior-select" />
        <Button loading={busy} onClick={() => void send({ do: 'behavior', kind: behavior })} data-testid="behavior-submit">
          {t('action.behavior')}
        </Button>
      </Space.Compact>,
    );
  }
  if (can('note')) {
    rows.push(
      <Space.Compact key="note" style={{ width: '100%' }}>
        <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('action.note')} data-testid="note-input" />
        <Button loading={busy} disabled={!note.trim()} onClick={() => void send({ do: 'note', text: note.trim() }).then(() => setNote(''))} data-testid="note-submit">
          {t('action.submit')}
        </Button>
      </Space.Compact>,
    );
  }
  if (can('attach')) {
    rows.push(
      <Upload
        key="attach"
        accept="image/*,application/pdf,video/mp4"
        showUploadList={false}
        customRequest={async ({ file, onSuccess, onError }) => {
          const f = file as File;
          try {
            const res = await fetch(`/api/incidents/${incident.id}/attachments?name=${encodeURIComponent(f.name)}`, {
              method: 'POST',
              headers: { 'content-type': f.type || 'application/octet-stream', 'x-csrf-token': csrfToken() ?? '', 'accept-language': lang === 'en' ? 'en' : 'zh-CN' },
              body: f,
            });
            const body = (await res.json()) as { incident?: Incident; error?: { message: string } };
            if (!res.ok || !body.incident) throw new Error(body.error?.message ?? res.statusText);
            live.put(body.incident);
            message.success(t('action.done'));
            onSuccess?.(body);
            onDone();
          } catch (err) {
            message.error((err as Error).message);
            onError?.(err as Error);
          }
        }}
      >
        <Button data-testid="attach">{t('action.attach')}</Button>
      </Upload>,
    );
  }
  if (can('escalate')) rows.push(<span key="escalate">{confirmed(t('action.escalate'), { do: 'escalate' }, true, 'escalate')}</span>);
  if (can('mark_major')) rows.push(<span key="major">{confirmed(t('action.mark_major'), { do: 'mark_major' }, false, 'mark-major')}</span>);
  if (can('mark_concluded')) rows.push(<span key="concluded">{confirmed(t('action.mark_concluded'), { do: 'mark_concluded' }, false, 'mark-concluded')}</span>);
  if (can('request_measure')) {
    rows.push(
      <Space key="request" wrap>
        <Select value={measure.kind} onChange={(kind) => setMeasure({ ...measure, kind })} style={{ width: 150 }} options={(['warning', 'removal', 'take_items', 'transfer'] as const).map((k) => ({ value: k, label: t(`measure.${k}`) }))} data-testid="measure-kind" />
        <Input value={measure.basis} onChange={(e) => setMeasure({ ...measure, basis: e.target.value })} placeholder={t('action.basis')} style={{ width: 220 }} data-testid="measure-basis" />
        <Button loading={busy} disabled={!measure.basis.trim()} onClick={() => void send({ do: 'request_measure', id: nextMeasureId, kind: measure.kind, basis: measure.basis.trim() })} data-testid="measure-request">
          {t('action.request_measure')}
        </Button>
      </Space>,
    );
  }
  for (const m of incident.measures) {
    const label = measureLabel(incident.measures, m.id, lang);
    if (allowed.measures.take.includes(m.id)) rows.push(<span key={`take-${m.id}`}>{confirmed(`${t('action.take_measure')} · ${label}`, { do: 'take_measure', id: m.id }, m.major && !m.approved_at, `take-${m.id}`)}</span>);
    if (allowed.measures.take_anyway.includes(m.id)) rows.push(<TakeAnyway key={`anyway-${m.id}`} label={label} busy={busy} onTake={(reason) => void send({ do: 'take_measure', id: m.id, reason })} testid={`take-anyway-${m.id}`} />);
    if (allowed.measures.approve.includes(m.id)) {
      for (const as of allowed.approve_as) {
        rows.push(<span key={`approve-${m.id}-${as}`}>{confirmed(`${t('action.approve_measure')} ${label} · ${role(as, lang)}`, { do: 'approve_measure', id: m.id, by: as }, false, `approve-${m.id}`)}</span>);
      }
    }
  }
  if (can('clear')) rows.push(<span key="clear">{confirmed(t('action.clear'), { do: 'clear' }, false, 'clear')}</span>);
  if (can('close')) rows.push(<span key="close">{confirmed(t('action.close'), { do: 'close' }, false, 'close')}</span>);
  if (!rows.length) return <Alert type="info" message={t('incident.noActions')} />;
  return (
    <Space direction="vertical" className="incident-actions" style={{ width: '100%' }} data-testid="actions">
      {rows}
    </Space>
  );
}

/**
 * Taking a measure a county leader declined: not offered as a normal action. It needs a reason,
 * and the record flags it like a measure taken without approval (§5.1).
 */
function TakeAnyway({ label, busy, onTake, testid }: { label: string; busy: boolean; onTake: (reason: string) => void; testid: string }) {
  const { t } = useT();
  const [reason, setReason] = useState('');
  return (
    <Popconfirm
      title={t('action.takeAnywayTitle')}
      description={<Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('action.takeAnywayReason')} maxLength={4000} data-testid={`${testid}-reason`} />}
      okButtonProps={{ disabled: !reason.trim(), danger: true, 'data-testid': `${testid}-ok` } as never}
      onConfirm={() => onTake(reason.trim())}
    >
      <Button danger type="dashed" loading={busy} data-testid={testid}>
        {t('action.takeAnyway')} · {label}
      </Button>
    </Popconfirm>
  );
}

/** Evidence in the timeline: a thumbnail for photos, a link for other files, and the full SHA-256. */
function Evidence({ id, mediaType, sha256 }: { id: string; mediaType: string; sha256: string }) {
  const url = `/api/attachments/${id}`;
  return (
    <div style={{ marginTop: 4 }} data-testid="evidence">
      {mediaType.startsWith('image/') ? <Image src={url} width={120} /> : <a href={url} target="_blank" rel="noreferrer">{url}</a>}
      <div>
        <Typography.Text type="secondary" copyable style={{ fontSize: 11, fontFamily: 'monospace' }}>
          SHA-256 {sha256}
        </Typography.Text>
      </div>
    </div>
  );
}

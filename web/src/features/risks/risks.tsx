import { Alert, App, Button, Card, Collapse, DatePicker, Descriptions, Drawer, Empty, Form, Grid, Input, InputNumber, List, Radio, Select, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { Risk, RiskApiEvent, RiskDetail } from '../../../../src/api';
import { personalDataIn } from '../../../../src/api/personal-data';
import { ApiError, errorText, get, post } from '../../shared/http';
import { dateTime } from '../../shared/incident-bits';
import { HandleSign, LEVEL_COLOR } from './risk-alerts';
import { useT } from '../../shared/i18n';
import { live } from '../../shared/live';
import { usePlan } from '../../shared/plan-context';
import { useSession } from '../auth/session';
import { SearchSelect } from '../../shared/search-select';

const LEVELS = ['high', 'medium', 'low'] as const;
const STATUSES = ['open', 'resolving', 'resolved'] as const;
const RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };
const STATUS_COLOR: Record<string, string> = { open: 'volcano', resolving: 'gold', resolved: 'green' };

/** A form rule: free text is about the matter, never a person (the server applies the same rule). */
const aboutMatter = (t: (k: string) => string) => ({
  validator: (_: unknown, v?: string) => (v && personalDataIn(v) ? Promise.reject(new Error(t('risk.personal'))) : Promise.resolve()),
});

/**
 * The early-warning register (§6 预警和配合): townships and county departments enter the hidden
 * risks of their areas — matters, never people — with the leader assigned to each (领导包案), the
 * actions taken and the next review; a sign of a coming petition (上访苗头) alerts the working
 * group at once. Sortable by level and next review, overdue reviews highlighted; the detail
 * drawer shows the timeline and the actions open to the user.
 */
export function RisksPage() {
  const { t, lang } = useT();
  const { unit, role, info } = usePlan();
  const { me } = useSession();
  const phone = !Grid.useBreakpoint().md;
  const [params, setParams] = useSearchParams();
  const [rows, setRows] = useState<Risk[] | null>(null);
  const [forbidden, setForbidden] = useState<string | null>(null);
  const [filters, setFilters] = useState<{ status?: string; level?: string; unit?: string }>({});
  const [reporting, setReporting] = useState(false);
  const openId = params.get('id');

  // Units whose matters the user reports: their own townships and county departments (§6).
  const screened = new Set<string>(info.plan.early_warning.screened_by);
  const screening = info.organization.units.filter((u) => screened.has(u.kind));
  const mine = me?.admin ? screening : screening.filter((u) => me?.roles.some((r) => r.startsWith(`${u.id}/`)));

  const load = useCallback(async () => {
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
    try {
      setRows(await get<Risk[]>(`/api/risks${q.size ? `?${q}` : ''}`));
      setForbidden(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setForbidden(err.message);
      else throw err;
    }
  }, [filters]);
  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = live.onRisk(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 80);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [load]);

  const open = (id: string | null) => setParams(id ? { id } : {}, { replace: true });
  const columns: ColumnsType<Risk> = [
    {
      title: t('risk.field.level'),
      key: 'level',
      width: 90,
      sorter: (a, b) => RANK[a.level]! - RANK[b.level]!,
      defaultSortOrder: 'descend',
      render: (_, r) => <Tag color={LEVEL_COLOR[r.level]}>{t(`risk.level.${r.level}`)}</Tag>,
    },
    {
      title: t('risk.field.matter'),
      key: 'matter',
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Link onClick={() => open(r.id)} data-testid={`risk-open-${r.id}`}>
            {r.matter}
          </Typography.Link>
          <Space size={4} wrap>
            {r.kind === 'sign' && <Tag color="red">{t('risk.kind.sign')}</Tag>}
            {r.open_sign && <Tag color="red" data-testid="risk-open-sign">{t('risk.openSign')}</Tag>}
            <Typography.Text type="secondary">{r.place}</Typography.Text>
          </Space>
        </Space>
      ),
    },
    { title: t('risk.field.unit'), key: 'unit', responsive: ['md'], render: (_, r) => r.unit_name[lang] },
    { title: t('risk.field.affected'), key: 'affected', width: 90, align: 'right', responsive: ['md'], sorter: (a, b) => a.affected - b.affected, render: (_, r) => r.affected },
    { title: t('risk.field.leader'), key: 'leader', responsive: ['lg'], render: (_, r) => r.leader_name?.[lang] ?? <Typography.Text type="warning">{t('risk.noLeader')}</Typography.Text> },
    { title: t('risk.field.status'), key: 'status', width: 100, render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{t(`risk.status.${r.status}`)}</Tag> },
    {
      title: t('risk.field.nextReview'),
      key: 'review',
      width: 150,
      sorter: (a, b) => (a.next_review ? Date.parse(a.next_review.due) : Infinity) - (b.next_review ? Date.parse(b.next_review.due) : Infinity),
      render: (_, r) => (
        <Space size={4}>
          <span>{r.next_review?.on ?? '—'}</span>
          {r.overdue && <Tag color="red" data-testid="risk-overdue-tag">{t('risk.overdue')}</Tag>}
        </Space>
      ),
    },
  ];

  if (forbidden) return <Empty description={forbidden} data-testid="risks-forbidden" />;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('risk.title')} <Typography.Text type="secondary" style={{ fontSize: 14 }}>{info.plan.early_warning.clause}</Typography.Text>
        </Typography.Title>
        {mine.length > 0 && (
          <Button type="primary" size={phone ? 'large' : 'middle'} onClick={() => setReporting(true)} data-testid="risk-report-open">
            {t('risk.report')}
          </Button>
        )}
      </Space>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('risk.notPeople')} data-testid="risk-not-people" />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear placeholder={t('risk.field.status')} style={{ width: 130 }} value={filters.status} onChange={(v) => setFilters((f) => ({ ...f, status: v }))}
          options={STATUSES.map((s) => ({ value: s, label: t(`risk.status.${s}`) }))} data-testid="risk-filter-status" />
        <Select allowClear placeholder={t('risk.field.level')} style={{ width: 110 }} value={filters.level} onChange={(v) => setFilters((f) => ({ ...f, level: v }))}
          options={LEVELS.map((l) => ({ value: l, label: t(`risk.level.${l}`) }))} data-testid="risk-filter-level" />
        <SearchSelect allowClear placeholder={t('risk.field.unit')} style={{ width: 200 }} value={filters.unit} onChange={(v) => setFilters((f) => ({ ...f, unit: v }))}
          options={screening.map((u) => ({ value: u.id, label: u.name[lang] }))} data-testid="risk-filter-unit" />
      </Space>
      {rows === null ? (
        <Spin />
      ) : (
        <Table<Risk>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          rowClassName={(r) => (r.overdue ? 'risk-row-overdue' : r.open_sign ? 'risk-row-sign' : '')}
          onRow={(r) => ({ 'data-testid': `risk-row-${r.id}` }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <Empty description={t('risk.empty')} /> }}
          data-testid="risk-table"
        />
      )}
      <Drawer open={reporting} onClose={() => setReporting(false)} title={t('risk.report')} size={phone ? '100%' : 520} destroyOnHidden>
        <ReportForm units={mine.map((u) => u.id)} onDone={(id) => {
          setReporting(false);
          void load();
          open(id);
        }} />
      </Drawer>
      <Drawer open={openId !== null} onClose={() => open(null)} title={t('risk.detail')} size={phone ? '100%' : 640} destroyOnHidden>
        {openId && <RiskDrawer id={openId} onChange={() => void load()} unitName={(u) => unit(u, lang)} roleName={(r) => role(r, lang)} />}
      </Drawer>
    </div>
  );
}

interface ReportValues {
  kind: 'matter' | 'sign';
  unit: string;
  matter: string;
  place: string;
  affected: number;
  level: 'low' | 'medium' | 'high';
  leader?: string;
  next_review?: Dayjs;
}

/** Report a matter or a sign, on a phone as well: few fields, large controls, nothing about people. */
function ReportForm({ units, onDone }: { units: string[]; onDone: (id: string) => void }) {
  const { t, lang } = useT();
  const { unit } = usePlan();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<ReportValues>();
  const kind = Form.useWatch('kind', form);
  const roles = useLeaderOptions();
  return (
    <Form<ReportValues>
      form={form}
      layout="vertical"
      initialValues={{ kind: 'matter', unit: units[0], affected: 10, level: 'medium', next_review: dayjs().add(7, 'day') }}
      onFinish={async (v) => {
        setBusy(true);
        try {
          const body = { ...v, matter: v.matter.trim(), place: v.place.trim(), next_review: v.next_review?.format('YYYY-MM-DD') };
          const created = await post<Risk>('/api/risks', body);
          message.success(t(v.kind === 'sign' ? 'risk.signReported' : 'risk.reported'));
          onDone(created.id);
        } catch (err) {
          message.error(errorText(err, t, 'risk.rejection'));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Alert type="warning" showIcon title={t('risk.notPeople')} style={{ marginBottom: 12 }} />
      <Form.Item name="kind" label={t('risk.field.kind')}>
        <Radio.Group optionType="button" buttonStyle="solid" size="large" data-testid="risk-kind"
          options={(['matter', 'sign'] as const).map((k) => ({ value: k, label: t(`risk.kind.${k}`) }))} />
      </Form.Item>
      {kind === 'sign' && <Alert type="error" showIcon title={t('risk.signHint')} style={{ marginBottom: 12 }} />}
      <Form.Item name="unit" label={t('risk.field.unit')} rules={[{ required: true }]}>
        <SearchSelect size="large" options={units.map((u) => ({ value: u, label: unit(u, lang) }))} data-testid="risk-unit" />
      </Form.Item>
      <Form.Item name="matter" label={t(kind === 'sign' ? 'risk.field.sign' : 'risk.field.matter')} extra={t('risk.matterHint')} rules={[{ required: true, whitespace: true }, aboutMatter(t)]}>
        <Input.TextArea rows={3} maxLength={2000} data-testid="risk-matter" />
      </Form.Item>
      <Form.Item name="place" label={t('risk.field.place')} rules={[{ required: true, whitespace: true }, aboutMatter(t)]}>
        <Input size="large" maxLength={200} data-testid="risk-place" />
      </Form.Item>
      <Form.Item name="affected" label={t('risk.field.affected')} rules={[{ required: true }]}>
        <InputNumber size="large" min={1} max={1_000_000} inputMode="numeric" style={{ width: '100%' }} data-testid="risk-affected" />
      </Form.Item>
      <Form.Item name="level" label={t('risk.field.level')}>
        <Radio.Group optionType="button" size="large" data-testid="risk-level" options={LEVELS.map((l) => ({ value: l, label: t(`risk.level.${l}`) }))} />
      </Form.Item>
      <Form.Item name="leader" label={t('risk.field.leader')}>
        <SearchSelect size="large" allowClear options={roles} data-testid="risk-leader" />
      </Form.Item>
      <Form.Item name="next_review" label={t('risk.field.nextReview')}>
        <DatePicker size="large" style={{ width: '100%' }} disabledDate={(d) => d.isBefore(dayjs(), 'day')} data-testid="risk-next-review" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block className="big-button" loading={busy} danger={kind === 'sign'} data-testid="risk-report-submit">
        {t(kind === 'sign' ? 'risk.submitSign' : 'risk.submit')}
      </Button>
    </Form>
  );
}

/** Roles a case may be assigned to: the county leaders first (the plan's approvers), then every role. */
function useLeaderOptions() {
  const { lang } = useT();
  const { plan, role } = usePlan();
  return useMemo(() => {
    const approvers = [...plan.approvers];
    const rest = [...plan.roles].filter((r) => !plan.approvers.has(r)).sort();
    return [...approvers, ...rest].map((r) => ({ value: r, label: role(r, lang) }));
  }, [plan, role, lang]);
}

/** One matter: where it stands, the open sign, the actions open to the user, actions, reviews and the timeline. */
function RiskDrawer({ id, onChange, unitName, roleName }: { id: string; onChange: () => void; unitName: (u: string) => string; roleName: (r: string) => string }) {
  const { t } = useT();
  const [r, setR] = useState<RiskDetail | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [handling, setHandling] = useState(false);

  const reload = useCallback(async () => {
    try {
      setR(await get<RiskDetail>(`/api/risks/${id}`));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) setMissing(err.message);
      else throw err;
    }
  }, [id]);
  useEffect(() => {
    void reload();
    return live.onRisk((e: RiskApiEvent) => {
      if (e.risk === id) void reload();
    });
  }, [id, reload]);

  if (missing) return <Empty description={missing} />;
  if (!r) return <Spin />;
  const may = new Set(r.allowed);
  const changed = () => {
    void reload();
    onChange();
  };
  return (
    <div data-testid="risk-detail">
      <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="risk-detail-matter">
        {r.matter}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 8 }}>
        <Tag color={LEVEL_COLOR[r.level]}>{t(`risk.level.${r.level}`)}</Tag>
        <Tag color={STATUS_COLOR[r.status]} data-testid="risk-detail-status">{t(`risk.status.${r.status}`)}</Tag>
        {r.kind === 'sign' && <Tag color="red">{t('risk.kind.sign')}</Tag>}
        {r.overdue && <Tag color="red">{t('risk.overdue')}</Tag>}
      </Space>
      {r.open_sign && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('risk.openSign')} data-testid="risk-detail-sign"
          description={<>{r.open_sign.text} <Typography.Text type="secondary">{dateTime(r.open_sign.at)}</Typography.Text></>}
          action={may.has('handle_sign') ? <Button danger size="small" onClick={() => setHandling(true)} data-testid="risk-detail-handle">{t('risk.cmd.handle_sign')}</Button> : undefined}
        />
      )}
      {handling && r.open_sign && <HandleSign alert={{ risk: r.id, detail: r.open_sign.text }} onClose={() => setHandling(false)} onDone={changed} />}
      <Descriptions size="small" column={1} bordered items={[
        { key: 'unit', label: t('risk.field.unit'), children: unitName(r.unit) },
        { key: 'place', label: t('risk.field.place'), children: r.place },
        { key: 'affected', label: t('risk.field.affected'), children: r.affected },
        { key: 'leader', label: t('risk.field.leader'), children: r.leader ? roleName(r.leader) : <Typography.Text type="warning">{t('risk.noLeader')}</Typography.Text> },
        { key: 'review', label: t('risk.field.nextReview'), children: r.next_review ? `${r.next_review.on}${r.overdue ? ` · ${t('risk.overdue')}` : ''}` : '—' },
        { key: 'reported', label: t('risk.field.reportedAt'), children: dateTime(r.reported_at) },
      ]} />
      <RiskCommands r={r} may={may} onDone={changed} />
      <Card size="small" title={t('risk.actions')} style={{ marginTop: 12 }}>
        <List size="small" dataSource={r.actions} locale={{ emptyText: t('common.none') }} data-testid="risk-actions"
          renderItem={(a) => <List.Item>{a.text} <Typography.Text type="secondary">{dateTime(a.at)}</Typography.Text></List.Item>} />
      </Card>
      <Card size="small" title={t('risk.timeline')} style={{ marginTop: 12 }}>
        <Timeline items={r.events.map((e) => ({ key: e.seq, color: ALERTING.has(e.type) ? 'red' : 'blue', content: <RiskEventLine e={e} roleName={roleName} /> }))} data-testid="risk-timeline" />
      </Card>
    </div>
  );
}

const ALERTING = new Set(['sign_raised', 'review_overdue']);

/** One register event: what happened, who did it, and its details. */
function RiskEventLine({ e, roleName }: { e: RiskApiEvent; roleName: (r: string) => string }) {
  const { t } = useT();
  const fields: Readonly<Record<string, unknown>> = e;
  const str = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : null);
  const detail: ReactNode[] = [];
  if (e.type === 'leader_assigned' && str('leader')) detail.push(roleName(str('leader')!));
  if (e.type === 'risk_level_changed') detail.push(`${t(`risk.level.${str('from')}`)} → ${t(`risk.level.${str('to')}`)}`);
  if (e.type === 'risk_estimate_changed') detail.push(`${e.from} → ${e.to}`);
  if (e.type === 'review_scheduled' || e.type === 'review_overdue') detail.push(str('review_on'));
  if (e.type === 'review_completed' && str('review_on')) detail.push(`${t('risk.field.nextReview')} ${str('review_on')}`);
  for (const k of ['text', 'note', 'done', 'reason']) if (str(k)) detail.push(str(k));
  return (
    <div data-testid={`risk-event-${e.type}`}>
      <b>{t(`risk.event.${e.type}`)}</b> <Typography.Text type="secondary">{dateTime(e.at)}</Typography.Text>
      {e.actor && <Typography.Text type="secondary"> · {e.actor.role ? roleName(e.actor.role) : e.actor.user}</Typography.Text>}
      {detail.filter(Boolean).map((d, i) => (
        <div key={i}>{d}</div>
      ))}
    </div>
  );
}

type CommandValues = { leader?: string; text?: string; note?: string; on?: Dayjs; next?: Dayjs; level?: string; reason?: string; affected?: number };

/** The commands the user may issue now (asked of the server), each a small form. */
function RiskCommands({ r, may, onDone }: { r: RiskDetail; may: Set<string>; onDone: () => void }) {
  const { t } = useT();
  const { message } = App.useApp();
  const leaders = useLeaderOptions();
  const [busy, setBusy] = useState<string | null>(null);
  const send = async (name: string, body: Record<string, unknown>): Promise<boolean> => {
    setBusy(name);
    try {
      await post(`/api/risks/${r.id}/commands`, { do: name, ...body });
      message.success(t('risk.saved'));
      onDone();
      return true;
    } catch (err) {
      message.error(errorText(err, t, 'risk.rejection'));
      return false;
    } finally {
      setBusy(null);
    }
  };
  const day = (d?: Dayjs) => d?.format('YYYY-MM-DD');
  const trim = (s?: string) => (s?.trim() ? s.trim() : undefined);
  const noPast = (d: Dayjs) => d.isBefore(dayjs(), 'day');
  const rules = [{ required: true, whitespace: true }, aboutMatter(t)];
  const forms: [string, ReactNode, (v: CommandValues) => Record<string, unknown>][] = [
    ['record_action', <Form.Item name="text" rules={rules} key="t"><Input.TextArea rows={2} maxLength={2000} placeholder={t('risk.field.action')} data-testid="risk-action-text" /></Form.Item>, (v) => ({ text: trim(v.text) })],
    ['assign_leader', <Form.Item name="leader" rules={[{ required: true }]} key="l"><SearchSelect options={leaders} placeholder={t('risk.field.leader')} data-testid="risk-assign-leader" /></Form.Item>, (v) => ({ leader: v.leader })],
    ['complete_review', <div key="c">
      <Form.Item name="note" rules={rules}><Input.TextArea rows={2} maxLength={2000} placeholder={t('risk.field.reviewNote')} data-testid="risk-review-note" /></Form.Item>
      <Form.Item name="next" label={t('risk.field.nextReview')}><DatePicker disabledDate={noPast} style={{ width: '100%' }} data-testid="risk-review-next" /></Form.Item>
    </div>, (v) => ({ note: trim(v.note), next: day(v.next) })],
    ['set_review', <Form.Item name="on" rules={[{ required: true }]} key="s"><DatePicker disabledDate={noPast} style={{ width: '100%' }} data-testid="risk-set-review" /></Form.Item>, (v) => ({ on: day(v.on) })],
    ['change_level', <div key="v">
      <Form.Item name="level" rules={[{ required: true }]}><Radio.Group optionType="button" options={LEVELS.filter((l) => l !== r.level).map((l) => ({ value: l, label: t(`risk.level.${l}`) }))} /></Form.Item>
      <Form.Item name="reason" rules={rules}><Input maxLength={500} placeholder={t('risk.field.reason')} /></Form.Item>
    </div>, (v) => ({ level: v.level, reason: trim(v.reason) })],
    ['estimate', <div key="e">
      <Form.Item name="affected" rules={[{ required: true }]}><InputNumber min={1} max={1_000_000} style={{ width: '100%' }} placeholder={t('risk.field.affected')} /></Form.Item>
      <Form.Item name="reason" rules={[aboutMatter(t)]}><Input maxLength={500} placeholder={t('risk.field.reason')} /></Form.Item>
    </div>, (v) => ({ affected: v.affected, reason: trim(v.reason) })],
    ['raise_sign', <Form.Item name="text" rules={rules} key="g"><Input.TextArea rows={2} maxLength={2000} placeholder={t('risk.field.sign')} data-testid="risk-raise-sign" /></Form.Item>, (v) => ({ text: trim(v.text) })],
    ['mark_resolving', <Form.Item name="note" rules={[aboutMatter(t)]} key="m"><Input maxLength={2000} placeholder={t('risk.field.note')} /></Form.Item>, (v) => ({ note: trim(v.note) })],
    ['mark_resolved', <Form.Item name="note" rules={rules} key="r"><Input maxLength={2000} placeholder={t('risk.field.note')} data-testid="risk-resolved-note" /></Form.Item>, (v) => ({ note: trim(v.note) })],
  ];
  const shown = forms.filter(([name]) => may.has(name));
  if (!shown.length) return null;
  return (
    <Card size="small" title={t('incident.actions')} style={{ marginTop: 12 }} data-testid="risk-commands">
      {/* The most frequent step is open; the others unfold on a tap, so a phone shows little at once. */}
      <Collapse
        ghost
        size="small"
        defaultActiveKey={[shown[0]![0]]}
        items={shown.map(([name, fields, build]) => ({
          key: name,
          label: <span data-testid={`risk-cmd-${name}-open`}>{t(`risk.cmd.${name}`)}</span>,
          children: (
            <CommandForm name={name} busy={busy === name} onSubmit={(v) => send(name, build(v))}>
              {fields}
            </CommandForm>
          ),
        }))}
      />
    </Card>
  );
}

function CommandForm({ name, busy, onSubmit, children }: { name: string; busy: boolean; onSubmit: (v: CommandValues) => Promise<boolean>; children: ReactNode }) {
  const { t } = useT();
  const [form] = Form.useForm<CommandValues>();
  return (
    <Form<CommandValues> form={form} layout="vertical" size="small" data-testid={`risk-cmd-${name}`}
      onFinish={async (v) => {
        if (await onSubmit(v)) form.resetFields();
      }}
    >
      {children}
      <Button htmlType="submit" type="primary" loading={busy} data-testid={`risk-cmd-${name}-submit`}>
        {t(`risk.cmd.${name}`)}
      </Button>
    </Form>
  );
}

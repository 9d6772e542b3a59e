import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Calendar, Card, DatePicker, Form, Input, Modal, Popconfirm, Space, Switch, Table, Tabs, Tag, Tooltip, Typography, Upload } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { OrganizationFile } from '../../../src/plan/plan.schema';
import { api, ApiError, get, post } from '../api';
import { DeadLetters } from '../components/deliveries';
import { useT } from '../i18n';
import { usePlan } from '../plan-context';
import { useSession } from '../session';
import { SearchSelect } from '../components/search-select';
import { matches, useSearch } from '../search';

dayjs.extend(utc);
dayjs.extend(timezone);

/** GET /api/org: the organization document and its revision number. */
type OrgDoc = OrganizationFile & { rev: number };

interface Person {
  id: string;
  name: string;
  unit_id: string;
  phone: string | null;
  email: string | null;
  active: boolean;
}

/** Who holds which role; times are epoch milliseconds (strings from PostgreSQL). */
interface Position {
  id: string;
  person_id: string;
  role: string;
  created_at: number | string;
  ended_at: number | string | null;
}

/** A duty shift; times are ISO strings in the county's offset. */
interface Shift {
  id: string;
  role: string;
  person_id: string;
  starts_at: string;
  ends_at: string;
}

/** A role of the organization (`unit/position`); duty roles are held through the roster. */
interface RoleOption {
  role: string;
  duty: boolean;
}

/** What every tab needs: the document, people, roles, whether the user may change things. */
interface OrgData {
  org: OrgDoc;
  people: Person[];
  roles: RoleOption[];
  admin: boolean;
  reloadPeople: () => Promise<void>;
}

type CsvKind = 'people' | 'positions' | 'roster';

const TABS = ['units', 'venues', 'people', 'positions', 'roster', 'dead-letters'] as const;
type TabKey = (typeof TABS)[number];

/** The organization: units, venues, people, who holds which role, the duty roster; CSV in and out. */
export function OrgPage() {
  const { t, lang } = useT();
  const admin = useSession().me?.admin ?? false;
  const [params, setParams] = useSearchParams();
  const tab: TabKey = TABS.find((k) => k === params.get('tab')) ?? 'units';
  const [org, setOrg] = useState<OrgDoc | null>(null);
  const [people, setPeople] = useState<Person[]>([]);

  const reloadPeople = useCallback(async () => setPeople(await get<Person[]>('/api/org/people')), []);
  useEffect(() => {
    void get<OrgDoc>('/api/org').then(setOrg);
    void reloadPeople();
  }, [reloadPeople]);

  const roles = useMemo<RoleOption[]>(
    () => (org ? org.units.flatMap((u) => (u.positions ?? org.default_positions).map((p) => ({ role: `${u.id}/${p}`, duty: Boolean(org.positions[p]?.duty) }))) : []),
    [org],
  );
  if (!org) return null;
  const data: OrgData = { org, people, roles, admin, reloadPeople };
  return (
    <div>
      <Space align="center" style={{ marginBottom: 4 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('org.title')}
        </Typography.Title>
        <Tag>{org.name[lang]}</Tag>
        <Tag>{t('org.revision', { rev: org.rev })}</Tag>
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'units', label: t('org.units'), children: <UnitsTab data={data} /> },
          { key: 'venues', label: t('org.venues'), children: <VenuesTab data={data} /> },
          { key: 'people', label: t('org.people'), children: <PeopleTab data={data} /> },
          { key: 'positions', label: t('org.positions'), children: <PositionsTab data={data} /> },
          { key: 'roster', label: t('org.roster'), children: <RosterTab data={data} /> },
          ...(admin ? [{ key: 'dead-letters', label: t('org.deadLetters'), children: <DeadLetters /> }] : []),
        ]}
      />
    </div>
  );
}

function UnitsTab({ data }: { data: OrgData }) {
  const { t, lang } = useT();
  const { role } = usePlan();
  const { org } = data;
  return (
    <div data-testid="org-units">
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={org.units}
      columns={[
        { title: t('org.name'), render: (_, u) => u.name[lang] },
        { title: t('org.id'), render: (_, u) => <Typography.Text code>{u.id}</Typography.Text> },
        { title: t('org.kind'), render: (_, u) => <Tag>{t(`plan.kind.${u.kind}`)}</Tag> },
        { title: t('org.inCharge'), render: (_, u) => (u.in_charge ? role(u.in_charge, lang) : '—') },
        { title: t('org.unitPositions'), render: (_, u) => (u.positions ?? org.default_positions).map((p) => org.positions[p]?.[lang] ?? p).join(t('plan.listSep')) },
      ]}
    />
    </div>
  );
}

function VenuesTab({ data }: { data: OrgData }) {
  const { t, lang } = useT();
  return (
    <div data-testid="org-venues">
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={data.org.venues}
      columns={[
        { title: t('org.name'), render: (_, v) => v.name[lang] },
        { title: t('org.id'), render: (_, v) => <Typography.Text code>{v.id}</Typography.Text> },
        { title: t('org.kind'), render: (_, v) => <Tag color={v.kind === 'residence' ? 'red' : 'blue'}>{t(`org.venueKind.${v.kind}`)}</Tag> },
        { title: t('org.address'), render: (_, v) => v.address ?? '—' },
      ]}
    />
    </div>
  );
}

function PeopleTab({ data }: { data: OrgData }) {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const { unit } = usePlan();
  const [adding, setAdding] = useState(false);
  const [filter, setFilter] = useState('');
  useSearch(); // by name, pinyin or initials, as the selects search
  const unitOptions = data.org.units.map((u) => ({ value: u.id, label: u.name[lang] }));
  const shown = data.people.filter((p) => matches(filter, p.name) || matches(filter, unit(p.unit_id, lang)));

  const setActive = async (p: Person, active: boolean) => {
    try {
      await api('PATCH', `/api/org/people/${p.id}`, { active });
      await data.reloadPeople();
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {data.admin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="person-add">
            {t('org.addPerson')}
          </Button>
        )}
        <Input.Search allowClear placeholder={t('org.search')} onChange={(e) => setFilter(e.target.value.trim())} style={{ width: 240 }} />
        <CsvTools kind="people" admin={data.admin} onImported={data.reloadPeople} />
      </Space>
      <div data-testid="org-people">
      <Table<Person>
        size="small"
        rowKey="id"
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('org.name'), dataIndex: 'name' },
          { title: t('org.unit'), render: (_, p) => unit(p.unit_id, lang) },
          { title: t('org.phone'), render: (_, p) => p.phone ?? '—' },
          { title: t('org.email'), render: (_, p) => p.email ?? '—' },
          { title: t('plan.status'), render: (_, p) => (p.active ? <Tag color="green">{t('org.activePerson')}</Tag> : <Tag>{t('org.inactivePerson')}</Tag>) },
          { title: t('org.id'), render: (_, p) => <Typography.Text type="secondary" copyable={{ text: p.id }} style={{ fontSize: 12 }}>{p.id.slice(0, 8)}</Typography.Text> },
          ...(data.admin
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, p: Person) => (
                    <Popconfirm title={p.active ? t('org.deactivateConfirm', { name: p.name }) : t('org.reactivateConfirm', { name: p.name })} onConfirm={() => setActive(p, !p.active)} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
                      <Button size="small" type="link">
                        {p.active ? t('org.deactivate') : t('org.reactivate')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      </div>
      <FormModal<{ name: string; unit_id: string; phone?: string; email?: string }>
        open={adding}
        title={t('org.addPerson')}
        testid="person-form"
        onClose={() => setAdding(false)}
        onSubmit={async (v) => {
          await post('/api/org/people', { name: v.name.trim(), unit_id: v.unit_id, phone: v.phone?.trim() || null, email: v.email?.trim() || null });
          message.success(t('org.saved'));
          await data.reloadPeople();
        }}
      >
        <Form.Item name="name" label={t('org.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input data-testid="person-name" />
        </Form.Item>
        <Form.Item name="unit_id" label={t('org.unit')} rules={[{ required: true }]}>
          <SearchSelect options={unitOptions} data-testid="person-unit" />
        </Form.Item>
        <Form.Item name="phone" label={t('org.phone')} rules={[{ max: 40 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="email" label={t('org.email')} rules={[{ max: 200 }]}>
          <Input />
        </Form.Item>
      </FormModal>
    </>
  );
}

function PositionsTab({ data }: { data: OrgData }) {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const { role } = usePlan();
  const [all, setAll] = useState(false);
  const [positions, setPositions] = useState<Position[] | null>(null);
  const [assigning, setAssigning] = useState(false);
  const tz = data.org.timezone;
  const names = new Map(data.people.map((p) => [p.id, p.name]));

  const load = useCallback(async () => setPositions(await get<Position[]>(`/api/org/positions${all ? '?all=1' : ''}`)), [all]);
  useEffect(() => {
    void load();
  }, [load]);

  const held = new Set((positions ?? []).filter((p) => p.ended_at === null).map((p) => p.role));
  const vacant = data.roles.filter((r) => !r.duty && !held.has(r.role));

  const end = async (p: Position) => {
    try {
      await post(`/api/org/positions/${p.id}/end`);
      message.success(t('org.saved'));
      await load();
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {data.admin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAssigning(true)} data-testid="position-add">
            {t('org.assign')}
          </Button>
        )}
        <Space size={6}>
          <Switch size="small" checked={all} onChange={setAll} data-testid="positions-all" />
          {t('org.showEnded')}
        </Space>
        <CsvTools kind="positions" admin={data.admin} onImported={load} />
      </Space>
      {positions && vacant.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('org.vacant', { n: vacant.length })}
          description={
            <Space size={[4, 4]} wrap>
              {vacant.map((r) => (
                <Tag key={r.role} title={r.role}>
                  {role(r.role, lang)}
                </Tag>
              ))}
            </Space>
          }
        />
      )}
      <div data-testid="org-positions">
      <Table<Position>
        size="small"
        rowKey="id"
        loading={!positions}
        dataSource={positions ?? []}
        pagination={{ pageSize: 30, hideOnSinglePage: true }}
        columns={[
          { title: t('org.role'), render: (_, p) => <span title={p.role}>{role(p.role, lang)}</span> },
          { title: t('org.person'), render: (_, p) => names.get(p.person_id) ?? p.person_id },
          { title: t('org.since'), render: (_, p) => instant(p.created_at, tz) },
          ...(all ? [{ title: t('org.ended'), key: 'ended', render: (_: unknown, p: Position) => instant(p.ended_at, tz) }] : []),
          ...(data.admin
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, p: Position) =>
                    p.ended_at === null && (
                      <Popconfirm title={t('org.endConfirm', { person: names.get(p.person_id) ?? p.person_id, role: role(p.role, lang) })} onConfirm={() => end(p)} okButtonProps={{ 'data-testid': 'confirm-ok' } as never}>
                        <Button size="small" type="link" danger data-testid={`position-end-${p.id}`}>
                          {t('org.end')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
      </div>
      <FormModal<{ role: string; person_id: string }>
        open={assigning}
        title={t('org.assign')}
        testid="position-form"
        onClose={() => setAssigning(false)}
        onSubmit={async (v) => {
          await post('/api/org/positions', v);
          message.success(t('org.saved'));
          await load();
        }}
      >
        <Form.Item name="role" label={t('org.role')} rules={[{ required: true }]}>
          <RoleSelect roles={data.roles.filter((r) => !r.duty)} testid="position-role" />
        </Form.Item>
        <Form.Item name="person_id" label={t('org.person')} rules={[{ required: true }]}>
          <PersonSelect people={data.people} testid="position-person" />
        </Form.Item>
      </FormModal>
    </>
  );
}

/** The duty roster as a month calendar: each day lists the shifts covering it. */
function RosterTab({ data }: { data: OrgData }) {
  const { t, lang } = useT();
  const { message } = App.useApp();
  const { role } = usePlan();
  const tz = data.org.timezone;
  const [month, setMonth] = useState<Dayjs>(() => countyToday(tz));
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [adding, setAdding] = useState<Dayjs | null>(null);
  const names = new Map(data.people.map((p) => [p.id, p.name]));
  const dutyRoles = data.roles.filter((r) => r.duty);
  /** The position's label (值班局领导), or the full role name when several units have that duty position. */
  const shortRole = (r: string) => {
    const position = r.split('/')[1] ?? '';
    const shared = dutyRoles.filter((x) => x.role.endsWith(`/${position}`)).length > 1;
    return shared ? role(r, lang) : (data.org.positions[position]?.[lang] ?? r);
  };

  const load = useCallback(async () => {
    // The calendar shows up to six weeks around the month: ask for a margin on both sides.
    const from = countyInstant(month.startOf('month').subtract(7, 'day').format('YYYY-MM-DD'), tz);
    const to = countyInstant(month.endOf('month').add(15, 'day').format('YYYY-MM-DD'), tz);
    setShifts(await get<Shift[]>(`/api/org/roster?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`));
  }, [month, tz]);
  useEffect(() => {
    void load();
  }, [load]);

  const monthStart = month.startOf('month').format('YYYY-MM-DD');
  const monthEnd = month.endOf('month').add(1, 'day').format('YYYY-MM-DD');
  const inMonth = shifts.filter((s) => wall(s.starts_at) < `${monthEnd}T00:00` && wall(s.ends_at) > `${monthStart}T00:00`);

  const dayCell = (date: Dayjs) => {
    const day = date.format('YYYY-MM-DD');
    const next = date.add(1, 'day').format('YYYY-MM-DD');
    const covering = shifts.filter((s) => wall(s.starts_at) < `${next}T00:00` && wall(s.ends_at) > `${day}T00:00`);
    if (!covering.length) return null;
    return (
      <div data-testid={`roster-day-${day}`}>
        {covering.map((s) => {
          const who = names.get(s.person_id) ?? s.person_id;
          return (
            <Tooltip key={s.id} title={`${role(s.role, lang)} · ${who} · ${dateTime(s.starts_at)} – ${dateTime(s.ends_at)}`}>
              <div data-testid="roster-shift" style={{ fontSize: 12, lineHeight: '17px', borderLeft: '3px solid #b71c1c', padding: '1px 4px', marginBottom: 3, background: '#fff1f0', textAlign: 'left' }}>
                <div style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
                  {shortRole(s.role)}: <b>{who}</b>
                </div>
                <div style={{ color: '#8c8c8c' }}>{span(s, day, next, t)}</div>
              </div>
            </Tooltip>
          );
        })}
      </div>
    );
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        {data.admin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(countyToday(tz))} data-testid="shift-add">
            {t('org.addShift')}
          </Button>
        )}
        <CsvTools kind="roster" admin={data.admin} onImported={load} />
        {data.admin && <Typography.Text type="secondary">{t('org.rosterHint')}</Typography.Text>}
      </Space>
      <Card data-testid="roster-calendar" size="small">
        <Calendar
          value={month}
          onPanelChange={(d) => setMonth(d)}
          onSelect={(d, info) => {
            setMonth(d);
            if (data.admin && info.source === 'date') setAdding(d);
          }}
          cellRender={(date, info) => (info.type === 'date' ? dayCell(date) : info.originNode)}
        />
      </Card>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('org.shiftsInMonth', { month: month.format('YYYY-MM') })}
      </Typography.Title>
      <div data-testid="org-roster">
      <Table<Shift>
        size="small"
        rowKey="id"
        dataSource={inMonth}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('org.role'), render: (_, s) => role(s.role, lang) },
          { title: t('org.person'), render: (_, s) => names.get(s.person_id) ?? s.person_id },
          { title: t('org.starts'), render: (_, s) => dateTime(s.starts_at) },
          { title: t('org.ends'), render: (_, s) => dateTime(s.ends_at) },
        ]}
      />
      </div>
      <FormModal<{ role: string; person_id: string; starts_at: Dayjs; ends_at: Dayjs }>
        open={adding !== null}
        title={t('org.addShift')}
        testid="shift-form"
        initialValues={
          adding
            ? {
                role: dutyRoles.length === 1 ? dutyRoles[0]!.role : undefined,
                starts_at: dayjs(`${adding.format('YYYY-MM-DD')} 08:00`),
                ends_at: dayjs(`${adding.add(1, 'day').format('YYYY-MM-DD')} 08:00`),
              }
            : undefined
        }
        onClose={() => setAdding(null)}
        onSubmit={async (v) => {
          const wallTime = (d: Dayjs) => d.format('YYYY-MM-DD HH:mm');
          await post('/api/org/roster', { role: v.role, person_id: v.person_id, starts_at: countyInstant(wallTime(v.starts_at), tz), ends_at: countyInstant(wallTime(v.ends_at), tz) });
          message.success(t('org.saved'));
          await load();
        }}
      >
        <Form.Item name="role" label={t('org.role')} rules={[{ required: true }]}>
          <RoleSelect roles={dutyRoles.length ? dutyRoles : data.roles} testid="shift-role" />
        </Form.Item>
        <Form.Item name="person_id" label={t('org.person')} rules={[{ required: true }]}>
          <PersonSelect people={data.people} testid="shift-person" />
        </Form.Item>
        <Form.Item name="starts_at" label={t('org.starts')} rules={[{ required: true }]}>
          <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="shift-starts" />
        </Form.Item>
        <Form.Item
          name="ends_at"
          label={t('org.ends')}
          dependencies={['starts_at']}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: async (_, value: Dayjs | undefined) => {
                const starts = getFieldValue('starts_at') as Dayjs | undefined;
                if (value && starts && !value.isAfter(starts)) throw new Error(t('org.endsAfterStarts'));
              },
            }),
          ]}
        >
          <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="shift-ends" />
        </Form.Item>
        <Typography.Text type="secondary">{t('org.countyTime', { tz })}</Typography.Text>
      </FormModal>
    </>
  );
}

/** Export as a plain download link; for administrators, import a picked file (all rows or none). */
function CsvTools({ kind, admin, onImported }: { kind: CsvKind; admin: boolean; onImported: () => Promise<void> }) {
  const { t } = useT();
  const { message } = App.useApp();
  const [failure, setFailure] = useState<{ message: string; errors: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const importFile = async (file: File) => {
    setBusy(true);
    setFailure(null);
    try {
      const res = await api<{ imported: number }>('POST', `/api/org/${kind}.csv`, await file.text());
      message.success(t('org.importedCount', { n: res.imported }));
      await onImported();
    } catch (err) {
      const errors = err instanceof ApiError && Array.isArray(err.body.errors) ? (err.body.errors as unknown[]).map(String) : [];
      setFailure({ message: (err as Error).message, errors });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space wrap>
      <a href={`/api/org/${kind}.csv`} download={`${kind}.csv`} data-testid={`csv-export-${kind}`}>
        <DownloadOutlined /> {t('org.export')}
      </a>
      {admin && (
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void importFile(file);
            return Upload.LIST_IGNORE;
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy} data-testid={`csv-import-${kind}`}>
            {t('org.import')}
          </Button>
        </Upload>
      )}
      {failure && (
        <Modal open title={t('org.importFailed')} onCancel={() => setFailure(null)} footer={<Button onClick={() => setFailure(null)}>{t('common.close')}</Button>}>
          <Alert
            type="error"
            showIcon
            data-testid="csv-errors"
            title={failure.message}
            description={
              failure.errors.length > 0 && (
                <ul style={{ margin: 0, paddingLeft: 20, maxHeight: 320, overflow: 'auto' }}>
                  {failure.errors.map((e, i) => (
                    <li key={i} data-testid="csv-error">
                      {e}
                    </li>
                  ))}
                </ul>
              )
            }
          />
        </Modal>
      )}
    </Space>
  );
}

/** A modal with a form: submits, shows the server's refusal, closes on success. */
function FormModal<V extends object>(props: { open: boolean; title: string; testid: string; initialValues?: Partial<V>; onClose: () => void; onSubmit: (values: V) => Promise<void>; children: ReactNode }) {
  const { t } = useT();
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    props.onClose();
  };
  return (
    <Modal
      open={props.open}
      title={props.title}
      onCancel={close}
      onOk={() => form.submit()}
      okText={t('org.save')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': `${props.testid}-submit` } as never}
    >
      <Form<V>
        form={form}
        layout="vertical"
        initialValues={props.initialValues}
        data-testid={props.testid}
        onFinish={async (values) => {
          setBusy(true);
          setError(null);
          try {
            await props.onSubmit(values);
            close();
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.children}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid={`${props.testid}-error`} />}
      </Form>
    </Modal>
  );
}

function RoleSelect({ roles, testid, ...rest }: { roles: RoleOption[]; testid: string; value?: string; onChange?: (v: string) => void }) {
  const { lang } = useT();
  const { role } = usePlan();
  return <SearchSelect {...rest} options={roles.map((r) => ({ value: r.role, label: role(r.role, lang) }))} data-testid={testid} />;
}

function PersonSelect({ people, testid, ...rest }: { people: Person[]; testid: string; value?: string; onChange?: (v: string) => void }) {
  const { lang } = useT();
  const { unit } = usePlan();
  const options = people.filter((p) => p.active).map((p) => ({ value: p.id, label: `${p.name} · ${unit(p.unit_id, lang)}` }));
  return <SearchSelect {...rest} options={options} data-testid={testid} />;
}

/** `yyyy-mm-ddThh:mm` of an ISO instant: its wall time in its own (the county's) offset; compares as text. */
const wall = (iso: string) => iso.slice(0, 16);

/** `yyyy-mm-dd hh:mm` of an ISO instant already in the county's offset. */
const dateTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** A wall time in the county (`yyyy-mm-dd` or `yyyy-mm-dd hh:mm`) as an ISO instant with the county's offset. */
const countyInstant = (wallTime: string, tz: string) => dayjs.tz(wallTime, tz).format();

/** Today in the county, as a plain local date for the calendar and pickers. */
const countyToday = (tz: string) => dayjs(dayjs().tz(tz).format('YYYY-MM-DD'));

/** Epoch milliseconds (a number, or a string from PostgreSQL) as `yyyy-mm-dd hh:mm` in the county's zone. */
function instant(ms: number | string | null, tz: string): string {
  if (ms === null || ms === '') return '—';
  return dayjs(Number(ms)).tz(tz).format('YYYY-MM-DD HH:mm');
}

/**
 * A shift's hours as seen from one day: `08:00–次日08:00` for a shift starting that day,
 * `…–08:00` for one that started before, `全天` for one covering the whole day.
 */
function span(s: Shift, day: string, next: string, t: (key: string, vars?: Record<string, unknown>) => string): string {
  const startsToday = s.starts_at.slice(0, 10) === day;
  const endDay = s.ends_at.slice(0, 10);
  const endTime = s.ends_at.slice(11, 16);
  const from = startsToday ? s.starts_at.slice(11, 16) : '…';
  const to = endDay === day ? endTime : endDay === next && endTime !== '00:00' ? t('org.nextDay', { time: endTime }) : endDay === next ? '24:00' : '…';
  if (from === '…' && (to === '…' || to === '24:00')) return t('org.allDay');
  return `${from}–${to}`;
}

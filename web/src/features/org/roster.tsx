import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Calendar, Card, DatePicker, Form, Space, Table, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { get, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';

import { countyInstant, countyToday, dateTime, type OrgData, type Shift, span, wall } from './org-model';
import { CsvTools, FormModal, PersonSelect, RoleSelect } from './org-forms';

/** The duty roster as a month calendar: each day lists the shifts covering it. */
export function RosterTab({ data }: { data: OrgData }) {
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
    const from = countyInstant(month.startOf('month').subtract(7, 'day'), tz);
    const to = countyInstant(month.endOf('month').add(15, 'day').startOf('day'), tz);
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
          await post('/api/org/roster', { role: v.role, person_id: v.person_id, starts_at: countyInstant(v.starts_at, tz), ends_at: countyInstant(v.ends_at, tz) });
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

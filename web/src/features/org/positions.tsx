import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Popconfirm, Space, Switch, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { get, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';

import { instant, type OrgData, type Position } from './org-model';
import { CsvTools, FormModal, PersonSelect, RoleSelect } from './org-forms';

export function PositionsTab({ data }: { data: OrgData }) {
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

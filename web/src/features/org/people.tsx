import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';
import { SearchSelect } from '../../shared/search-select';
import { matches, useSearch } from '../../shared/search';

import type { OrgData, Person } from './org-model';
import { CsvTools, FormModal } from './org-forms';

export function PeopleTab({ data }: { data: OrgData }) {
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

import { Table, Typography } from 'antd';
import { useT } from '../i18n';
import { usePlan } from '../plan-context';

/** The organization: units with their kinds and county leaders in charge. */
export function OrgPage() {
  const { t, lang } = useT();
  const { info, role } = usePlan();
  return (
    <div>
      <Typography.Title level={3}>{t('org.title')}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={info.organization.units}
        columns={[
          { title: t('org.name'), render: (_, u) => u.name[lang] },
          { title: 'id', dataIndex: 'id' },
          { title: t('org.kind'), dataIndex: 'kind' },
          { title: t('org.inCharge'), render: (_, u) => (u.in_charge ? role(u.in_charge, lang) : '—') },
        ]}
      />
    </div>
  );
}

import { Table, Tag, Typography } from 'antd';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';

import type { OrgData } from './org-model';
import { VenueSitePlan } from '../site/venue-site-plan';

export function UnitsTab({ data }: { data: OrgData }) {
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

export function VenuesTab({ data }: { data: OrgData }) {
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
        { title: t('site.column'), render: (_, v) => <VenueSitePlan venue={v.id} initial={v.site_plan} admin={data.admin} onChanged={data.reloadOrg} /> },
      ]}
    />
    </div>
  );
}

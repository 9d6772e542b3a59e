import { Space, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { get } from '../../shared/http';
import { DeadLetters } from '../../shared/deliveries';
import { useT } from '../../shared/i18n';
import { useSession } from '../auth/session';

import type { OrgData, OrgDoc, Person, RoleOption } from './org-model';
import { UnitsTab, VenuesTab } from './units-venues';
import { PeopleTab } from './people';
import { PositionsTab } from './positions';
import { RosterTab } from './roster';

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
  const reloadOrg = useCallback(async () => setOrg(await get<OrgDoc>('/api/org')), []);
  useEffect(() => {
    void reloadOrg();
    void reloadPeople();
  }, [reloadPeople, reloadOrg]);

  const roles = useMemo<RoleOption[]>(
    () => (org ? org.units.flatMap((u) => (u.positions ?? org.default_positions).map((p) => ({ role: `${u.id}/${p}`, duty: Boolean(org.positions[p]?.duty) }))) : []),
    [org],
  );
  if (!org) return null;
  const data: OrgData = { org, people, roles, admin, reloadPeople, reloadOrg };
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

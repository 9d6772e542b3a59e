import { Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { TierTag } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { usePlan, type PlanInfo } from '../../shared/plan-context';

/** Tiers, arrival limits and follow-up routes of the plan, each with its clause. */
export function PlanStructure({ info }: { info: PlanInfo }) {
  const { t, lang } = useT();
  const { role, unit } = usePlan();
  const plan = info.plan;
  const tiers = plan.on_site.tiers;
  const arrival = plan.discipline.arrival;
  const measures = plan.discipline.measures;
  const roles = (list: readonly string[]) =>
    list.length ? (
      <Space size={[4, 4]} wrap>
        {list.map((r) => (
          <Tag key={r} title={r} style={{ marginInlineEnd: 0 }}>
            {role(r, lang)}
          </Tag>
        ))}
      </Space>
    ) : (
      '—'
    );
  const clause = (c: string) => <Tag color="default" style={{ fontFamily: 'monospace' }}>{c}</Tag>;
  const handler = (h: PlanInfo['plan']['follow_up']['routes'][number]['handler']) => (typeof h === 'object' ? unit(h.unit, lang) : t(`plan.handler.${h}`));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={<Space>{clause(tiers.clause)}{t('heading.tiers')}</Space>} data-testid="plan-tiers">
        <Table
          size="small"
          rowKey="tier"
          pagination={false}
          dataSource={tiers.levels}
          columns={[
            { title: t('plan.tierCol'), width: 90, render: (_, l) => <TierTag tier={l.tier} /> },
            { title: t('plan.headcount'), width: 90, render: (_, l) => (l.max === null ? `≥ ${l.min}` : `${l.min}–${l.max}`) },
            { title: t('plan.commands'), render: (_, l) => roles(l.command) },
            { title: t('plan.assists'), render: (_, l) => roles(l.assist) },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {tiers.note[lang]} {t('plan.neverStepDown')}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={<Space>{clause(arrival.clause)}{t('plan.arrival')}</Space>} data-testid="plan-arrival">
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} bordered
          items={[
            { key: 'police', label: <Space size={4}>{t('plan.kind.police')}{clause(arrival.police.clause)}</Space>, children: duration(arrival.police.limit, t) },
            ...Object.entries(arrival.limits).map(([kind, limit]) => ({ key: kind, label: t(`plan.kind.${kind}`), children: duration(limit, t) })),
          ]}
        />
        <Typography.Paragraph style={{ margin: '8px 0 0' }}>
          {clause(measures.clause)} {t('plan.majorMeasures')}: {measures.major.map((k) => measures.labels[k]?.[lang] ?? k).join(t('plan.listSep'))} · {t('plan.approvers')}: {measures.approvers.map((r) => role(r, lang)).join(t('plan.listSep'))}
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={<Space>{clause(plan.follow_up.clause)}{t('plan.routes')}</Space>} data-testid="plan-routes">
        <Table
          size="small"
          rowKey="route"
          pagination={false}
          dataSource={plan.follow_up.routes}
          columns={[
            { title: '#', width: 36, render: (_, _r, i) => i + 1 },
            { title: t('plan.when'), render: (_, r) => t(`plan.when.${r.when}`) },
            { title: t('plan.route'), render: (_, r) => r.label[lang] },
            { title: t('plan.handlerCol'), render: (_, r) => handler(r.handler) },
            { title: t('plan.clause'), width: 70, render: (_, r) => clause(r.clause) },
            { title: t('plan.basisCol'), render: (_, r) => r.basis ?? '—' },
          ]}
        />
      </Card>
    </Space>
  );
}

/** A plan duration (`15m`, `1h`, `1h30m`, `15d`) in words. */
function duration(text: string, t: (key: string, vars?: Record<string, unknown>) => string): string {
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!m) return text;
  const parts = (['d', 'h', 'm', 's'] as const).flatMap((unit, k) => (m[k + 1] ? [t(`plan.dur.${unit}`, { n: Number(m[k + 1]) })] : []));
  return parts.join(' ') || text;
}

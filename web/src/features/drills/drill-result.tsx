import { SaveOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Row, Space, Statistic, Table, Tag, Timeline, Typography } from 'antd';
import type { DrillResult } from '../../../../src/api';
import { clock, SUMMONS_COLOR, TierTag } from '../../shared/incident-bits';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';

/** A text in both languages. */
export type Bilingual = { zh: string; en: string };

/** What a drill was run from: a bundled file, or uploaded text. Saving sends the same. */
export type DrillInput = { scenario: string } | { source: string; name: string };

/** What the result card shows: a fresh run (which can be saved) or a saved report. */
export interface Shown {
  result: DrillResult;
  input: DrillInput | null;
  savedId: string | null;
}

/** Green when the plan's discipline was kept; otherwise how many were late or missed. */
export function ComplianceTag({ summary }: { summary: DrillResult['summary'] }) {
  const { t } = useT();
  const { totals } = summary;
  return summary.compliant ? (
    <Tag color="green" data-testid="drill-compliant">{t('drill.compliant')}</Tag>
  ) : (
    <Tag color="red" data-testid="drill-compliant">
      {t('drill.issues', { late: totals.late, missed: totals.missed, unapproved: summary.unapproved_measures.length })}
    </Tag>
  );
}

/** One drill's outcome: what ran, the compliance summary with a chart, and the timeline on the virtual clock. */
export function ResultView({ shown, busy, onSave }: { shown: Shown; busy: boolean; onSave: () => void }) {
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  const { result, savedId } = shown;
  const { scenario, drill, summary, timeline } = result;
  const i = drill.incident;
  return (
    <Card
      size="small"
      data-testid="drill-result"
      title={
        <Space wrap>
          <span>{t('drill.result')}</span>
          <b data-testid="drill-result-name">{scenario.title?.[lang] ?? scenario.name}</b>
          <ComplianceTag summary={summary} />
        </Space>
      }
      extra={
        savedId ? (
          <Tag color="blue" data-testid="drill-saved">{t('drill.savedReport')}</Tag>
        ) : (
          <Button type="primary" icon={<SaveOutlined />} loading={busy} onClick={onSave} data-testid="drill-save">
            {t('drill.save')}
          </Button>
        )
      }
    >
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 4 }}
        items={[
          { key: 'time', label: t('drill.virtualTime'), children: `${scenario.start.slice(0, 10)} ${clock(scenario.start)} → ${clock(scenario.until)} (${scenario.start.slice(19)})` },
          { key: 'plan', label: t('drill.plan'), children: `${drill.plan.id} ${drill.plan.version}` },
          { key: 'venue', label: t('label.venue'), children: i ? venue(i.venue, lang) : '—' },
          { key: 'status', label: t('col.status'), children: i ? t(`status.${i.status}`) : '—' },
          { key: 'max', label: t('label.max_headcount'), children: i?.max_headcount ?? '—' },
          { key: 'tier', label: t('label.tier'), children: i ? <TierTag tier={i.tier} /> : '—' },
          { key: 'activated', label: t('label.activated'), children: clock(i?.activated_at ?? null) },
          { key: 'cleared', label: t('label.cleared'), children: clock(i?.cleared_at ?? null) },
        ]}
      />
      <Row gutter={[16, 16]} style={{ marginTop: 8 }}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('drill.summary')} data-testid="drill-summary">
            <Row gutter={16} style={{ marginBottom: 12 }}>
              <Col span={6}>
                <Statistic title={t('col.summoned')} value={summary.totals.summoned} />
              </Col>
              <Col span={6}>
                <Statistic title={t('col.on_time')} value={summary.totals.on_time} styles={{ content: { color: '#389e0d' } }} />
              </Col>
              <Col span={6}>
                <Statistic title={t('col.late')} value={summary.totals.late} styles={{ content: { color: summary.totals.late ? '#d46b08' : undefined } }} />
              </Col>
              <Col span={6}>
                <Statistic title={t('col.missed')} value={summary.totals.missed} styles={{ content: { color: summary.totals.missed ? '#cf1322' : undefined } }} />
              </Col>
            </Row>
            <Table
              size="small"
              rowKey="unit"
              pagination={false}
              dataSource={summary.units}
              locale={{ emptyText: t('drill.noSummons') }}
              onRow={(u) => ({ 'data-testid': `drill-unit-${u.unit}` }) as never}
              columns={[
                { title: t('col.unit'), render: (_, u) => u.name[lang] },
                { title: t('col.summoned'), dataIndex: 'summoned', align: 'right' },
                { title: t('col.on_time'), dataIndex: 'on_time', align: 'right' },
                { title: t('col.late'), align: 'right', render: (_, u) => (u.late ? <Tag color="orange">{u.late}</Tag> : 0) },
                { title: t('col.missed'), align: 'right', render: (_, u) => (u.missed ? <Tag color="red">{u.missed}</Tag> : 0) },
                { title: t('col.pending'), dataIndex: 'pending', align: 'right' },
              ]}
            />
            {summary.units.length > 0 && <UnitBars units={summary.units} />}
            <Descriptions
              size="small"
              column={1}
              style={{ marginTop: 12 }}
              items={[
                {
                  key: 'alerts',
                  label: t('drill.alertsCount'),
                  children: (
                    <Space size={4} wrap>
                      {(['deadline_missed', 'unapproved_measure', 'update_due'] as const).map((k) => (
                        <Tag key={k} color={summary.alerts[k] ? (k === 'update_due' ? 'gold' : 'red') : 'default'}>
                          {t(`alert.${k}`)} {summary.alerts[k]}
                        </Tag>
                      ))}
                    </Space>
                  ),
                },
                {
                  key: 'unapproved',
                  label: t('drill.unapproved'),
                  children: summary.unapproved_measures.length ? (
                    <Space orientation="vertical" size={2} data-testid="drill-unapproved">
                      {summary.unapproved_measures.map((m) => (
                        <span key={m.id}>
                          <Tag>{m.id}</Tag>
                          {t(`measure.${m.kind}`)} · {t('label.taken')} {clock(m.taken_at)}
                          {m.approved_after && <Tag color="gold" style={{ marginLeft: 6 }}>{t('drill.approvedAfter', { time: clock(m.approved_after) })}</Tag>}
                        </span>
                      ))}
                    </Space>
                  ) : (
                    t('label.none')
                  ),
                },
                {
                  key: 'rejections',
                  label: t('drill.rejections'),
                  children: summary.rejections.length ? (
                    <Space orientation="vertical" size={2} data-testid="drill-rejections">
                      {summary.rejections.map((r, k) => (
                        <span key={k}>
                          {clock(r.at)} <Tag>{t(`command.${r.do}`)}</Tag> {r.reason[lang]}
                        </span>
                      ))}
                    </Space>
                  ) : (
                    t('label.none')
                  ),
                },
              ]}
            />
          </Card>
          {drill.summons.length > 0 && (
            <Card size="small" title={t('heading.summons')} style={{ marginTop: 16 }}>
              <Table
                size="small"
                rowKey="role"
                pagination={false}
                dataSource={drill.summons}
                scroll={{ x: true }}
                columns={[
                  { title: t('col.role'), render: (_, s) => role(s.role, lang) },
                  { title: t('col.reason'), render: (_, s) => t(`reason.${s.reason}`) },
                  { title: t('col.issued'), render: (_, s) => clock(s.issued_at) },
                  { title: t('col.deadline'), render: (_, s) => clock(s.deadline) },
                  { title: t('col.arrived'), render: (_, s) => clock(s.arrived_at) },
                  { title: t('col.status'), render: (_, s) => <Tag color={SUMMONS_COLOR[s.status]}>{t(`summons.${s.status}`)}</Tag> },
                ]}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={`${t('heading.timeline')} (${t('drill.virtualTime')})`}>
            <Timeline
              data-testid="drill-timeline"
              items={timeline.map((e) => ({
                color: e.alert ? 'red' : e.type === 'command_rejected' ? 'gray' : 'green',
                content: (
                  <div data-testid={`drill-event-${e.type}`}>
                    <Typography.Text type="secondary" style={{ fontFamily: 'monospace' }}>
                      {clock(e.at)} <small>{e.since}</small>
                    </Typography.Text>{' '}
                    {e.text[lang]}
                    {e.clause ? <Tag style={{ marginLeft: 6 }}>{e.clause}</Tag> : null}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </Card>
  );
}

/** A stacked bar per unit: on time, late, missed, pending. */
function UnitBars({ units }: { units: DrillResult['summary']['units'] }) {
  const { t, lang } = useT();
  const parts = [
    ['on_time', '#52c41a'],
    ['late', '#fa8c16'],
    ['missed', '#f5222d'],
    ['pending', '#1677ff'],
  ] as const;
  const most = Math.max(1, ...units.map((u) => u.summoned));
  return (
    <div style={{ marginTop: 12 }} data-testid="drill-chart" aria-label={t('drill.chart')}>
      <Typography.Text type="secondary">{t('drill.chart')}</Typography.Text>
      {units.map((u) => (
        <div key={u.unit} style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 4 }}>
          <span style={{ width: 140, fontSize: 12, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={u.name[lang]}>
            {u.name[lang]}
          </span>
          <div style={{ flex: 1, display: 'flex', height: 14, background: '#f5f5f5', borderRadius: 2 }}>
            {parts.map(([k, color]) =>
              u[k] ? <div key={k} title={`${t(`summons.${k}`)}: ${u[k]}`} style={{ width: `${(u[k] / most) * 100}%`, background: color }} /> : null,
            )}
          </div>
        </div>
      ))}
      <Space size={12} style={{ marginTop: 6, fontSize: 12 }}>
        {parts.map(([k, color]) => (
          <span key={k}>
            <span style={{ display: 'inline-block', width: 10, height: 10, background: color, marginRight: 4 }} />
            {t(`summons.${k}`)}
          </span>
        ))}
      </Space>
    </div>
  );
}

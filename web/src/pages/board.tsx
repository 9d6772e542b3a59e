import { Badge, Button, Card, Empty, Space, Switch, Tag, Typography } from 'antd';
import { memo, useState } from 'react';
import { Link } from 'react-router';
import { Countdown } from '../components/countdown';
import { MatterText, openAlerts, StageSteps, SummonsStatus, TierTag } from '../components/incident-bits';
import { RiskAlertsPanel } from '../components/risk-alerts';
import { useT } from '../i18n';
import { live, useIncident, useIncidentIds } from '../live';
import { usePlan } from '../plan-context';

/**
 * The command board (态势): every active incident, its stage, tier and summons with live
 * countdowns, alerts standing out. Each card subscribes to its own incident, so an event
 * re-renders one card, not the board.
 */
export function BoardPage() {
  const { t } = useT();
  const ids = useIncidentIds();
  const [showCleared, setShowCleared] = useState(false);
  const [wall, setWall] = useState(false);
  const visible = ids.filter((id) => {
    const status = live.get(id)?.incident.status;
    return status === 'open' || (showCleared && status === 'cleared');
  });
  const toggleWall = async () => {
    if (!document.fullscreenElement) await document.documentElement.requestFullscreen?.().catch(() => {});
    else await document.exitFullscreen?.().catch(() => {});
    setWall((w) => !w);
    document.body.classList.toggle('wall');
  };
  return (
    <div>
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('board.title')} <Badge count={visible.length} color="#b71c1c" showZero data-testid="active-count" />
        </Typography.Title>
        <Space>
          <Switch checked={showCleared} onChange={setShowCleared} /> {t('board.showCleared')}
          <Button onClick={() => void toggleWall()}>{wall ? '×' : t('board.fullscreen')}</Button>
        </Space>
      </Space>
      {/* §6: open signs of a coming petition and overdue reviews; its own state, so no card re-renders. */}
      <RiskAlertsPanel />
      {visible.length === 0 ? <Empty description={t('board.empty')} /> : null}
      <div className="board-grid" data-testid="board">
        {visible.map((id) => (
          <IncidentCard key={id} id={id} />
        ))}
      </div>
    </div>
  );
}

/** Card renders per incident, for diagnostics (the board test checks one event re-renders one card). */
const renders: Record<string, number> = {};
(window as unknown as { __yingjiCardRenders: Record<string, number> }).__yingjiCardRenders = renders;

const IncidentCard = memo(function IncidentCard({ id }: { id: string }) {
  const incident = useIncident(id);
  renders[id] = (renders[id] ?? 0) + 1;
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  if (!incident) return null;
  const i = incident.incident;
  const alerts = openAlerts(incident);
  return (
    <Card
      size="small"
      className={`board-card${alerts.total ? ' alerting' : ''}`}
      data-testid={`incident-${id}`}
      title={
        <Space wrap>
          <Link to={`/incidents/${id}`}>{venue(i.venue, lang)}</Link>
          <Tag data-testid="headcount">
            {i.headcount} {t('common.people')}
          </Tag>
          <TierTag tier={i.tier} />
          {i.status !== 'open' && <Tag>{t(`status.${i.status}`)}</Tag>}
        </Space>
      }
      extra={<span>{i.reported_at.slice(11, 16)}</span>}
    >
      <Typography.Paragraph ellipsis={{ rows: 1 }} style={{ marginBottom: 6 }}>
        <MatterText matter={i.matter} withheld={i.matter_withheld} />
      </Typography.Paragraph>
      <StageSteps stage={i.stage} />
      {alerts.total > 0 && (
        <div style={{ margin: '6px 0' }}>
          {alerts.missed.map((s) => (
            <Tag color="red" key={s.role}>
              {t('alert.deadline_missed')}: {role(s.role, lang)}
            </Tag>
          ))}
          {alerts.unapproved.map((m) => (
            <Tag color="volcano" key={m.id}>
              {m.flagged ? t('alert.unapproved_measure') : t('board.unapproved')}: {t(`measure.${m.kind}`)}
            </Tag>
          ))}
        </div>
      )}
      <div style={{ marginTop: 6 }}>
        {incident.summons.map((s) => (
          <div className="summons-row" key={s.role} data-testid={`summons-${s.role}`}>
            <span className="summons-role" title={s.persons.map((p) => p.name).join(', ')}>
              {role(s.role, lang)}
            </span>
            <span>
              <Countdown issued={s.issued_at} deadline={s.deadline} done={s.arrived_at !== null} />
              <SummonsStatus s={s} />
            </span>
          </div>
        ))}
      </div>
    </Card>
  );
});

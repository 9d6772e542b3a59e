import { Alert, Badge, Button, Card, ConfigProvider, Empty, Space, Switch, Tag, Typography } from 'antd';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type CSSProperties } from 'react';
import { Link } from 'react-router';
import { Countdown } from '../../shared/countdown';
import { clock, MatterText, openAlerts, StageSteps, TierTag } from '../../shared/incident-bits';
import { RiskAlertsPanel } from '../risks/risk-alerts';
import { PendingReports } from '../../shared/outbox-ui';
import { nearestSummons, SummonsLine, summonsDone } from '../incident/summons-card';
import { useT } from '../../shared/i18n';
import { BOARD, baseFont, boardGrid, usePhone, useViewport } from './layout';
import { usePlan } from '../../shared/plan-context';
import type { BoardCard } from '../../../../src/api';
import { board, useBoardCard, useBoardIds, useBoardLoad } from './board.store';
import { useIncidentStale } from '../../shared/live';
import { SitePlanButton } from '../site/board-plan-button';

/**
 * The command board (态势), for a command room's wall as much as a laptop or a phone: totals at
 * the top, then every active incident as a card in a grid sized to how many there are, with
 * large type for the venue, head count, tier and the nearest deadline, and each summons with
 * its live countdown. A cleared incident stays, marked, for the plan's
 * `settings.board_cleared_minutes`. Each card subscribes to its own incident, so an event
 * re-renders one card (and the totals), not the board. The cards come page by page from the
 * board's compact view (`board.store.ts`); when a page could not be loaded the board says so.
 */
export function BoardPage() {
  const { t } = useT();
  const { info } = usePlan();
  const ids = useBoardIds();
  const load = useBoardLoad();
  const [showCleared, setShowCleared] = useState(false);
  // Every page of the board; again after the live picture started over (`load.loaded` back to null).
  useEffect(() => {
    void board.ensure(showCleared ? 'all' : 'recent');
  }, [showCleared, load.loaded]);
  // And again, quietly, after the live stream reconnected: what happened while it was down may never come through it.
  useEffect(() => board.follow(), []);
  const [wall, setWall] = useState(false);
  const [, setTick] = useState(0);

  // Open incidents first, then the ones cleared within the plan's minutes (or all, on request).
  // The server fills in the setting's default (30) when a plan leaves it out.
  const keepMs = info.plan.settings.board_cleared_minutes * 60_000;
  const now = Date.now();
  const open: string[] = [];
  const ended: string[] = [];
  let expires = Infinity;
  for (const id of ids) {
    const i = board.get(id)?.incident;
    if (!i) continue;
    if (i.status === 'open') {
      open.push(id);
      continue;
    }
    const until = Date.parse(i.cleared_at ?? i.closed_at ?? '') + keepMs;
    if (until > now) {
      ended.push(id);
      expires = Math.min(expires, until);
    } else if (showCleared) ended.push(id);
  }
  const visible = [...open, ...ended];
  // The board looks again when the first of the cleared incidents is due to leave it.
  useEffect(() => {
    if (!Number.isFinite(expires)) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, expires - Date.now()) + 50);
    return () => clearTimeout(timer);
  }, [expires]);

  // The grid: columns and type from how many cards there are and the room left below the totals.
  const phone = usePhone();
  const viewport = useViewport();
  const gridRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLDivElement>(null);
  const [area, setArea] = useState({ width: 0, top: 0 });
  useLayoutEffect(() => {
    const grid = gridRef.current!;
    const measure = () => {
      const r = grid.getBoundingClientRect();
      const next = { width: Math.round(r.width), top: Math.round(r.top + window.scrollY) };
      setArea((a) => (a.width === next.width && a.top === next.top ? a : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(grid);
    observer.observe(topRef.current!);
    return () => observer.disconnect();
  }, []);
  const rows = useAcross(visible, maxSummons);
  const base = phone ? BOARD.minFont : baseFont(viewport.width);
  const grid = phone || !area.width ? null : boardGrid(visible.length, area.width, viewport.height - area.top - BOARD.bottom, rows);
  const font = grid?.font ?? BOARD.minFont;
  const theme = useMemo(() => ({ token: { fontSize: base } }), [base]);
  const cardTheme = useMemo(() => ({ token: { fontSize: font } }), [font]);

  const toggleWall = async () => {
    if (!document.fullscreenElement) await document.documentElement.requestFullscreen?.().catch(() => {});
    else await document.exitFullscreen?.().catch(() => {});
    setWall((w) => !w);
    document.body.classList.toggle('wall');
  };
  return (
    <ConfigProvider theme={theme}>
      <div className="board-page" style={{ fontSize: base }}>
        <div ref={topRef}>
          <div className="board-top">
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('board.title')} <Badge count={visible.length} color="#b71c1c" showZero data-testid="active-count" />
            </Typography.Title>
            <BoardTotals open={open} shown={visible} />
            <Space wrap>
              <Switch checked={showCleared} onChange={setShowCleared} data-testid="board-show-cleared" /> {t('board.showCleared')}
              <Button onClick={() => void toggleWall()}>{wall ? '×' : t('board.fullscreen')}</Button>
            </Space>
          </div>
          {/* §6: open signs of a coming petition and overdue reviews; its own state, so no card re-renders. */}
          <RiskAlertsPanel />
          {/* Reported on this phone without a connection: shown until the report is through. */}
          <PendingReports />
          <BoardLoadNotice shown={ids.length} retry={() => void board.ensure(showCleared ? 'all' : 'recent')} />
          {/* "Nothing active" only once every page came: an empty board that failed to load says so instead. */}
          {visible.length === 0 && load.loaded && !load.failed ? <Empty description={t('board.empty')} /> : null}
        </div>
        <ConfigProvider theme={cardTheme}>
          <div
            ref={gridRef}
            className="board-grid"
            data-testid="board"
            data-columns={grid?.columns ?? 1}
            style={
              grid
                ? ({
                    fontSize: font,
                    gridTemplateColumns: `repeat(${grid.columns}, minmax(0, 1fr))`,
                    gridAutoRows: grid.rowHeight ? `minmax(${grid.rowHeight}px, auto)` : undefined,
                    '--summons-columns': grid.summonsColumns,
                  } as CSSProperties)
                : undefined
            }
          >
            {visible.map((id) => (
              <IncidentCard key={id} id={id} compact={!grid?.steps} />
            ))}
          </div>
        </ConfigProvider>
      </div>
    </ConfigProvider>
  );
}

/**
 * A value computed from several incidents, kept current as any of them changes. The value must
 * be a primitive, so an event that leaves it unchanged renders nothing.
 */
function useAcross<T extends string | number>(ids: readonly string[], compute: (incidents: BoardCard[]) => T): T {
  const key = ids.join(',');
  const subscribe = useCallback(
    (l: () => void) => {
      const offs = key ? key.split(',').map((id) => board.subscribe(id, l)) : [];
      return () => offs.forEach((off) => off());
    },
    [key],
  );
  return useSyncExternalStore(subscribe, () => compute(ids.flatMap((id) => board.get(id) ?? [])));
}

const maxSummons = (list: BoardCard[]) => list.reduce((m, x) => Math.max(m, x.summons.length), 0);

/** The strip at the top: active incidents, people on site, summonses on their way, deadlines missed. */
function BoardTotals({ open, shown }: { open: readonly string[]; shown: readonly string[] }) {
  const { t } = useT();
  const onSite = useAcross(open, (list) => {
    let people = 0;
    let pending = 0;
    for (const x of list) {
      people += x.incident.headcount;
      pending += x.summons.filter((s) => s.status === 'pending' && !summonsDone(s)).length;
    }
    return `${people},${pending}`;
  });
  const missed = useAcross(shown, (list) => list.reduce((n, x) => n + x.summons.filter((s) => s.status === 'missed').length, 0));
  const [people, pending] = onSite.split(',').map(Number);
  const tiles = [
    { key: 'active', value: open.length, tone: open.length ? 'alert' : '' },
    { key: 'people', value: people, tone: '' },
    { key: 'pending', value: pending, tone: pending ? 'pending' : '' },
    { key: 'missed', value: missed, tone: missed ? 'alert' : '' },
  ];
  return (
    <div className="board-totals" data-testid="board-totals">
      {tiles.map((x) => (
        <div key={x.key} className={`board-total ${x.tone}`} data-testid={`board-total-${x.key}`}>
          <span className="board-total-value">{x.value}</span>
          <span className="board-total-label">{t(`board.total.${x.key}`)}</span>
        </div>
      ))}
    </div>
  );
}

/** While pages are on their way, how many cards came; when one could not be loaded, that the board is incomplete, and a way to load again. */
function BoardLoadNotice({ shown, retry }: { shown: number; retry: () => void }) {
  const { t } = useT();
  const load = useBoardLoad();
  if (load.failed)
    return (
      <Alert
        type="error"
        showIcon
        data-testid="board-incomplete"
        message={t('board.incomplete', { n: shown, reason: load.failed })}
        action={<Button size="small" onClick={retry}>{t('board.retry')}</Button>}
      />
    );
  if (load.loading) return <Typography.Text type="secondary" data-testid="board-loading">{t('board.loading', { n: shown })}</Typography.Text>;
  return null;
}

/** Card renders per incident, for diagnostics (the board test checks one event re-renders one card). */
const renders: Record<string, number> = {};
(window as unknown as { __yingjiCardRenders: Record<string, number> }).__yingjiCardRenders = renders;

/** `compact`: on a phone or a narrow card, the stage is one tag rather than four steps. */
const IncidentCard = memo(function IncidentCard({ id, compact }: { id: string; compact: boolean }) {
  const incident = useBoardCard(id);
  const stale = useIncidentStale(id);
  renders[id] = (renders[id] ?? 0) + 1;
  const { t, lang } = useT();
  const { venue, role } = usePlan();
  if (!incident) return null;
  const i = incident.incident;
  const alerts = openAlerts(incident);
  const ended = i.status !== 'open';
  const nearest = ended ? null : nearestSummons(incident.summons);
  return (
    <Card size="small" className={`board-card${alerts.total ? ' alerting' : ''}${ended ? ' ended' : ''}`} data-testid={`incident-${id}`}>
      <div className="board-card-head">
        <Link className="board-venue" to={`/incidents/${id}`}>
          {venue(i.venue, lang)}
        </Link>
        <SitePlanButton card={incident} venueName={venue(i.venue, lang)} />
        <span className="board-time">{i.reported_at.slice(11, 16)}</span>
      </div>
      <div className="board-figures">
        <span className="board-headcount" data-testid="headcount">
          <b>{i.headcount}</b> {t('common.people')}
        </span>
        <TierTag tier={i.tier} />
        {ended && (
          <Tag className="board-ended" data-testid="board-cleared">
            {t(`status.${i.status}`)} {clock(i.cleared_at ?? i.closed_at).slice(0, 5)}
          </Tag>
        )}
        {stale && (
          <Tag color="warning" title={t('live.stale')} data-testid="board-stale">
            {t('live.staleShort')}
          </Tag>
        )}
        {nearest && (
          <div className="board-nearest" data-testid="board-nearest">
            <span className="board-nearest-label" title={role(nearest.role, lang)}>
              {t('board.nearest')} · {role(nearest.role, lang)}
            </span>
            <Countdown issued={nearest.issued_at} deadline={nearest.deadline} done={false} />
          </div>
        )}
      </div>
      <Typography.Paragraph ellipsis={{ rows: 1 }} className="board-matter">
        <MatterText matter={i.matter} withheld={i.matter_withheld} />
      </Typography.Paragraph>
      {compact ? (
        <div>
          <Tag color={ended ? 'default' : 'processing'} data-testid="board-stage">
            {t(`stage.${i.stage}`)}
          </Tag>
        </div>
      ) : (
        <StageSteps stage={i.stage} />
      )}
      {alerts.total > 0 && (
        <div className="board-alerts">
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
      <div className="board-summons">
        {incident.summons.map((s) => (
          <SummonsLine key={s.role} s={s} testid={`summons-${s.role}`} />
        ))}
      </div>
    </Card>
  );
});

import { App, Button, Card, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import type { Incident } from '../../../../src/api';
import { errorText, post } from '../../shared/http';
import { useT } from '../../shared/i18n';
import { clock } from '../../shared/incident-bits';
import { live } from '../../shared/live';
import { KindLegend, Map, MARK_KINDS, useImage, useVenuePlan, type MarkKind, type Marks, type SiteMarkValue } from './site-common';

/*
 * A venue's site plan on the incident page (the board's button is in board-plan-button.tsx,
 * the report form's field in report-site.tsx). The map itself (Leaflet) is `site-map.tsx`, loaded only when a plan is shown.
 */

/**
 * The incident page's site plan: the latest marks, the crowd labelled with its size; staff,
 * police and the working group (whoever may `place`) update them by tapping and dragging.
 */
export function SitePlanCard({ incident, canPlace, onDone }: { incident: Incident; canPlace: boolean; onDone?: () => void }) {
  const { t } = useT();
  const { message } = App.useApp();
  const i = incident.incident;
  const venuePlan = useVenuePlan(i.venue);
  const marks = incident.marks as Marks | undefined;
  const [draft, setDraft] = useState<SiteMarkValue[] | null>(null);
  const [kind, setKind] = useState<MarkKind>('crowd');
  const [busy, setBusy] = useState(false);
  const editBase = venuePlan?.sha256 ?? marks?.site_plan ?? null;
  const shownSha = draft ? editBase : (marks?.site_plan ?? venuePlan?.sha256 ?? null);
  const image = useImage(shownSha, venuePlan);
  if (!venuePlan && !marks) return null;
  const crowdText = t('site.crowdSize', { n: i.headcount });

  const save = async () => {
    if (!draft || !editBase) return;
    setBusy(true);
    try {
      const view = await post<Incident>(`/api/incidents/${incident.id}/commands`, { do: 'place', site_plan: editBase, marks: draft });
      live.put(view);
      message.success(t('site.saved'));
      setDraft(null);
      onDone?.();
    } catch (err) {
      message.error(`${t('action.rejected')}: ${errorText(err, t)}`, 6);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('site.title')}
      style={{ marginTop: 16 }}
      data-testid="site-plan-card"
      extra={
        canPlace && !draft && editBase ? (
          <Button size="small" onClick={() => setDraft(marks && marks.site_plan === editBase ? [...marks.marks] : [])} data-testid="site-edit">
            {t('site.edit')}
          </Button>
        ) : null
      }
    >
      {draft ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Segmented<MarkKind> value={kind} onChange={setKind} options={MARK_KINDS.map((k) => ({ value: k, label: t(`site.kind.${k}`) }))} data-testid="site-kind" />
          <Typography.Text type="secondary">{t('site.placeHint')}</Typography.Text>
          <Map image={image} marks={draft} crowdText={crowdText} editKind={kind} onChange={setDraft} />
          <Space wrap>
            <Button type="primary" loading={busy} onClick={() => void save()} data-testid="site-save">
              {t('site.save')}
            </Button>
            <Button onClick={() => setDraft([])}>{t('site.clearMarks')}</Button>
            <Button onClick={() => setDraft(null)}>{t('site.cancel')}</Button>
          </Space>
        </Space>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Map image={image} marks={marks?.marks ?? []} crowdText={crowdText} />
          <Typography.Text type="secondary" data-testid="site-marked-at">
            {marks ? t('site.markedAt', { at: clock(marks.at) }) : t('site.noMarks')}
            {marks && venuePlan && marks.site_plan !== venuePlan.sha256 ? ` · ${t('site.otherPlan')}` : ''}
          </Typography.Text>
          <KindLegend />
        </Space>
      )}
    </Card>
  );
}

import { Space, Spin } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { Incident } from '../../../../src/api';
import { useT } from '../../shared/i18n';
import { usePlan } from '../../shared/plan-context';

/*
 * What the site plan's views share: the kinds of mark, the venue's plan, the image's size, and
 * the map, whose code (Leaflet, in site-map.tsx) loads only when a plan is shown.
 */

export const MARK_KINDS = ['crowd', 'police', 'staff', 'command_post'] as const;
export type MarkKind = (typeof MARK_KINDS)[number];
export interface SiteMarkValue {
  kind: MarkKind;
  x: number;
  y: number;
  label?: string;
}
export type Marks = NonNullable<Incident['marks']>;
export interface PlanImage {
  sha256: string;
  width: number;
  height: number;
}

const COLORS: Record<MarkKind, string> = { crowd: '#cf1322', police: '#1d39c4', staff: '#389e0d', command_post: '#d48806' };

const SiteMap = lazy(() => import('./site-map'));

/** The current site plan of a venue, from the active organization. */
export function useVenuePlan(venue: string | undefined) {
  const { info } = usePlan();
  return info.organization.venues.find((v) => v.id === venue)?.site_plan ?? null;
}

/** An image's size: the venue's record when it names this image, else read from the image (an earlier plan). */
export function useImage(sha256: string | null, venuePlan: PlanImage | null): PlanImage | null {
  const [read, setRead] = useState<PlanImage | null>(null);
  const known = venuePlan && venuePlan.sha256 === sha256 ? venuePlan : null;
  useEffect(() => {
    if (!sha256 || known) return;
    const img = new Image();
    img.onload = () => setRead({ sha256, width: img.naturalWidth || 1000, height: img.naturalHeight || 700 });
    img.src = `/api/site-plans/${sha256}`;
  }, [sha256, known]);
  return known ?? (read && read.sha256 === sha256 ? read : null);
}

export function Map(props: { image: PlanImage | null; marks: readonly SiteMarkValue[]; crowdText?: string; editKind?: MarkKind | null; single?: boolean; onChange?: (m: SiteMarkValue[]) => void; height?: number | string }) {
  const { t } = useT();
  const spin = <div style={{ height: props.height ?? 360, display: 'grid', placeItems: 'center' }}><Spin /></div>;
  if (!props.image) return spin;
  return (
    <Suspense fallback={spin}>
      <SiteMap {...props} image={props.image} kindName={(k) => t(`site.kind.${k}`)} />
    </Suspense>
  );
}

export function KindLegend() {
  const { t } = useT();
  return (
    <Space size={12} wrap>
      {MARK_KINDS.map((k) => (
        <span key={k}>
          <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: k === 'police' ? 2 : 5, background: COLORS[k], marginInlineEnd: 4 }} />
          {t(`site.kind.${k}`)}
        </span>
      ))}
    </Space>
  );
}


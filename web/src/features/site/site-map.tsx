import 'leaflet/dist/leaflet.css';
import './site-map.css';
import L from 'leaflet';
import { useMemo } from 'react';
import { ImageOverlay, MapContainer, Marker, useMapEvents } from 'react-leaflet';
import type { MarkKind, SiteMarkValue } from './site-common';

/**
 * A venue's site plan as a map: the plan image in Leaflet's plain coordinate system
 * (`CRS.Simple`: no tiles, nothing fetched but the image from our server), with the marks
 * on it. Marks are fractions of the image (x from the left, y from the top). Loaded only when
 * a plan is shown, so Leaflet never weighs on the board's or the report form's first load.
 */
export interface SiteMapProps {
  /** The image: its SHA-256 and size in pixels. */
  image: { sha256: string; width: number; height: number };
  marks: readonly SiteMarkValue[];
  /** Text on the crowd's marker (its size, e.g. 约 120 人). */
  crowdText?: string;
  /** Names of the kinds, in the reader's language. */
  kindName: (kind: MarkKind) => string;
  /** Editing: a tap on the plan adds a mark of this kind, marks can be dragged, and a tap on one removes it. */
  editKind?: MarkKind | null;
  /** Only one mark of the editing kind: a tap moves it (the report form's crowd). */
  single?: boolean;
  onChange?: (marks: SiteMarkValue[]) => void;
  height?: number | string;
  maxMarks?: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const round = (n: number) => Math.min(1, Math.max(0, Math.round(n * 10_000) / 10_000));

export default function SiteMap({ image, marks, crowdText, kindName, editKind, single, onChange, height = 360, maxMarks = 40 }: SiteMapProps) {
  const { width: w, height: h } = image;
  const bounds = useMemo(() => L.latLngBounds([0, 0], [h, w]), [w, h]);
  const toLatLng = (m: { x: number; y: number }) => L.latLng((1 - m.y) * h, m.x * w);
  const toMark = (ll: L.LatLng) => ({ x: round(ll.lng / w), y: round(1 - ll.lat / h) });
  const editing = Boolean(editKind && onChange);

  const add = (ll: L.LatLng) => {
    if (!editKind || !onChange || !bounds.contains(ll)) return;
    const at = toMark(ll);
    if (single) onChange([...marks.filter((m) => m.kind !== editKind), { kind: editKind, ...at }]);
    else if (marks.length < maxMarks) onChange([...marks, { kind: editKind, ...at }]);
  };

  return (
    <div className={`site-map${editing ? ' site-map-editing' : ''}`} data-testid="site-map" data-marks={marks.length}>
      <MapContainer
        crs={L.CRS.Simple}
        bounds={bounds}
        maxBounds={bounds.pad(0.25)}
        minZoom={-6}
        maxZoom={3}
        zoomSnap={0.25}
        attributionControl={false}
        style={{ height, width: '100%' }}
      >
        <ImageOverlay url={`/api/site-plans/${image.sha256}`} bounds={bounds} />
        {editing && <Taps onTap={add} />}
        {marks.map((m, n) => {
          const text = m.kind === 'crowd' && crowdText ? `${crowdText}${m.label ? ` · ${m.label}` : ''}` : (m.label ?? kindName(m.kind));
          const icon = L.divIcon({
            className: `site-mark site-mark-${m.kind}`,
            html: `<span class="site-mark-dot"></span><span class="site-mark-text" data-testid="site-mark-${m.kind}">${escape(text)}</span>`,
            iconSize: [18, 18],
            iconAnchor: [9, 9],
          });
          return (
            <Marker
              key={`${n}-${m.kind}-${m.x}-${m.y}`}
              position={toLatLng(m)}
              icon={icon}
              title={kindName(m.kind)}
              draggable={editing}
              eventHandlers={
                editing
                  ? {
                      dragend: (e) => onChange!(marks.map((x, k) => (k === n ? { ...x, ...toMark((e.target as L.Marker).getLatLng()) } : x))),
                      click: () => onChange!(marks.filter((_, k) => k !== n)),
                    }
                  : {}
              }
            />
          );
        })}
      </MapContainer>
    </div>
  );
}

function Taps({ onTap }: { onTap: (ll: L.LatLng) => void }) {
  useMapEvents({ click: (e) => onTap(e.latlng) });
  return null;
}

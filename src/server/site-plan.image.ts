import { refusal, type Refusal } from '../i18n/refusals.js';

/** The kinds of image a venue's site plan may be. */
export const SITE_PLAN_MEDIA = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
export type SitePlanMedia = (typeof SITE_PLAN_MEDIA)[number];

/**
 * Bounds of a site plan: the file (it is kept for good, and loaded on phones over 4G), each
 * side in pixels, and the pixels of a raster image (a phone decodes it whole).
 */
export const SITE_PLAN_LIMITS = { bytes: 5 * 1024 * 1024, minSide: 16, maxSide: 8000, megapixels: 40 } as const;

export type ImageCheck = { ok: true; width: number; height: number } | { ok: false; reason: Refusal };

/** Why a file is not taken as a site plan: not one of the kinds, or bytes that are not the kind claimed. */
export const typeRefusal = () => refusal('site_plan.type', { types: { zh: 'PNG、JPEG或SVG', en: 'PNG, JPEG or SVG' } });

/**
 * Checks that the bytes really are an image of the claimed type, within bounds, and reads its
 * size in pixels (an SVG's from its width and height, or its viewBox). Pure.
 */
export function inspectSitePlan(bytes: Buffer, mediaType: string): ImageCheck {
  const L = SITE_PLAN_LIMITS;
  if (bytes.length > L.bytes) return { ok: false, reason: refusal('site_plan.too_large', { mb: L.bytes / 1024 / 1024 }) };
  const size = mediaType === 'image/png' ? pngSize(bytes) : mediaType === 'image/jpeg' ? jpegSize(bytes) : mediaType === 'image/svg+xml' ? svgSize(bytes) : null;
  if (!size) return { ok: false, reason: typeRefusal() };
  const { width, height } = size;
  const raster = mediaType !== 'image/svg+xml';
  if (
    !Number.isFinite(width) ||
    !Number.isFinite(height) ||
    Math.min(width, height) < L.minSide ||
    Math.max(width, height) > L.maxSide ||
    (raster && width * height > L.megapixels * 1_000_000)
  ) {
    return { ok: false, reason: refusal('site_plan.dimensions', { min: L.minSide, max: L.maxSide, mp: L.megapixels }) };
  }
  return { ok: true, width, height };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Start-of-frame markers carry the size: SOF0–3, 5–7, 9–11, 13–15 (C4, C8 and CC are other segments). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return null;
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) { i += 2; continue; } // no length
    if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data before any frame header
    const length = b.readUInt16BE(i + 2);
    if (length < 2) return null;
    if (SOF.has(marker)) {
      if (i + 9 > b.length) return null;
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

const LENGTH = /^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$/;

function svgSize(b: Buffer): { width: number; height: number } | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
  // Before the root element only an XML declaration, comments and white space; a DOCTYPE
  // (entities) is refused.
  const prolog = /^\ufeff?\s*(<\?xml[^>]*\?>\s*)?((<!--[\s\S]*?-->)\s*)*/.exec(text)!;
  const rest = text.slice(prolog[0].length);
  const open = /^<svg(\s[^>]*)?>/.exec(rest);
  if (!open) return null;
  const attrs = open[1] ?? '';
  if (!/xmlns\s*=\s*["']http:\/\/www\.w3\.org\/2000\/svg["']/.test(attrs)) return null;
  const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`).exec(attrs)?.[1];
  const w = LENGTH.exec(attr('width') ?? '');
  const h = LENGTH.exec(attr('height') ?? '');
  if (w && h) return { width: Math.round(Number(w[1])), height: Math.round(Number(h[1])) };
  const box = (attr('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  if (box.length !== 4 || box.some((n) => !Number.isFinite(n))) return null;
  return { width: Math.round(box[2]!), height: Math.round(box[3]!) };
}

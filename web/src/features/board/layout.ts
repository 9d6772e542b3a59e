import { useEffect, useState } from 'react';

/**
 * Screen sizes in one place. The widths are Ant Design's breakpoints (Grid.useBreakpoint), and
 * the media queries in styles.css use the same numbers: below `md` is a phone (tab bar at the
 * bottom, one column, tables become cards), from `wall` up a command room's display.
 */
export const BREAKPOINT = { sm: 576, md: 768, lg: 992, xl: 1200, wall: 1600 } as const;

/** The board's sizes, in CSS pixels unless named otherwise. */
export const BOARD = {
  /** Space between cards. */
  gap: 12,
  /** Space below the grid: the page's bottom padding (styles.css, .yj-content). */
  bottom: 16,
  /** Smallest and largest type on a card. */
  minFont: 14,
  maxFont: 64,
  /** The viewport's base type is its width divided by this (at least `minFont`): 16 px at 1920, 32 px at 3840. */
  baseDivisor: 120,
  /** Type on a card grows to at most this many times the base type (one or two incidents on a wall). */
  maxScale: 1.75,
  /** A card is at least this many base ems wide: how many columns at most. */
  minCardEm: 22,
  /** A card is at least this many of its own ems wide, and each column of summons rows needs this many more. */
  cardEm: 26,
  summonsColumnEm: 17,
  /** A card's height in its ems without summons rows (head, figures and nearest deadline, matter, stage, two lines of alerts), and per summons row; measured. */
  cardBaseEm: 16.5,
  summonsRowEm: 1.75,
  /** At most this many columns of summons rows on a card. */
  maxSummonsColumns: 3,
  /** A card at least this many of its ems wide shows the stage as four steps; a narrower one as one tag. */
  stepsEm: 30,
} as const;

export interface BoardGrid {
  columns: number;
  /** Row height that makes the cards fill the area, or null when they cannot all fit (the page scrolls). */
  rowHeight: number | null;
  /** Type size on the cards, px. */
  font: number;
  /** Columns of summons rows on each card. */
  summonsColumns: number;
  /** Whether the cards are wide enough for the stage as four steps. */
  steps: boolean;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The base type of a viewport `width` px wide, px. */
export const baseFont = (width: number) => Math.round(clamp(width / BOARD.baseDivisor, BOARD.minFont, BOARD.maxFont));

/**
 * How to lay out `count` incident cards in a `width` × `height` area (CSS px) so the type is as
 * large as it can be: the number of columns (and of summons columns on a card, for up to `rows`
 * summons) that gives the largest type with every card on screen, the rows stretched to fill
 * it. So a wall at 3840×2160 reads from three metres, a few incidents get very large type, and
 * many get more columns. When the cards cannot all fit at the smallest type, as many columns as
 * fit and the page scrolls. Pure.
 */
export function boardGrid(count: number, width: number, height: number, rows = 0): BoardGrid {
  const B = BOARD;
  const cap = Math.min(B.maxFont, baseFont(width) * B.maxScale);
  const maxColumns = Math.max(1, Math.floor((width + B.gap) / (B.minCardEm * baseFont(width) + B.gap)));
  const cardWidth = (columns: number) => (width - B.gap * (columns - 1)) / columns;
  /** The largest type for a card `w` wide (and `h` high, if it must fit), with its summons columns. */
  const typeFor = (w: number, h: number | null) => {
    let best = { font: 0, summonsColumns: 1 };
    for (let k = 1; k <= B.maxSummonsColumns; k++) {
      const byWidth = w / Math.max(B.cardEm, B.summonsColumnEm * k + 1.5);
      const byHeight = h === null ? Infinity : h / (B.cardBaseEm + B.summonsRowEm * Math.ceil(rows / k));
      const font = Math.min(byWidth, byHeight, cap);
      if (font > best.font + 0.01) best = { font, summonsColumns: k };
      if (rows <= k) break;
    }
    return best;
  };
  let best: BoardGrid | null = null;
  for (let c = 1; c <= Math.min(Math.max(count, 1), maxColumns); c++) {
    const lines = Math.ceil(count / c);
    const h = (height - B.gap * (lines - 1)) / lines;
    const type = typeFor(cardWidth(c), h);
    const font = Math.floor(type.font);
    if (type.font >= B.minFont && (!best || font > best.font)) best = { columns: c, rowHeight: Math.floor(h), font, summonsColumns: type.summonsColumns, steps: cardWidth(c) / font >= B.stepsEm };
  }
  if (best) return best;
  const type = typeFor(cardWidth(maxColumns), null);
  const font = Math.floor(clamp(type.font, B.minFont, cap));
  return { columns: maxColumns, rowHeight: null, font, summonsColumns: type.summonsColumns, steps: cardWidth(maxColumns) / font >= B.stepsEm };
}

/** The viewport's size, following resizes (and turning a phone). */
export function useViewport(): { width: number; height: number } {
  const read = () => ({ width: window.innerWidth, height: window.innerHeight });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const update = () => setSize((s) => {
      const next = read();
      return next.width === s.width && next.height === s.height ? s : next;
    });
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
  return size;
}

/** A phone: narrower than Ant Design's `md`, as the shell's tab bar decides. */
export function usePhone(): boolean {
  return useViewport().width < BREAKPOINT.md;
}

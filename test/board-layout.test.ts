import { describe, expect, it } from 'vitest';
import { BOARD, baseFont, boardGrid } from '../web/src/features/board/layout.js';

/*
 * The board's grid (web/src/features/board/layout.ts): columns and type from how many incidents there are and
 * the room below the totals, so a command room's wall reads from three metres.
 */
describe('the board grid', () => {
  // The room the board has below its totals at 1920×1080 and at 3840×2160 (measured in the browser).
  const HD = { width: 1888, height: 790 };
  const UHD = { width: 3808, height: 1760 };

  it('puts six incidents on one 1080p screen in three columns, large enough to read across the room', () => {
    const grid = boardGrid(6, HD.width, HD.height, 7);
    expect(grid).toMatchObject({ columns: 3, summonsColumns: 2, steps: true });
    expect(grid.rowHeight).not.toBeNull();
    // Two rows of cards fill the height.
    expect(grid.rowHeight! * 2 + BOARD.gap).toBeLessThanOrEqual(HD.height);
    expect(grid.rowHeight! * 2 + BOARD.gap).toBeGreaterThan(HD.height - 2);
    expect(grid.font).toBeGreaterThanOrEqual(16);
  });

  it('doubles the type on a 4K wall', () => {
    expect(baseFont(3840)).toBe(2 * baseFont(1920));
    expect(boardGrid(6, UHD.width, UHD.height, 7).font).toBeGreaterThanOrEqual(2 * boardGrid(6, HD.width, HD.height, 7).font - 1);
  });

  it('gives one incident the whole screen, its type capped', () => {
    const grid = boardGrid(1, HD.width, HD.height, 3);
    expect(grid.columns).toBe(1);
    expect(grid.font).toBe(Math.floor(baseFont(1920) * BOARD.maxScale));
  });

  it('adds columns as incidents come, and never makes the type larger for more of them', () => {
    let font = Infinity;
    for (let n = 1; n <= 60; n++) {
      const grid = boardGrid(n, HD.width, HD.height, 4);
      expect(grid.font, `${n} incidents`).toBeLessThanOrEqual(font);
      expect(grid.font).toBeGreaterThanOrEqual(BOARD.minFont);
      font = grid.font;
    }
    const columns = [1, 2, 3, 12, 40].map((n) => boardGrid(n, HD.width, HD.height, 4).columns);
    expect(columns).toEqual([...columns].sort((a, b) => a - b));
    expect(columns[0]).toBe(1);
    expect(columns.at(-1)).toBeGreaterThan(3);
  });

  it('lets 200 incidents scroll in as many columns as fit, at the smallest type, the stage as one tag', () => {
    const grid = boardGrid(200, HD.width, HD.height, 10);
    expect(grid).toEqual({ columns: 5, rowHeight: null, font: BOARD.minFont, summonsColumns: 1, steps: false });
  });

  it('fits a laptop', () => {
    const grid = boardGrid(4, 1334, 500, 4);
    expect(grid.columns * BOARD.minCardEm * BOARD.minFont).toBeLessThanOrEqual(1334);
    expect(grid.font).toBeGreaterThanOrEqual(BOARD.minFont);
  });
});

import { z } from 'zod';
import type { Incident, Measure, Summons } from './incidents.js';

/**
 * `GET /api/board`: the command board's picture of every active incident, a page at a time.
 * `after` is the `next` of the page before; `ended=all` pages on through every cleared or
 * closed incident (the board's "show cleared"), not only those that ended within the plan's
 * `settings.board_cleared_minutes`.
 */
export const BoardQuery = z.object({
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  ended: z.enum(['recent', 'all']).optional(),
});
export type BoardQuery = z.input<typeof BoardQuery>;

/** A summons as a card shows it: who, the countdown, the state; the people reached for the tooltip. */
export type BoardSummons = Pick<Summons, 'role' | 'status' | 'issued_at' | 'deadline' | 'arrived_at'> & { persons: Pick<Summons['persons'][number], 'name'>[] };

/** A measure that raises an alert on a card: flagged, or major and still awaiting approval. */
export type BoardMeasure = Pick<Measure, 'id' | 'kind' | 'flagged' | 'major' | 'approved_at' | 'declined_at' | 'taken_at'>;

/**
 * One incident as a board card shows it: the fields of the incident view (`Incident`) a card
 * reads, under the same names, so a full view is a card too (the board shows the fuller one
 * when the live stream brought it). The matter's text follows the visibility policy.
 */
export interface BoardCard {
  id: string;
  incident: Pick<Incident['incident'], 'venue' | 'status' | 'stage' | 'headcount' | 'tier' | 'matter' | 'matter_withheld' | 'reported_at' | 'cleared_at' | 'closed_at'>;
  summons: BoardSummons[];
  /** Only the measures that raise an alert. */
  measures: BoardMeasure[];
  /** The latest positions on the venue's site plan, when any were placed. */
  marks?: Incident['marks'];
}

/** One page of the board: cards newest first, open incidents before ended ones; `next` is null on the last page. */
export interface BoardPage {
  cards: BoardCard[];
  next: string | null;
}

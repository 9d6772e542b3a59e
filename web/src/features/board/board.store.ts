import { useSyncExternalStore } from 'react';
import { get } from '../../shared/http';
import { KeyedListeners, Listeners, type Listener } from '../../shared/listeners';
import { live } from '../../shared/live';
import { replaceCards } from './cards';
import type { BoardCard, BoardPage } from '../../../../src/api';

/** Which ended incidents the board asks for: those ended within the plan's minutes, or every one ("show cleared"). */
export type Ended = 'recent' | 'all';

/** How far loading the board got: `loaded` once every page came; `failed` holds why a page did not. */
export interface BoardLoad {
  loaded: Ended | null;
  loading: boolean;
  failed: string | null;
}

/**
 * The board's picture: every active incident as a compact card, loaded page by page from
 * `GET /api/board` (never a silent first few hundred), with the live store's full view taking
 * the card's place once an event brought it, since it is at least as new. Cards keep their
 * own listeners, so an event re-renders one card; incidents the live stream announces join the list.
 */
class BoardStore {
  private cards = new Map<string, BoardCard>();
  private readonly byId = new KeyedListeners();
  private readonly listListeners = new Listeners();
  private readonly loadListeners = new Listeners();
  private ids: string[] = [];
  /** Which load is current: a reset or a new load makes earlier pages still on their way stale. */
  private run = 0;
  /** What the latest load asked for, and how many reconnections the live stream had made by then. */
  private asked: Ended | null = null;
  private synced = 0;
  load: BoardLoad = { loaded: null, loading: false, failed: null };

  constructor() {
    live.subscribeList(() => this.reindex());
    live.onReset(() => {
      this.run++;
      const held = [...this.cards.keys()];
      this.cards.clear();
      this.reindex();
      for (const id of held) this.notify(id);
      this.setLoad({ loaded: null, loading: false, failed: null });
    });
  }

  /** Loads every page of the board, unless what is loaded already covers `ended` (or a load failed: this is the retry). */
  async ensure(ended: Ended): Promise<void> {
    const { loaded, loading, failed } = this.load;
    if (loading || (!failed && (loaded === 'all' || loaded === ended))) return;
    await this.fetch(ended, false);
  }

  /**
   * Loads every page again, as `ensure` did: after a reconnection, what changed while the stream
   * was down (an incident reported, one cleared) may never come through it. The cards held stay
   * on screen, with no loading notice, until the last page came; then the new set takes their place
   * at once. A later load or reload makes this one's pages stale, so an older answer never wins.
   */
  async reload(): Promise<void> {
    const ended = this.load.loaded ?? this.asked;
    if (ended) await this.fetch(ended, true);
  }

  /**
   * The board is on screen: it reloads after each reconnection of the live stream, and at once if
   * one came while it was not (the store outlives the page). Returns the way to stop.
   */
  follow(): () => void {
    if (this.asked && this.synced !== live.resyncs) void this.reload();
    return live.onResync(() => void this.reload());
  }

  /**
   * Every page of `ended`, newest first. A first load shows each page as it comes (how many came
   * is the loading notice's count); a `quiet` one shows nothing until it has them all. Either way
   * the complete set then replaces what is held, so incidents no longer on the board leave it.
   */
  private async fetch(ended: Ended, quiet: boolean): Promise<void> {
    const run = ++this.run;
    this.asked = ended;
    this.synced = live.resyncs;
    if (!quiet) this.setLoad({ ...this.load, loading: true, failed: null });
    const loaded = new Map<string, BoardCard>();
    try {
      let after: string | null = null;
      do {
        const query = new URLSearchParams({ ...(ended === 'all' ? { ended } : {}), ...(after ? { after } : {}) }).toString();
        const page: BoardPage = await get<BoardPage>(query ? `/api/board?${query}` : '/api/board');
        if (run !== this.run) return;
        for (const card of page.cards) loaded.set(card.id, card);
        if (!quiet) {
          for (const card of page.cards) {
            this.cards.set(card.id, card);
            this.notify(card.id);
          }
          this.reindex();
        }
        after = page.next;
      } while (after !== null);
      // All in one synchronous pass, so React renders the swap once.
      const next = replaceCards(this.cards, loaded);
      this.cards = next.cards;
      for (const id of next.changed) this.notify(id);
      if (next.changed.length) this.reindex();
      this.setLoad({ loaded: ended, loading: false, failed: null });
    } catch (err) {
      if (run === this.run) this.setLoad({ ...this.load, loading: false, failed: (err as Error).message });
    }
  }

  /** The card of an incident: the live full view when there is one, else the loaded card. */
  get(id: string): BoardCard | undefined {
    return live.get(id) ?? this.cards.get(id);
  }

  list(): string[] {
    return this.ids;
  }

  subscribe(id: string, l: Listener): () => void {
    const off = this.byId.subscribe(id, l);
    const offLive = live.subscribe(id, l);
    return () => {
      off();
      offLive();
    };
  }

  subscribeList(l: Listener): () => void {
    return this.listListeners.subscribe(l);
  }

  subscribeLoad(l: Listener): () => void {
    return this.loadListeners.subscribe(l);
  }

  /**
   * Loaded and live incidents, newest first (as the server pages them). Runs when a page came or
   * the live list changed (an incident appeared or changed status), so the board splits again.
   */
  private reindex(): void {
    const keyed = new Map<string, number>();
    for (const id of this.cards.keys()) keyed.set(id, Date.parse(this.get(id)!.incident.reported_at));
    for (const id of live.list()) keyed.set(id, Date.parse(live.get(id)!.incident.reported_at));
    this.ids = [...keyed.keys()].sort((a, b) => keyed.get(b)! - keyed.get(a)! || (a < b ? 1 : -1));
    this.listListeners.notify();
  }

  private notify(id: string): void {
    this.byId.notify(id);
  }

  private setLoad(load: BoardLoad): void {
    // Unchanged (a reload that found what was loaded): nothing for the board to render.
    const was = this.load;
    if (was.loaded === load.loaded && was.loading === load.loading && was.failed === load.failed) return;
    this.load = load;
    this.loadListeners.notify();
  }
}

export const board = new BoardStore();

export function useBoardIds(): string[] {
  return useSyncExternalStore((l) => board.subscribeList(l), () => board.list());
}

export function useBoardCard(id: string): BoardCard | undefined {
  return useSyncExternalStore((l) => board.subscribe(id, l), () => board.get(id));
}

export function useBoardLoad(): BoardLoad {
  return useSyncExternalStore((l) => board.subscribeLoad(l), () => board.load);
}

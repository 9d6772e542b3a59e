import { useSyncExternalStore } from 'react';
import { get } from '../../shared/http';
import { KeyedListeners, Listeners, type Listener } from '../../shared/listeners';
import { live } from '../../shared/live';
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
  private readonly cards = new Map<string, BoardCard>();
  private readonly byId = new KeyedListeners();
  private readonly listListeners = new Listeners();
  private readonly loadListeners = new Listeners();
  private ids: string[] = [];
  /** Which load is current: a reset or a new load makes earlier pages still on their way stale. */
  private run = 0;
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

  /** Loads every page of the board, unless what is loaded already covers `ended`. */
  async ensure(ended: Ended): Promise<void> {
    const { loaded, loading } = this.load;
    if (loading || loaded === 'all' || loaded === ended) return;
    const run = ++this.run;
    this.setLoad({ ...this.load, loading: true, failed: null });
    try {
      let after: string | null = null;
      do {
        const query = new URLSearchParams({ ...(ended === 'all' ? { ended } : {}), ...(after ? { after } : {}) }).toString();
        const page: BoardPage = await get<BoardPage>(query ? `/api/board?${query}` : '/api/board');
        if (run !== this.run) return;
        for (const card of page.cards) {
          this.cards.set(card.id, card);
          this.notify(card.id);
        }
        this.reindex();
        after = page.next;
      } while (after !== null);
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

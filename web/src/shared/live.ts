import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { get } from './http';
import { KeyedListeners, Listeners, type Listener } from './listeners';
import type { FeedEvent, Incident, IncidentApiEvent, RiskApiEvent } from '../../../src/api';

/**
 * The live picture: incidents kept current from the event stream, each fetched in full when an
 * event concerns it or a page opens it (the board loads its compact cards itself). Each
 * incident has its own listeners, so an event re-renders only the views of the incident it
 * concerns; the list of ids changes only when an incident appears or changes status.
 */
class LiveStore {
  private incidents = new Map<string, Incident>();
  private ids: string[] = [];
  private readonly byId = new KeyedListeners();
  private readonly listListeners = new Listeners();
  private readonly statusListeners = new Listeners();
  private readonly eventListeners = new Map<string, Set<(e: IncidentApiEvent) => void>>();
  private readonly riskListeners = new Set<(e: RiskApiEvent) => void>();
  private readonly resetListeners = new Listeners();
  private readonly resyncListeners = new Listeners();
  /** The stream failed since it last opened: the next open is a reconnection. */
  private broken = false;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private source: EventSource | null = null;
  online = false;
  lastSeq = 0;
  /** How many times the stream reconnected: a view that was not listening then can tell it missed one. */
  resyncs = 0;
  started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    const source = new EventSource('/api/events/stream');
    this.source = source;
    source.onopen = () => {
      this.setOnline(true);
      if (this.broken) this.resync();
    };
    source.onerror = () => {
      this.broken = true;
      this.setOnline(false);
    };
    source.onmessage = (msg) => {
      const event = JSON.parse(msg.data as string) as FeedEvent;
      this.lastSeq = event.seq;
      // The feed carries more than incidents: the early-warning register's events go to their own
      // listeners (the board's alert panel), never to an incident's card.
      if (event.stream === 'risk') {
        for (const l of this.riskListeners) l(event);
        return;
      }
      if (typeof event.incident !== 'string') return;
      for (const l of this.eventListeners.get(event.incident) ?? []) l(event);
      this.schedule(event.incident);
    };
    // The server's log is behind what this page saw (a restored backup): start over from it.
    source.addEventListener('reset', (msg) => {
      this.lastSeq = (JSON.parse((msg as MessageEvent).data as string) as { head: number }).head;
      const held = [...this.incidents.keys()];
      this.incidents.clear();
      this.reindex();
      for (const id of held) {
        this.notify(id);
        void this.refresh(id).catch(() => {}); // gone from the restored log: it stays away
      }
      this.resetListeners.notify();
    });
  }

  /**
   * After a reconnection: what was committed while the stream was down may not come through it
   * (a stream that had seen no event yet resumes from the log's head, not from where it broke),
   * so the incidents held are fetched again and the views that loaded their own data reload.
   */
  private resync(): void {
    this.broken = false;
    this.resyncs++;
    for (const id of this.incidents.keys()) void this.refresh(id).catch(() => {});
    this.resyncListeners.notify();
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.started = false;
    this.broken = false;
    this.incidents.clear();
    this.ids = [];
    this.resetListeners.notify();
  }

  /** Coalesces bursts of events for one incident into one fetch. */
  private schedule(id: string): void {
    if (this.pending.has(id)) return;
    this.pending.set(id, setTimeout(() => {
      this.pending.delete(id);
      void this.refresh(id);
    }, 40));
  }

  async refresh(id: string): Promise<void> {
    const incident = await get<Incident>(`/api/incidents/${id}`);
    const before = this.incidents.get(id);
    this.incidents.set(id, incident);
    if (!before || before.incident.status !== incident.incident.status) this.reindex();
    this.notify(id);
  }

  /** Puts an incident answered by a command straight into the store. */
  put(incident: Incident): void {
    const before = this.incidents.get(incident.id);
    this.incidents.set(incident.id, incident);
    if (!before || before.incident.status !== incident.incident.status) this.reindex();
    this.notify(incident.id);
  }

  private reindex(): void {
    this.ids = [...this.incidents.values()]
      .sort((a, b) => Date.parse(b.incident.reported_at) - Date.parse(a.incident.reported_at))
      .map((i) => i.id);
    this.listListeners.notify();
  }

  private notify(id: string): void {
    this.byId.notify(id);
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.statusListeners.notify();
  }

  get(id: string): Incident | undefined {
    return this.incidents.get(id);
  }

  list(): string[] {
    return this.ids;
  }

  subscribe(id: string, l: Listener): () => void {
    return this.byId.subscribe(id, l);
  }

  subscribeList(l: Listener): () => void {
    return this.listListeners.subscribe(l);
  }

  subscribeStatus(l: Listener): () => void {
    return this.statusListeners.subscribe(l);
  }

  /**
   * Calls back when the picture starts over: the server's log went back (a restored backup) or
   * the session ended. Views that loaded incidents of their own (the board) drop and reload them.
   */
  onReset(l: Listener): () => void {
    return this.resetListeners.subscribe(l);
  }

  /** Calls back after the live stream reconnected: views that loaded data of their own load it again. */
  onResync(l: Listener): () => void {
    return this.resyncListeners.subscribe(l);
  }

  /** Calls back on every event of the early-warning register (§6). */
  onRisk(l: (e: RiskApiEvent) => void): () => void {
    this.riskListeners.add(l);
    return () => this.riskListeners.delete(l);
  }

  onEvent(id: string, l: (e: IncidentApiEvent) => void): () => void {
    let set = this.eventListeners.get(id);
    if (!set) this.eventListeners.set(id, (set = new Set()));
    set.add(l);
    return () => set.delete(l);
  }
}

export const live = new LiveStore();

export function useIncident(id: string): Incident | undefined {
  return useSyncExternalStore((l) => live.subscribe(id, l), () => live.get(id));
}

export function useIncidentIds(): string[] {
  return useSyncExternalStore((l) => live.subscribeList(l), () => live.list());
}

/** Connected: the live stream is open and the phone says it has a network (a dead zone can leave a stream looking open). */
export function useOnline(): boolean {
  const stream = useSyncExternalStore((l) => live.subscribeStatus(l), () => live.online);
  const network = useSyncExternalStore(
    (l) => {
      window.addEventListener('online', l);
      window.addEventListener('offline', l);
      return () => {
        window.removeEventListener('online', l);
        window.removeEventListener('offline', l);
      };
    },
    () => navigator.onLine,
  );
  return stream && network;
}

/**
 * A list from the API about incidents (my summons, approvals), loaded again whenever one of
 * its incidents has an event or an incident appears or changes status.
 */
export function useLiveList<T extends { incident: { id: string } }>(path: string): [T[] | null, () => Promise<void>] {
  const [items, setItems] = useState<T[] | null>(null);
  const ids = useIncidentIds();
  const load = useCallback(async () => setItems(await get<T[]>(path)), [path]);
  useEffect(() => {
    void load();
  }, [load, ids]);
  useEffect(() => live.onResync(() => void load()), [load]);
  useEffect(() => {
    const offs = (items ?? []).map((x) => live.onEvent(x.incident.id, () => void load()));
    return () => offs.forEach((off) => off());
  }, [items, load]);
  return [items, load];
}

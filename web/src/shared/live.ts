import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError, get } from './http';
import { KeyedListeners, Listeners, type Listener } from './listeners';
import type { FeedEvent, Incident, IncidentApiEvent, RiskApiEvent } from '../../../src/api';

/**
 * The live picture: incidents kept current from the event stream, each fetched in full when an
 * event concerns it or a page opens it (the board loads its compact cards itself). Each
 * incident has its own listeners, so an event re-renders only the views of the incident it
 * concerns; the list of ids changes only when an incident appears or changes status.
 */
export class LiveStore {
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
  /** Per incident, the fetch on its way and the one asked for after it: never two at once, never a pile. */
  private readonly flights = new Map<string, { current: Promise<void>; next: Promise<void> | null }>();
  /** Incidents being brought up to date after events (with retries); `again`: an event came during a fetch. */
  private readonly syncing = new Map<string, { again: boolean }>();
  /**
   * Incidents whose fetch still failed after every retry: what is on screen may be old (views say
   * so); the next reconnection, or the phone's network coming back, fetches them.
   */
  private readonly stale = new Set<string>();
  /** Goes up when the picture starts over (a reset, a sign-out): answers to requests made before are dropped. */
  private epoch = 0;
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
    window.addEventListener('online', this.networkBack);
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
      const held = new Set([...this.incidents.keys(), ...this.stale]);
      this.epoch++;
      this.syncing.clear(); // a fetch under way asked the log before it went back: fetch again
      this.incidents.clear();
      this.reindex();
      for (const id of held) {
        this.notify(id);
        this.sync(id); // gone from the restored log (404): it stays away
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
    for (const id of new Set([...this.incidents.keys(), ...this.stale])) this.sync(id);
    this.resyncListeners.notify();
  }

  /**
   * The phone says its network is back (the window's `online`): the stale incidents are fetched
   * again, once each, without waiting for the stream to notice it broke and reconnect. One already
   * being brought up to date is left to its own tries.
   */
  private readonly networkBack = (): void => {
    for (const id of this.stale) if (!this.syncing.has(id)) this.sync(id);
  };

  stop(): void {
    window.removeEventListener('online', this.networkBack);
    this.source?.close();
    this.source = null;
    this.started = false;
    this.broken = false;
    this.epoch++;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.syncing.clear();
    const stale = [...this.stale];
    this.stale.clear();
    for (const id of stale) this.notify(id);
    this.incidents.clear();
    this.ids = [];
    this.resetListeners.notify();
  }

  /** Coalesces bursts of events for one incident into one fetch. */
  private schedule(id: string): void {
    if (this.pending.has(id)) return;
    this.pending.set(id, setTimeout(() => {
      this.pending.delete(id);
      this.sync(id);
    }, 40));
  }

  /**
   * Brings an incident up to date after an event or a reconnection. A failed fetch (a flaky
   * phone network, a proxy's 502, a restarting server) is tried again after growing pauses; one
   * that still fails leaves the incident stale (its views say so), for the next reconnection or
   * the phone's `online` to fetch. An event during a fetch leads to one more fetch after it.
   */
  private sync(id: string): void {
    const running = this.syncing.get(id);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.syncing.set(id, state);
    void this.syncLoop(id, state);
  }

  private async syncLoop(id: string, state: { again: boolean }): Promise<void> {
    const epoch = this.epoch;
    let failures = 0;
    try {
      for (;;) {
        state.again = false;
        try {
          await this.refresh(id);
          this.setStale(id, false);
          failures = 0;
          if (!state.again) return;
        } catch (err) {
          if (epoch !== this.epoch) return;
          if (!retryable(err)) {
            this.setStale(id, false);
            return;
          }
          if (failures === RETRY_DELAYS_MS.length) {
            this.setStale(id, true);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, jittered(RETRY_DELAYS_MS[failures++]!)));
        }
        if (epoch !== this.epoch) return;
      }
    } finally {
      if (this.syncing.get(id) === state) this.syncing.delete(id);
    }
  }

  /**
   * Fetches an incident's view into the store; rejects when the fetch fails (no retry here: a
   * page opening the incident says it is missing). Asked while a fetch for it is on its way, it
   * asks once more after that one, however often it was asked meanwhile.
   */
  refresh(id: string): Promise<void> {
    const flight = this.flights.get(id);
    if (!flight) return this.fetchView(id);
    return (flight.next ??= flight.current.then(
      () => this.fetchView(id),
      () => this.fetchView(id),
    ));
  }

  private fetchView(id: string): Promise<void> {
    const epoch = this.epoch;
    const current = get<Incident>(`/api/incidents/${id}`).then((incident) => {
      if (epoch === this.epoch) this.put(incident);
    });
    const flight = { current, next: null as Promise<void> | null };
    this.flights.set(id, flight);
    const landed = () => {
      if (this.flights.get(id) === flight && !flight.next) this.flights.delete(id);
    };
    current.then(landed, landed);
    return current;
  }

  /**
   * Puts an incident into the store: a command's answer, or a fetched view. An answer older than
   * the one held (a lower version: a slow fetch landing after a command's answer) is dropped.
   */
  put(incident: Incident): void {
    const before = this.incidents.get(incident.id);
    if (before && before.incident.version > incident.incident.version) return;
    this.incidents.set(incident.id, incident);
    this.stale.delete(incident.id); // a fresh view: what is shown is current again
    if (!before || before.incident.status !== incident.incident.status) this.reindex();
    this.notify(incident.id);
  }

  private setStale(id: string, stale: boolean): void {
    if (this.stale.has(id) === stale) return;
    if (stale) this.stale.add(id);
    else this.stale.delete(id);
    this.notify(id);
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

  /** Fetching the incident failed after every retry: what is shown of it may be out of date. */
  isStale(id: string): boolean {
    return this.stale.has(id);
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

/** Pauses before each retry of a failed fetch: a few tries, growing, capped, about 15 s in all. */
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000] as const;

/** Spreads the retries of many pages over a while, so a restarted server is not asked by all at once. */
function jittered(ms: number): number {
  return ms * (0.75 + Math.random() / 2);
}

/**
 * A failure worth trying again: the network or the server (5xx, 408, 429). Other refusals (the
 * incident is gone or not for this reader, the session ended) answer the same next time.
 */
function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status >= 500 || err.status === 408 || err.status === 429;
}

export const live = new LiveStore();

export function useIncident(id: string): Incident | undefined {
  return useSyncExternalStore((l) => live.subscribe(id, l), () => live.get(id));
}

/** Whether what is shown of an incident may be out of date (its refresh failed); false again once a fresh view came. */
export function useIncidentStale(id: string): boolean {
  return useSyncExternalStore((l) => live.subscribe(id, l), () => live.isStale(id));
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
 * its incidents has an event or an incident appears or changes status. A load that fails keeps
 * what is shown (nothing yet, if it was the first: the list is null) and never throws; the next
 * of those, a reconnection of the stream or the phone's network coming back loads it again.
 */
export function useLiveList<T extends { incident: { id: string } }>(path: string): [T[] | null, () => Promise<void>] {
  const [items, setItems] = useState<T[] | null>(null);
  const ids = useIncidentIds();
  const failed = useRef(false);
  const load = useCallback(async () => {
    try {
      setItems(await get<T[]>(path));
      failed.current = false;
    } catch {
      failed.current = true;
    }
  }, [path]);
  useEffect(() => {
    void load();
  }, [load, ids]);
  useEffect(() => live.onResync(() => void load()), [load]);
  useEffect(() => {
    const back = () => {
      if (failed.current) void load();
    };
    window.addEventListener('online', back);
    return () => window.removeEventListener('online', back);
  }, [load]);
  useEffect(() => {
    const offs = (items ?? []).map((x) => live.onEvent(x.incident.id, () => void load()));
    return () => offs.forEach((off) => off());
  }, [items, load]);
  return [items, load];
}

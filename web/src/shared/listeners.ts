/** A callback a store calls when what it holds changed (React reads it again: useSyncExternalStore). */
export type Listener = () => void;

/** Listeners of one thing: subscribe (returns the unsubscribe) and tell them all. */
export class Listeners {
  private readonly set = new Set<Listener>();

  subscribe(l: Listener): () => void {
    this.set.add(l);
    return () => void this.set.delete(l);
  }

  notify(): void {
    for (const l of this.set) l();
  }
}

/** Listeners per key (one incident's card, say): only those of the key that changed are told. */
export class KeyedListeners {
  private readonly byKey = new Map<string, Listeners>();

  subscribe(key: string, l: Listener): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Listeners()));
    return set.subscribe(l);
  }

  notify(key: string): void {
    this.byKey.get(key)?.notify();
  }
}

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { useSyncExternalStore } from 'react';
import { ApiError, csrfToken } from './http';
import { Listeners, type Listener } from './listeners';
import type { Incident } from '../../../src/api';

/*
 * The phone's queue of commands (issue 14 §3): a report, head count, note, check-in made in a
 * dead zone waits here, in IndexedDB, shown as 待发送, and is sent once the connection returns:
 * strictly in the order made, one at a time, each with its own Idempotency-Key (a send whose
 * answer was lost is sent again and the server answers the first outcome, recording nothing
 * twice) and the time it was made on the phone (X-Made-At; deadlines are judged by arrival).
 *
 * - A command goes to the queue when the phone is offline, when the request fails on the
 *   network, or when commands made before it are still waiting (the order holds); a 4xx
 *   answer is never queued: it is the answer.
 * - A command on an incident reported offline names it `pending:KEY` (the report's key) and
 *   is sent with the incident's id once the report is through.
 * - 409 (the rules refused it) and other 4xx answers mark it rejected, shown until dismissed;
 *   401 or a stale CSRF token stops the queue, keeps it, and asks to sign in again.
 * - The queue is per user: another user signing in on the phone sends none of it.
 * - At most OUTBOX_LIMIT commands wait per user; beyond, a new one is refused on the spot.
 */

/** How many commands may wait on one phone for one user. */
export const OUTBOX_LIMIT = 200;

export interface Queued {
  /** The order the commands were made in (IndexedDB's key generator). */
  seq?: number;
  /** Who made it (the username). */
  user: string;
  /** Its Idempotency-Key. */
  key: string;
  /** When it was made, by the phone's clock. */
  made_at: string;
  /** The incident it is for: null for a report, `pending:KEY` for an incident reported offline. */
  incident: string | null;
  body: Record<string, unknown>;
  state: 'waiting' | 'rejected';
  /** Why it was rejected, in the reader's language, and the rule's code. */
  error?: string;
  code?: string;
}

interface OutboxDb extends DBSchema {
  commands: { key: number; value: Queued; indexes: { user: string } };
  /** Reports sent from the queue: the report's key → the incident's id. */
  reported: { key: string; value: { key: string; user: string; incident: string } };
}

const PENDING = 'pending:';
export const pendingId = (key: string) => `${PENDING}${key}`;
export const isPending = (id: string | null): id is string => id !== null && id.startsWith(PENDING);


/** A key of 32 hex digits; `crypto.getRandomValues` works on a plain-HTTP intranet too. */
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function lang(): string {
  try {
    return localStorage.getItem('yingji.lang') === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/** What an answer tells the queue: sent (with the view), keep waiting (network, 5xx), stop for sign-in, or rejected. */
type Sent = { kind: 'sent'; view: Incident } | { kind: 'retry' } | { kind: 'sign_in' } | { kind: 'rejected'; error: ApiError };

async function send(item: Queued, incident: string | null): Promise<Sent> {
  let res: Response;
  try {
    res = await fetch(incident === null ? '/api/incidents' : `/api/incidents/${encodeURIComponent(incident)}/commands`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': item.key,
        'x-made-at': item.made_at,
        'accept-language': lang(),
        ...(csrfToken() ? { 'x-csrf-token': csrfToken()! } : {}),
      },
      body: JSON.stringify(item.body),
    });
  } catch {
    return { kind: 'retry' };
  }
  let data: Record<string, unknown> = {};
  try {
    data = (await res.json()) as Record<string, unknown>;
  } catch {
    // a proxy's error page: the status says enough
  }
  if (res.ok) return { kind: 'sent', view: data as unknown as Incident };
  const err = (data.error ?? {}) as { code?: string; message?: string };
  if (res.status === 401 || (res.status === 403 && err.code === 'csrf')) return { kind: 'sign_in' };
  if (res.status >= 500 || res.status === 429 || res.status === 408) return { kind: 'retry' };
  return { kind: 'rejected', error: new ApiError(res.status, err.code ?? 'error', err.message ?? res.statusText, err as Record<string, unknown>) };
}

/** The queue of one phone, for whoever is signed in. */
class Outbox {
  private db: Promise<IDBPDatabase<OutboxDb>> | null = null;
  private user: string | null = null;
  private items: Queued[] = [];
  private reported = new Map<string, string>();
  private readonly listeners = new Listeners();
  private flushing: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  /** The session expired with commands waiting: they wait for the same user to sign in again. */
  signIn = false;
  /** A snapshot for React (replaced on every change). */
  private snapshot: { items: Queued[]; signIn: boolean } = { items: [], signIn: false };
  /** What each sent command answered, for whoever waits on it (the report form). */
  private readonly answered = new Map<string, Incident>();

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('online', () => void this.flush());
  }

  private open(): Promise<IDBPDatabase<OutboxDb>> {
    return (this.db ??= openDB<OutboxDb>('yingji-outbox', 1, {
      upgrade(db) {
        const commands = db.createObjectStore('commands', { keyPath: 'seq', autoIncrement: true });
        commands.createIndex('user', 'user');
        db.createObjectStore('reported', { keyPath: 'key' });
      },
    }));
  }

  subscribe = (l: Listener): (() => void) => {
    return this.listeners.subscribe(l);
  };
  read = () => this.snapshot;

  private emit(): void {
    this.snapshot = { items: [...this.items], signIn: this.signIn };
    this.listeners.notify();
  }

  private async reload(): Promise<void> {
    if (!this.user) {
      this.items = [];
      this.emit();
      return;
    }
    const db = await this.open();
    this.items = (await db.getAllFromIndex('commands', 'user', this.user)).sort((a, b) => a.seq! - b.seq!);
    for (const r of await db.getAll('reported')) if (r.user === this.user) this.reported.set(r.key, r.incident);
    this.emit();
  }

  /** Who is signed in now (null: nobody): only their commands are shown and sent. */
  async setUser(user: string | null): Promise<void> {
    if (user === this.user) return;
    this.user = user;
    this.signIn = false;
    this.reported.clear();
    await this.reload();
    void this.flush();
  }

  /** The incident an incident reported offline became, once its report was sent. */
  resolved(id: string): string | null {
    return isPending(id) ? (this.reported.get(id.slice(PENDING.length)) ?? null) : id;
  }

  /**
   * Sends a command now, or queues it. `incident` null is a report. Resolves to the view when
   * it went through, or to the queued command; throws the API's refusal (a 4xx answer), or
   * when the queue is full.
   */
  async submit(incident: string | null, body: Record<string, unknown>): Promise<{ sent: Incident } | { queued: Queued }> {
    if (!this.user) throw new Error('not signed in');
    const item: Queued = { user: this.user, key: newKey(), made_at: new Date().toISOString(), incident, body, state: 'waiting' };
    const target = incident === null ? null : this.resolved(incident);
    // Straight to the server when nothing is waiting before it and the phone believes it is online.
    if (navigator.onLine && !this.signIn && !this.items.some((x) => x.state === 'waiting') && !isPending(target)) {
      const answer = await send(item, target);
      if (answer.kind === 'sent') return { sent: answer.view };
      if (answer.kind === 'rejected') throw answer.error;
      // The session expired: the command waits for the user to sign in again, like the rest.
      if (answer.kind === 'sign_in') this.signIn = true;
      // Lost on the way (perhaps after it arrived): queued under the same key.
    }
    if (this.items.length >= OUTBOX_LIMIT) throw new OutboxFull();
    const db = await this.open();
    item.seq = await db.add('commands', item);
    this.items.push(item);
    this.emit();
    this.scheduleRetry(true);
    return { queued: item };
  }

  /** Removes a rejected command from view (the server has its rejection on the record). */
  async dismiss(seq: number): Promise<void> {
    const db = await this.open();
    await db.delete('commands', seq);
    this.items = this.items.filter((x) => x.seq !== seq);
    this.emit();
  }

  /** What a sent command answered (by its key), once sent. */
  answer(key: string): Incident | undefined {
    return this.answered.get(key);
  }

  /** Sends what waits, in order, one at a time; stops at the first that cannot go yet. */
  flush(): Promise<void> {
    // Asked while sending: once this round ends, another one takes what was queued meanwhile.
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.again = false;
        await this.run();
      } while (this.again && !this.signIn);
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }
  private again = false;

  private async run(): Promise<void> {
    // No CSRF token: the app opened in a dead zone as whoever was signed in last (last-known.ts);
    // it asks the server again when the connection returns, and this queue is sent after that.
    if (!this.user || this.signIn || !csrfToken()) return;
    const user = this.user;
    // One tab sends at a time (Web Locks where the browser has them).
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    const work = () => this.sendAll(user);
    if (locks) await locks.request(`yingji-outbox:${user}`, work);
    else await work();
  }

  private async sendAll(user: string): Promise<void> {
    await this.reload();
    const db = await this.open();
    for (const item of [...this.items]) {
      if (this.user !== user) return;
      if (item.state !== 'waiting') continue;
      let target = item.incident;
      if (isPending(target)) {
        const id = this.resolved(target);
        if (id === null) {
          // The report it belongs to was rejected (or is gone): this cannot be sent.
          const report = this.items.find((x) => pendingId(x.key) === target);
          if (report && report.state === 'waiting') return;
          await this.mark(db, item, { state: 'rejected', code: 'report_rejected' });
          continue;
        }
        target = id;
      }
      const answer = await send(item, target);
      if (answer.kind === 'retry') return this.scheduleRetry(false);
      if (answer.kind === 'sign_in') {
        this.signIn = true;
        this.emit();
        return;
      }
      this.failures = 0;
      if (answer.kind === 'rejected') {
        await this.mark(db, item, { state: 'rejected', code: typeof answer.error.body.reason === 'string' ? answer.error.body.reason : answer.error.code, error: answer.error.message });
        continue;
      }
      if (item.incident === null) {
        await db.put('reported', { key: item.key, user, incident: answer.view.id });
        this.reported.set(item.key, answer.view.id);
      }
      this.answered.set(item.key, answer.view);
      await db.delete('commands', item.seq!);
      this.items = this.items.filter((x) => x.seq !== item.seq);
      this.emit();
      for (const l of this.sentListeners) l(item, answer.view);
    }
  }

  private async mark(db: IDBPDatabase<OutboxDb>, item: Queued, change: Partial<Queued>): Promise<void> {
    Object.assign(item, change);
    await db.put('commands', item);
    this.emit();
  }

  /** Tries again later: soon after a new command, then backing off (2 s doubling to 1 min) while the network stays away. */
  private scheduleRetry(now: boolean): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = now ? 0 : Math.min(60_000, 2_000 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (navigator.onLine) void this.flush();
      else this.scheduleRetry(false);
    }, delay);
  }

  private readonly sentListeners = new Set<(item: Queued, view: Incident) => void>();
  /** Called for each command the queue got through (to put its view on the board). */
  onSent(l: (item: Queued, view: Incident) => void): () => void {
    this.sentListeners.add(l);
    return () => this.sentListeners.delete(l);
  }

  /** Clears the sign-in stop once the same user signed in again, and sends. */
  signedInAgain(): void {
    this.signIn = false;
    this.emit();
    void this.flush();
  }
}

export class OutboxFull extends Error {
  constructor() {
    super(`outbox full: at most ${OUTBOX_LIMIT} commands wait`);
  }
}

export const outbox = new Outbox();

/** The signed-in user's queue: waiting and rejected commands, and whether it waits for a new sign-in. */
export function useOutbox(): { items: Queued[]; signIn: boolean } {
  return useSyncExternalStore(outbox.subscribe, outbox.read);
}

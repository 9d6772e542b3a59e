import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Incident } from '../../src/api/index.js';
import { LiveStore } from '../../web/src/shared/live.js';

/*
 * The web app's live store (web/src/shared/live.ts) when fetching an incident an event concerns
 * fails: the stream is up but the request is not (a flaky phone network, a proxy's 502, a
 * restarting server). The fetch is tried again until it lands, one at a time per incident, and
 * an answer older than the one held never replaces it. Still failing after every retry, the
 * incident is marked stale (its views say what they show may be old) until a fresh view comes:
 * at the next reconnection, or when the phone says its network is back (the window's `online`).
 * The stream, the network and the window are stand-ins.
 */

/** The live stream as the store sees it: the test opens, breaks and feeds it. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((msg: { data: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(): void {}
  close(): void {}
}

const ID = 'inc-1';
let seq = 0;
const view = (version: number, headcount = 10): Incident =>
  ({ id: ID, incident: { id: ID, status: 'open', version, headcount, reported_at: '2026-12-02T08:00:00+08:00' } }) as unknown as Incident;
const event = (source: FakeEventSource) => source.onmessage!({ data: JSON.stringify({ seq: ++seq, stream: 'incident', incident: ID, type: 'headcount_updated' }) });
const answer = (body: Incident, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const offline = () => Promise.reject(new TypeError('Failed to fetch'));
const badGateway = () => new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });

/** A request held until the test answers it. */
function deferred(): { promise: Promise<Response>; resolve: (r: Response) => void } {
  let resolve!: (r: Response) => void;
  return { promise: new Promise<Response>((r) => (resolve = r)), resolve };
}

describe('the live store fetching an incident an event concerns', () => {
  let store: LiveStore;
  let source: FakeEventSource;
  let fetchMock: ReturnType<typeof vi.fn<(url: string) => Promise<Response>>>;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('window', new EventTarget());
    fetchMock = vi.fn<(url: string) => Promise<Response>>();
    vi.stubGlobal('fetch', fetchMock);
    store = new LiveStore();
    store.start();
    source = FakeEventSource.last!;
    source.onopen!();
  });

  afterEach(() => {
    store.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('tries again when the fetch fails, and ends with the fresh view without another event', async () => {
    fetchMock.mockImplementationOnce(offline).mockResolvedValueOnce(answer(view(3, 42)));
    event(source);
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(store.get(ID)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(store.get(ID)?.incident.headcount).toBe(42);
    // Landed: nothing more is asked.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('tries a few times with growing pauses, then leaves the incident for the next reconnection', async () => {
    const at: number[] = [];
    fetchMock.mockImplementation(async () => (at.push(Date.now()), badGateway()));
    event(source);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(at.length).toBeGreaterThan(2);
    expect(at.length).toBeLessThan(10);
    const pauses = at.slice(1).map((t, i) => t - at[i]!);
    expect(pauses.every((p, i) => i === 0 || p > pauses[i - 1]!)).toBe(true);
    expect(Math.max(...pauses)).toBeLessThanOrEqual(10_000);
    const tries = fetchMock.mock.calls.length;
    // No event comes, the stream stays up: no more requests.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetchMock).toHaveBeenCalledTimes(tries);
    // The stream breaks and comes back: the incident is fetched again.
    fetchMock.mockResolvedValue(answer(view(4, 77)));
    source.onerror!();
    source.onopen!();
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMock).toHaveBeenCalledTimes(tries + 1);
    expect(store.get(ID)?.incident.headcount).toBe(77);
  });

  it('does not try again what the server refuses (the incident is not for this reader)', async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such incident' } }), { status: 404, headers: { 'content-type': 'application/json' } }));
    event(source);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(store.get(ID)).toBeUndefined();
  });

  it('keeps one fetch in flight per incident: events meanwhile lead to exactly one more after it', async () => {
    const first = deferred();
    const second = deferred();
    fetchMock.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    event(source);
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    for (let n = 0; n < 5; n++) {
      event(source);
      await vi.advanceTimersByTimeAsync(100);
    }
    // A page opening the incident asks too: it joins the queue rather than adding a request.
    const opened = store.refresh(ID);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    first.resolve(answer(view(5)));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.get(ID)?.incident.version).toBe(5);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    second.resolve(answer(view(8)));
    await opened;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(store.get(ID)?.incident.version).toBe(8);
  });

  it('stops trying once the session ends, and drops an answer that lands after', async () => {
    const slow = deferred();
    fetchMock.mockImplementationOnce(offline).mockReturnValueOnce(slow.promise);
    event(source);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    store.stop();
    slow.resolve(answer(view(3)));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(store.get(ID)).toBeUndefined();
  });

  it('an answer older than the view held does not replace it', async () => {
    const slow = deferred();
    fetchMock.mockReturnValueOnce(slow.promise);
    event(source);
    await vi.advanceTimersByTimeAsync(100);
    // A command's answer comes first, with the newer version.
    store.put(view(7, 60));
    slow.resolve(answer(view(6, 50)));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.get(ID)?.incident).toMatchObject({ version: 7, headcount: 60 });
  });

  /** Every fetch fails until the store gives up: the incident is stale. Returns how many were made. */
  async function exhaust(): Promise<number> {
    fetchMock.mockImplementation(async () => badGateway());
    event(source);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.isStale(ID)).toBe(true);
    return fetchMock.mock.calls.length;
  }
  const networkBack = () => window.dispatchEvent(new Event('online'));

  it('marks the incident stale once every retry failed, telling its views, and not before', async () => {
    const told = vi.fn();
    store.subscribe(ID, told);
    fetchMock.mockImplementation(async () => badGateway());
    event(source);
    await vi.advanceTimersByTimeAsync(5_000);
    // Still trying: not stale yet.
    expect(fetchMock.mock.calls.length).toBeGreaterThan(1);
    expect(store.isStale(ID)).toBe(false);
    expect(told).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.isStale(ID)).toBe(true);
    expect(told).toHaveBeenCalledTimes(1);
  });

  it('is current again as soon as a fresh view comes: a command\'s answer, or the fetch at the next reconnection', async () => {
    const told = vi.fn();
    store.subscribe(ID, told);
    await exhaust();
    told.mockClear();
    store.put(view(2, 30));
    expect(store.isStale(ID)).toBe(false);
    expect(told).toHaveBeenCalled();

    await exhaust();
    told.mockClear();
    fetchMock.mockResolvedValue(answer(view(4, 77)));
    source.onerror!();
    source.onopen!();
    await vi.advanceTimersByTimeAsync(100);
    expect(store.get(ID)?.incident.headcount).toBe(77);
    expect(store.isStale(ID)).toBe(false);
    expect(told).toHaveBeenCalled();
  });

  it('is no longer stale when the fetch at the next reconnection is refused (the incident is gone for this reader)', async () => {
    await exhaust();
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such incident' } }), { status: 404, headers: { 'content-type': 'application/json' } }));
    source.onerror!();
    source.onopen!();
    await vi.advanceTimersByTimeAsync(100);
    expect(store.isStale(ID)).toBe(false);
  });

  it('fetches the stale incidents again when the phone\'s network comes back, once per online event', async () => {
    // Online while nothing is stale: nothing is asked.
    fetchMock.mockResolvedValueOnce(answer(view(1)));
    event(source);
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    networkBack();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fetchMock.mockClear();
    const tries = await exhaust();
    // The network comes back, the stream stays up (it never noticed): one fetch, however often the phone says so meanwhile.
    const held = deferred();
    fetchMock.mockReturnValueOnce(held.promise);
    networkBack();
    networkBack();
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMock).toHaveBeenCalledTimes(tries + 1);
    networkBack();
    await vi.advanceTimersByTimeAsync(100);
    expect(fetchMock).toHaveBeenCalledTimes(tries + 1);
    expect(store.isStale(ID)).toBe(true);
    held.resolve(answer(view(6, 88)));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.get(ID)?.incident.headcount).toBe(88);
    expect(store.isStale(ID)).toBe(false);
    // Current again: later online events ask nothing.
    networkBack();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(tries + 1);
  });

  it('an online event whose fetch fails again goes through the same retries, and the store stops listening once the session ends', async () => {
    const tries = await exhaust();
    networkBack();
    await vi.advanceTimersByTimeAsync(60_000);
    const again = fetchMock.mock.calls.length - tries;
    expect(again).toBe(tries);
    expect(store.isStale(ID)).toBe(true);
    store.stop();
    expect(store.isStale(ID)).toBe(false);
    networkBack();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchMock).toHaveBeenCalledTimes(tries * 2);
  });
});

/// <reference lib="dom" />
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, shot, signedIn, WAIT, WALL } from './browser.js';

/*
 * The board on a wall loses its connection for a while: what happened meanwhile (an incident
 * reported by someone else, one cleared, a head count changed) is on it once the live stream is
 * back, without a reload of the page and without the board going blank in between. The board
 * has seen no event before the cut, so the reconnected stream starts from the log's head and
 * brings none of it: only the board loading its cards again does. And when the stream stays up
 * but fetching an incident after its event keeps failing, its page and card say they may be out
 * of date until the phone is back online. Screenshots: artifacts/board-resync.png, incident-stale.png, board-stale.png.
 */

/**
 * A TCP relay the browser reaches the server through. Chromium's offline mode (context.setOffline)
 * fails new requests but leaves an open live stream running, so losing the network also takes
 * `cut()`: every connection through the relay is dropped, the stream with them.
 */
async function relay(target: string): Promise<{ url: string; cut: () => void; close: () => Promise<void> }> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => open.forEach((s) => s.destroy()),
    close: () => {
      open.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
describe.runIf(HAS_CHROMIUM)('the board after a reconnection', { timeout: 180_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let staff: HttpClient;
  let network: Awaited<ReturnType<typeof relay>>;
  const held: string[] = [];

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    for (const [venue, headcount, matter] of [
      ['residence', 6, '拖欠工程款'],
      ['venue-1', 9, '反映低保资格认定'],
      ['venue-2', 14, '宅基地纠纷'],
    ] as const) {
      const r = await staff.post('/api/incidents', { venue, headcount, units: ['town-tanggou'], matter });
      expect(r.status).toBe(201);
      held.push(r.body.id);
    }
    network = await relay(server.url);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await network?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('shows an incident reported while its stream was cut once the stream is back, keeping the cards it held on screen', async () => {
    const { context, page } = await signedIn(browser, network.url, 'working-group.leader', WALL);
    for (const id of held) await page.getByTestId(`incident-${id}`).waitFor();
    const cards = () => page.locator('[data-testid^="incident-"]').count();
    await expect.poll(cards, { timeout: WAIT }).toBe(3);

    // From here on the page must not start again, nor the board drop its cards or show its loading notice.
    await page.evaluate(() => {
      const w = window as unknown as { __sameBoard: boolean; __boardBlinked: string[] };
      w.__sameBoard = true;
      w.__boardBlinked = [];
      document.querySelectorAll<HTMLElement>('[data-testid^="incident-"]').forEach((el) => (el.dataset.before = '1'));
      const cards = () => document.querySelectorAll('[data-testid^="incident-"]').length;
      const start = cards();
      new MutationObserver(() => {
        if (cards() < start) w.__boardBlinked.push(`cards ${cards()} of ${start}`);
        if (document.querySelector('[data-testid=board-loading]')) w.__boardBlinked.push('loading notice');
      }).observe(document.body, { childList: true, subtree: true });
    });

    // The network goes: new requests fail, and the live stream breaks.
    await context.setOffline(true);
    network.cut();
    await page.getByTestId('live-status').filter({ hasText: '连接中断' }).waitFor();
    // Meanwhile someone else reports an incident, clears one and counts again at another.
    const reported = await staff.post('/api/incidents', { venue: 'residence', headcount: 21, units: ['town-hengbu'], matter: '村民反映土地流转费未兑现' });
    expect(reported.status).toBe(201);
    const added = reported.body.id as string;
    const [recount, cleared] = [held[0]!, held[1]!];
    expect((await staff.post(`/api/incidents/${cleared}/commands`, { do: 'guide', result: 'failed' })).status).toBe(200);
    expect((await staff.post(`/api/incidents/${cleared}/commands`, { do: 'clear' })).status).toBe(200);
    expect((await staff.post(`/api/incidents/${recount}/commands`, { do: 'headcount', value: 40 })).status).toBe(200);
    expect(await page.getByTestId(`incident-${added}`).count()).toBe(0);

    // The network is back: the stream reconnects and the board catches up, in the same page.
    await context.setOffline(false);
    await page.getByTestId('live-status').filter({ hasText: '实时' }).waitFor();
    await page.getByTestId(`incident-${added}`).waitFor();
    await page.getByTestId(`incident-${cleared}`).getByTestId('board-cleared').waitFor();
    await page.getByTestId(`incident-${recount}`).getByTestId('headcount').filter({ hasText: '40' }).waitFor();
    // Two of those it held still open, one marked cleared, and the new one: three open.
    await expect.poll(cards, { timeout: WAIT }).toBe(4);
    await expect.poll(() => page.getByTestId('board-total-active').locator('.board-total-value').textContent(), { timeout: WAIT }).toBe('3');

    // The same page, the same card elements for the incidents it held, and no blank board in between.
    expect(await page.evaluate(() => (window as unknown as { __sameBoard?: boolean }).__sameBoard)).toBe(true);
    for (const id of held) expect(await page.getByTestId(`incident-${id}`).getAttribute('data-before'), id).toBe('1');
    expect(await page.evaluate(() => (window as unknown as { __boardBlinked: string[] }).__boardBlinked)).toEqual([]);
    await shot(page, 'board-resync');
    await context.close();
  });

  it('says an incident may be out of date when fetching it after an event keeps failing, until the phone is back online', async () => {
    const { context, page } = await signedIn(browser, server.url, 'working-group.leader', WALL);
    const id = held[2]!; // venue-2, 14 people, untouched by the test before
    const card = page.getByTestId(`incident-${id}`);
    await card.getByTestId('headcount').filter({ hasText: '14' }).waitFor({ timeout: WAIT });
    await card.locator('a.board-venue').click();
    await page.getByTestId('incident-headcount').filter({ hasText: '14' }).waitFor({ timeout: WAIT });

    // The stream stays up, but fetching the incident gets a proxy's 502 (its events and what is allowed still come).
    let fetches = 0;
    const view = `**/api/incidents/${id}`;
    await page.route(view, (route) => {
      fetches++;
      return route.fulfill({ status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' });
    });
    expect((await staff.post(`/api/incidents/${id}/commands`, { do: 'headcount', value: 15 })).status).toBe(200);
    await page.getByTestId('event-headcount_updated').waitFor({ timeout: WAIT });
    // Tried again with growing pauses (about 15 s, up to 19.4 s with their jitter), then marked: the
    // page says what it shows may be old. The pauses are timers; the wait leaves room for them on a slow machine.
    await page.getByTestId('incident-stale').waitFor({ timeout: 2 * WAIT });
    expect(fetches).toBeGreaterThan(1);
    expect(await page.getByTestId('incident-headcount').textContent()).toContain('14');
    expect(await page.getByTestId('incident-stale').textContent()).toContain('可能不是最新');
    await shot(page, 'incident-stale');
    // The notice's words wrap on a phone 360 px wide: the page does not scroll sideways.
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.setViewportSize(WALL.viewport);
    // So does its card on the board.
    await page.goBack();
    await card.getByTestId('board-stale').waitFor({ timeout: WAIT });
    await shot(page, 'board-stale');

    // The network is good again and the phone says so: the incident is fetched once more, and the notices go.
    await page.unroute(view);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await card.getByTestId('headcount').filter({ hasText: '15' }).waitFor({ timeout: WAIT });
    await card.getByTestId('board-stale').waitFor({ state: 'detached', timeout: WAIT });
    await page.goForward();
    await page.getByTestId('incident-headcount').filter({ hasText: '15' }).waitFor({ timeout: WAIT });
    expect(await page.getByTestId('incident-stale').count()).toBe(0);
    await context.close();
  });

  it('an incident page whose reading fails for a passing reason says so and offers to load again, never that the incident is missing', async () => {
    const { context, page } = await signedIn(browser, server.url, 'working-group.leader', WALL);
    const id = held[1]!;
    const events = `**/api/incidents/${id}/events`;
    await page.route(events, (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' }));
    await page.goto(`/incidents/${id}`);
    await page.getByTestId('incident-load-failed').waitFor({ timeout: WAIT });
    expect(await page.getByText('找不到该事件').count()).toBe(0);
    await shot(page, 'incident-load-failed');
    // On a phone 360 px wide the notice fits without the page scrolling sideways, and its button is a finger's height.
    await page.setViewportSize({ width: 360, height: 780 });
    await expect.poll(() => page.getByTestId('incident-reload').boundingBox().then((b) => b?.height), { timeout: WAIT }).toBeGreaterThanOrEqual(40);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.setViewportSize(WALL.viewport);

    await page.unroute(events);
    await page.getByTestId('incident-reload').click();
    await page.getByTestId('incident-title').waitFor({ timeout: WAIT });
    await page.getByTestId('incident-load-failed').waitFor({ state: 'detached', timeout: WAIT });
    await page.getByTestId('event-incident_reported').waitFor({ timeout: WAIT });
    await context.close();
  });
});

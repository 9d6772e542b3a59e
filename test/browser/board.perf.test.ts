/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { ARTIFACTS, HAS_CHROMIUM, launch, shot, signedIn, WALL } from './browser.js';

/*
 * The board at wall-display size with 200 active incidents and 2,000 summons: how long it
 * takes to show, how fast one event reaches its card, that an event re-renders only that
 * card, and how much main-thread time the live countdowns cost. Figures go to
 * artifacts/board-perf.json and the README.
 */
describe.runIf(HAS_CHROMIUM)('the board under load', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let staff: HttpClient;
  const ids: string[] = [];

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    const group = await HttpClient.login(server.url, 'working-group.leader');
    const units = [['town-tanggou', 'town-hengbu', 'dept-housing', 'dept-education'], ['town-fushan', 'town-zongyang', 'dept-human-resources', 'dept-natural-resources']];
    // 200 incidents, each: 4 units + tier-1 commander + tier-4 command and assistants = 10 summons.
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const n = batch * 10 + k;
          const created = await staff.post('/api/incidents', { venue: ['residence', 'venue-1', 'venue-2'][n % 3], headcount: 5, units: units[n % 2], matter: `事项 ${n}` });
          await group.post(`/api/incidents/${created.body.id}/commands`, { do: 'escalate' });
          await staff.post(`/api/incidents/${created.body.id}/commands`, { do: 'headcount', value: 60 });
          ids.push(created.body.id);
        }),
      );
    }
    browser = await launch();
    page = (await signedIn(browser, server.url, 'working-group.leader', WALL)).page;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('shows 200 incidents and 2,000 summons, updates one card per event, and keeps the main thread free', async () => {
    const t0 = Date.now();
    await page.goto('/');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="summons-"]').length >= 2000, undefined, { timeout: 60_000 });
    const firstRender = Date.now() - t0;
    expect(await page.locator('[data-testid^="incident-"]').count()).toBe(200);
    await shot(page, 'board-200-wall');

    // One event: only its card renders again, within a second.
    const target = ids[137]!;
    await page.waitForTimeout(500);
    const before = await page.evaluate(() => ({ ...(window as any).__yingjiCardRenders }));
    const t1 = Date.now();
    await staff.post(`/api/incidents/${target}/commands`, { do: 'headcount', value: 77 });
    await page.getByTestId(`incident-${target}`).getByTestId('headcount').filter({ hasText: '77' }).waitFor({ timeout: 2_000 });
    const updateMs = Date.now() - t1;
    await page.waitForTimeout(300);
    const after = await page.evaluate(() => ({ ...(window as any).__yingjiCardRenders }));
    const rerendered = Object.keys(after).filter((id) => after[id] !== before[id]);
    expect(rerendered).toEqual([target]);
    expect(updateMs).toBeLessThan(1_000);

    // Countdowns tick every second for 2,000 summons: measure main-thread long tasks for 5 s.
    const ticking = await page.evaluate(
      () =>
        new Promise<{ longTasks: number; longestMs: number; busyMs: number }>((resolve) => {
          const entries: PerformanceEntry[] = [];
          const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
          observer.observe({ entryTypes: ['longtask'] });
          setTimeout(() => {
            observer.disconnect();
            resolve({
              longTasks: entries.length,
              longestMs: Math.round(Math.max(0, ...entries.map((e) => e.duration))),
              busyMs: Math.round(entries.reduce((a, e) => a + e.duration, 0)),
            });
          }, 5_000);
        }),
    );
    const figures = { incidents: 200, summons: 2000, first_render_ms: firstRender, event_to_card_ms: updateMs, rerendered_cards_per_event: rerendered.length, countdown_5s: ticking };
    writeFileSync(`${ARTIFACTS}board-perf.json`, `${JSON.stringify(figures, null, 2)}\n`);
    console.log('board performance', figures);
    expect(ticking.longestMs).toBeLessThan(200);
  });
});

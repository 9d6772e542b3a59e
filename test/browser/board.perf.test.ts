/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, shot, signedIn, WALL } from './browser.js';

/*
 * The board at wall-display size with 200 active incidents and 2,000 summons: all of them show,
 * one event re-renders only its card, and the ticking countdowns re-render none. How fast (first
 * render, event to card, main-thread time) is measured by `npm run bench:board`
 * (bench/board.bench.ts), not asserted here.
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

  it('shows 200 incidents and 2,000 summons, updates one card per event, and ticks without renders', async () => {
    await page.goto('/');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="summons-"]').length >= 2000, undefined, { timeout: 120_000 });
    expect(await page.locator('[data-testid^="incident-"]').count()).toBe(200);
    await shot(page, 'board-200-wall');

    // One event: only its card renders again. Waits until the board is at rest first (no render for a while).
    const renders = () => page.evaluate(() => JSON.stringify((window as any).__yingjiCardRenders));
    const settled = async () => {
      let last = await renders();
      for (let i = 0; i < 60; i++) {
        await page.waitForTimeout(500);
        const now = await renders();
        if (now === last) break;
        last = now;
      }
      return JSON.parse(last) as Record<string, number>;
    };
    const before = await settled();
    const target = ids[137]!;
    await staff.post(`/api/incidents/${target}/commands`, { do: 'headcount', value: 77 });
    await page.getByTestId(`incident-${target}`).getByTestId('headcount').filter({ hasText: '77' }).waitFor();
    const after = await settled();
    const rerendered = Object.keys(after).filter((id) => after[id] !== before[id]);
    expect(rerendered).toEqual([target]);

    // The 2,000 countdowns tick (one timer rewriting text in place): no card renders for it.
    const countdown = page.locator('.countdown').first();
    const shown = await countdown.textContent();
    await page.waitForFunction((text) => document.querySelector('.countdown')?.textContent !== text, shown);
    expect(JSON.parse(await renders())).toEqual(after);
  });
});

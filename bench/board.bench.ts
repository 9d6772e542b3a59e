/**
 * The board under load, timed: 200 active incidents with 2,000 summons at wall-display size
 * (1920×1080) in headless Chromium. Prints, and writes to artifacts/board-perf.json:
 *
 * - first_render_ms: from navigation to `/` (signed in) until all 2,000 summons are on the board;
 * - event_to_card_ms: from sending a command over HTTP until its card shows the change (median
 *   and slowest of EVENTS commands, one at a time);
 * - countdown_5s: main-thread long tasks while the 2,000 countdowns tick for 5 s.
 *
 * The test suite checks what the board shows and that one event re-renders one card
 * (test/browser/board.perf.test.ts); the timings are measured here, on a machine of one's
 * choosing. `npm run bench:board` (builds first).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PASSWORD as BROWSER_PASSWORD } from '../test/support/process.js';
import { ARTIFACTS, CHROMIUM, launch, signedIn, WALL } from '../test/browser/browser.js';
import { describeMachine, freshDatabase, login, post, report, startServer } from './support.js';

const EVENTS = Number(process.env.EVENTS ?? 9);

// The browser helpers sign in with the test suite's demo password.
const server = await startServer(['--demo', '--db', (await freshDatabase('sqlite')).url], { YINGJI_DEMO_PASSWORD: BROWSER_PASSWORD });
const browser = await launch();
try {
  const base = server.url;
  const staff = await login(base, 'petition-bureau.staff', BROWSER_PASSWORD);
  const group = await login(base, 'working-group.leader', BROWSER_PASSWORD);
  const units = [['town-tanggou', 'town-hengbu', 'dept-housing', 'dept-education'], ['town-fushan', 'town-zongyang', 'dept-human-resources', 'dept-natural-resources']];
  const ids: string[] = [];
  // 200 incidents, each: 4 units + tier-1 commander + tier-4 command and assistants = 10 summons.
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const n = batch * 10 + k;
        const created = await post<{ id: string }>(base, staff, '/api/incidents', { venue: ['residence', 'venue-1', 'venue-2'][n % 3], headcount: 5, units: units[n % 2], matter: `事项 ${n}` });
        await post(base, group, `/api/incidents/${created.id}/commands`, { do: 'escalate' });
        await post(base, staff, `/api/incidents/${created.id}/commands`, { do: 'headcount', value: 60 });
        ids.push(created.id);
      }),
    );
  }
  const { page } = await signedIn(browser, server.url, 'working-group.leader', WALL);
  page.setDefaultTimeout(120_000);

  const t0 = performance.now();
  await page.goto('/');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="summons-"]').length >= n, 2000);
  const firstRender = Math.round(performance.now() - t0);

  const delays: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const target = ids[(i * 37 + 11) % ids.length]!;
    const value = 70 + i;
    const t1 = performance.now();
    await post(base, staff, `/api/incidents/${target}/commands`, { do: 'headcount', value });
    await page.getByTestId(`incident-${target}`).getByTestId('headcount').filter({ hasText: String(value) }).waitFor();
    delays.push(Math.round(performance.now() - t1));
  }
  delays.sort((a, b) => a - b);

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
  const figures = {
    machine: describeMachine(),
    browser: CHROMIUM,
    incidents: 200,
    summons: 2000,
    first_render_ms: firstRender,
    event_to_card_ms: { median: delays[Math.floor(delays.length / 2)], slowest: delays.at(-1), events: delays.length },
    countdown_5s: ticking,
  };
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}board-perf.json`, `${JSON.stringify(figures, null, 2)}\n`);
  report('board', figures, [
    `200 incidents, 2,000 summons at 1920×1080: first render ${figures.first_render_ms} ms; event → card median ${figures.event_to_card_ms.median} ms, slowest ${figures.event_to_card_ms.slowest} ms; countdowns 5 s: ${ticking.longTasks} long tasks, ${ticking.busyMs} ms busy`,
  ]);
} finally {
  await browser.close();
  await server.stop();
}

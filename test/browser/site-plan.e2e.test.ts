import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn, WAIT, WALL } from './browser.js';

/*
 * Venues' site plans in real browsers: an administrator uploads the plan of the residence,
 * staff on a phone report with the crowd tapped on it, the incident page shows the crowd with
 * its size and takes police positions, the board opens the plan on demand. Nothing is fetched
 * from anywhere but our server, under its Content-Security-Policy (signedIn fails on a
 * violation), and a script in an uploaded SVG never runs.
 */

const SVG = readFileSync(new URL('../fixtures/site-plan.svg', import.meta.url));
const EVIL = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#fcc"/>' +
    '<script>document.documentElement.setAttribute("data-ran","1");fetch("/api/me").then(function(){document.documentElement.setAttribute("data-fetched","1")})</script></svg>',
);

/** Clicks a Leaflet map at fractions of its container (inside the plan image, which the map fits). */
async function tap(map: Locator, fx: number, fy: number): Promise<void> {
  const container = map.locator('.leaflet-container');
  await container.scrollIntoViewIfNeeded();
  const box = (await container.boundingBox())!;
  await map.page().mouse.click(box.x + box.width * fx, box.y + box.height * fy);
}

/** Waits until the plan image of a map has loaded. */
async function imageLoaded(map: Locator): Promise<void> {
  await map.locator('img.leaflet-image-layer').waitFor();
  await map.page().waitForFunction((el) => {
    const img = el?.querySelector('img.leaflet-image-layer') as HTMLImageElement | null;
    return Boolean(img && img.complete && img.naturalWidth > 0);
  }, await map.elementHandle());
}

describe.runIf(HAS_CHROMIUM)('site plans in the browser', { timeout: 90_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let admin: Page;
  let staff: Page;
  let board: Page;
  const elsewhere: string[] = [];
  let incidentPath = '';

  /** Records every request that goes anywhere but our server. */
  const watch = (page: Page) =>
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) elsewhere.push(url);
    });

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    admin = (await signedIn(browser, server.url, 'admin', { viewport: { width: 1400, height: 900 } })).page;
    staff = (await signedIn(browser, server.url, 'petition-bureau.staff', PHONE)).page;
    board = (await signedIn(browser, server.url, 'working-group.leader', WALL)).page;
    for (const p of [admin, staff, board]) watch(p);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('an administrator uploads the residence plan in the organization screen', async () => {
    await admin.goto('/org?tab=venues');
    const cell = admin.getByTestId('venue-site-plan-residence');
    await cell.waitFor();
    const revision = async () => Number(/第 (\d+) 版/.exec((await admin.locator('.ant-tag', { hasText: /^第 \d+ 版$/ }).textContent()) ?? '')?.[1]);
    const before = await revision();
    await cell.locator('input[type=file]').setInputFiles({ name: '驻地平面图.svg', mimeType: 'image/svg+xml', buffer: SVG });
    const thumb = cell.getByTestId('site-plan-thumb');
    await thumb.waitFor();
    await admin.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await thumb.elementHandle());
    expect(await cell.textContent()).toContain('800×500');
    // The upload made a new revision of the organization, and the screen says so without a reload.
    await expect.poll(revision, { timeout: WAIT }).toBe(before + 1);
    await shot(admin, 'site-plan-org');
  });

  it('a script in an uploaded SVG runs neither as a thumbnail nor opened on its own', async () => {
    const cell = admin.getByTestId('venue-site-plan-venue-2');
    await cell.locator('input[type=file]').setInputFiles({ name: 'evil.svg', mimeType: 'image/svg+xml', buffer: EVIL });
    const thumb = cell.getByTestId('site-plan-thumb');
    await thumb.waitFor();
    await admin.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await thumb.elementHandle());
    expect(await admin.evaluate(() => document.documentElement.getAttribute('data-ran'))).toBeNull();
    // Opened as a document of its own (a tab), under `sandbox`: the script is blocked.
    const src = (await thumb.getAttribute('src'))!;
    const tab = await admin.context().newPage();
    const blocked: string[] = [];
    tab.on('console', (m) => blocked.push(m.text()));
    const res = await tab.goto(src);
    expect(res!.headers()['content-security-policy']).toContain('sandbox');
    await tab.waitForLoadState('load');
    expect(await tab.evaluate(() => document.documentElement.getAttribute('data-ran'))).toBeNull();
    expect(await tab.evaluate(() => document.documentElement.getAttribute('data-fetched'))).toBeNull();
    await tab.close();
  });

  it('staff on a phone tap where the crowd is on the report form', async () => {
    await staff.goto('/report');
    await staff.getByTestId('headcount').fill('120');
    const map = staff.getByTestId('report-site-plan');
    await map.waitFor();
    await imageLoaded(map);
    await tap(map, 0.5, 0.78);
    await map.getByTestId('site-mark-crowd').waitFor();
    expect(await map.getByTestId('site-mark-crowd').textContent()).toBe('约 120 人');
    // A second tap moves the crowd: one mark.
    await tap(map, 0.52, 0.72);
    expect(await map.getByTestId('site-mark-crowd').count()).toBe(1);
    await staff.getByTestId('units').click();
    await staff.keyboard.type('汤沟');
    await staff.keyboard.press('Enter');
    await staff.keyboard.press('Escape');
    await staff.getByTestId('matter').fill('征地补偿款未发放');
    await shot(staff, 'site-plan-report-phone');
    await staff.getByTestId('report-submit').click();
    await staff.waitForURL(/\/incidents\//);
    incidentPath = new URL(staff.url()).pathname;
  });

  it('the incident page shows the crowd with its size; staff add police positions', async () => {
    const card = staff.getByTestId('site-plan-card');
    await card.waitFor();
    await imageLoaded(card);
    expect(await card.getByTestId('site-mark-crowd').textContent()).toBe('约 120 人');
    await card.getByTestId('site-edit').click();
    await card.getByTestId('site-kind').getByText('公安').click();
    await imageLoaded(card);
    await tap(card, 0.3, 0.5);
    await tap(card, 0.7, 0.5);
    expect(await card.getByTestId('site-mark-police').count()).toBe(2);
    await card.getByTestId('site-save').click();
    await card.getByTestId('site-edit').waitFor();
    await staff.getByTestId('event-marks_placed').nth(1).waitFor();
    expect(await card.getByTestId('site-mark-police').count()).toBe(2);
    expect(await card.getByTestId('site-mark-crowd').textContent()).toBe('约 120 人');
    await shot(staff, 'site-plan-incident-phone');
  });

  it('the board opens the plan on demand, the crowd marked with its size', async () => {
    await board.goto('/');
    const id = incidentPath.split('/').pop()!;
    const cardEl = board.getByTestId(`incident-${id}`);
    await cardEl.waitFor();
    // No map on the card itself: a button opens it.
    expect(await cardEl.locator('.leaflet-container').count()).toBe(0);
    await cardEl.getByTestId('site-plan-open').click();
    const dialog = board.getByTestId('board-site-plan');
    await dialog.waitFor();
    await imageLoaded(dialog);
    expect(await dialog.getByTestId('site-mark-crowd').textContent()).toBe('约 120 人');
    expect(await dialog.getByTestId('site-mark-police').count()).toBe(2);
    await shot(board, 'site-plan-board');
  });

  it('fetched nothing from anywhere but our server', () => {
    expect(elsewhere).toEqual([]);
  });
});

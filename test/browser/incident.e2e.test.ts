import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { confirm, HAS_CHROMIUM, launch, PHONE, shot, signedIn, WALL } from './browser.js';

/*
 * A whole incident in real browsers: staff on a phone, a principal on another phone, the
 * working group at the wall board, a county leader approving. Screenshots go to artifacts/.
 */
describe.runIf(HAS_CHROMIUM)('the whole incident in the browser', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let staff: Page;
  let principal: Page;
  let board: Page;
  let leader: Page;
  let incidentUrl = '';

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    staff = (await signedIn(browser, server.url, 'petition-bureau.staff', PHONE)).page;
    principal = (await signedIn(browser, server.url, 'town-tanggou.principal', PHONE)).page;
    board = (await signedIn(browser, server.url, 'working-group.leader', WALL)).page;
    leader = (await signedIn(browser, server.url, 'county-party.leader', { viewport: { width: 1280, height: 900 } })).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('reports from a phone; a failed guide summons the unit, shown on the board', async () => {
    await board.goto('/');
    await shot(board, 'board-empty');
    await staff.goto('/report');
    await staff.getByTestId('headcount').fill('8');
    await staff.getByTestId('units').click();
    await staff.keyboard.type('汤沟');
    await staff.keyboard.press('Enter');
    await staff.keyboard.press('Escape');
    await staff.getByTestId('matter').fill('征地补偿款未发放');
    await shot(staff, 'report-phone');
    await staff.getByTestId('report-submit').click();
    await staff.waitForURL(/\/incidents\//);
    incidentUrl = new URL(staff.url()).pathname;
    await staff.getByTestId('event-incident_reported').waitFor();

    await confirm(staff, 'guide-failed');
    await board.getByTestId('summons-town-tanggou/principal').waitFor();
    await shot(staff, 'incident-phone');
    await shot(board, 'board-summoned');
  });

  it('staff attach a photo as evidence; the timeline shows it with its SHA-256', async () => {
    // A 1×1 PNG.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const sha256 = createHash('sha256').update(png).digest('hex');
    await staff.locator('input[type=file]').setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: png });
    const evidence = staff.getByTestId('evidence');
    await evidence.waitFor();
    expect(await evidence.textContent()).toContain(sha256);
    const src = await evidence.locator('img').getAttribute('src');
    const served = await staff.evaluate(async (url) => {
      const res = await fetch(url!);
      return res.headers.get('x-content-sha256');
    }, src);
    expect(served).toBe(sha256);
  });

  // How fast an event reaches the board is measured by `npm run bench:board`, not asserted here.
  it('the principal acknowledges and checks in from another browser; the board shows it live', async () => {
    await principal.goto('/my');
    await principal.getByTestId('my-ack').click();
    await principal.getByTestId('my-arrive').waitFor();
    await shot(principal, 'my-summons-phone');
    const reloads: string[] = [];
    const navigated = (frame: Frame) => void (frame === board.mainFrame() && reloads.push(frame.url()));
    board.on('framenavigated', navigated);
    await principal.getByTestId('my-arrive').click();
    await board.getByTestId('status-town-tanggou/principal').filter({ hasText: '按时到场' }).waitFor();
    board.off('framenavigated', navigated);
    // Live: the board never reloaded.
    expect(reloads).toEqual([]);
  });

  it('persuasion fails, the crowd grows to 30: the tier-3 police are summoned', async () => {
    await confirm(staff, 'persuade-failed');
    await board.getByTestId('summons-police-station-zongyang/responsible').waitFor();
    await staff.getByTestId('headcount-input').fill('30');
    await staff.getByTestId('headcount-submit').click();
    for (const role of ['police-bureau/duty-leader', 'police-special-patrol/principal', 'police-public-order/principal', 'police-station-zongyang/principal']) {
      await board.getByTestId(`summons-${role}`).waitFor();
    }
    await expect(board.getByTestId('tier').first().textContent()).resolves.toContain('3');
    await shot(board, 'board-tier3-wall');
  });

  it('a measure is requested by the working group and approved by a county leader', async () => {
    await board.goto(incidentUrl);
    await board.getByTestId('measure-kind').click();
    await board.locator('.ant-select-item-option').filter({ hasText: '强行带离' }).click();
    await board.getByTestId('measure-basis').fill('《治安管理处罚法》第二十三条');
    await board.getByTestId('measure-request').click();
    await board.getByTestId('measure-m1').waitFor();
    await leader.goto('/approvals');
    await leader.getByTestId('approval-m1').waitFor();
    // The leader decides with the legal basis and the evidence from the site in view.
    expect(await leader.getByTestId('approval-m1').textContent()).toContain('《治安管理处罚法》第二十三条');
    await leader.getByTestId('approval-evidence').locator('img').waitFor();
    await shot(leader, 'approvals');
    await confirm(leader, 'approve-m1');
    await leader.getByTestId('approval-m1').waitFor({ state: 'detached' });
    await board.getByTestId('measure-m1').filter({ hasText: '县委' }).waitFor();
  });

  it("refuses the principal's check-out while people linger, showing the reason (§4.1.1)", async () => {
    await staff.getByTestId('behavior-select').click();
    await staff.locator('.ant-select-item-option').filter({ hasText: '滞留' }).click();
    await staff.getByTestId('behavior-submit').click();
    await staff.getByTestId('event-behavior_observed').waitFor();
    await principal.goto('/my');
    await principal.getByTestId('my-leave').click();
    const refusal = principal.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('§4.1.1');
    await shot(principal, 'checkout-refused-phone');
  });

  it('clearing opens the follow-up case; the principal may then leave', async () => {
    await confirm(board, 'clear');
    // The working group sees the case and opens it; its tracking code is the petitioner's and the handler's only.
    await board.getByTestId('case').waitFor();
    await board.getByTestId('case-open').waitFor();
    expect(await board.getByTestId('tracking-code').count()).toBe(0);
    await shot(board, 'incident-cleared-wall');
    await principal.goto(incidentUrl);
    const code = principal.getByTestId('tracking-code');
    await code.waitFor();
    expect(await code.textContent()).toMatch(/^YJ-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    await principal.goto('/my');
    await principal.getByTestId('my-leave').click();
    await principal.getByTestId('my-leave').waitFor({ state: 'detached' });
  });

  it('switches language to English and back', async () => {
    await board.goto('/');
    await board.getByTestId('lang-switch').click();
    await board.getByText('Incident board').waitFor();
    await shot(board, 'board-english');
    await board.getByTestId('lang-switch').click();
    await board.getByText('事件态势').waitFor();
  });
});

/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn, WALL } from './browser.js';

/*
 * The early-warning register (§6) in real browsers: a township on a phone reports a sign of a
 * coming petition, the working group's wall board shows it live and handles it, and it leaves
 * the board; the township enters a matter in the register and records an action. Personal data
 * is refused in the form itself. Screenshots go to artifacts/.
 */
describe.runIf(HAS_CHROMIUM)('the early-warning register in the browser', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let town: Page;
  let board: Page;
  let signId = '';

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    town = (await signedIn(browser, server.url, 'town-tanggou.principal', PHONE)).page;
    board = (await signedIn(browser, server.url, 'working-group.leader', WALL)).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('a township reports a sign from a phone; it appears on the working group’s board live', async () => {
    // An incident on the board: a register event must not re-render its card (the board's design).
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    const incident = await staff.post('/api/incidents', { venue: 'residence', headcount: 6, units: ['town-hengbu'], matter: '安置房漏水' });
    await board.goto('/');
    await board.getByTestId(`incident-${incident.body.id}`).waitFor();
    expect(await board.getByTestId('risk-signs').count()).toBe(0);
    await board.waitForTimeout(300);
    const rendersBefore = await board.evaluate(() => ({ ...(window as any).__yingjiCardRenders }));

    await town.goto('/risks');
    await town.getByTestId('risk-not-people').waitFor();
    await town.getByTestId('risk-report-open').click();
    await town.getByTestId('risk-kind').getByText('上访苗头').click();
    await town.getByTestId('risk-matter').fill('工业园欠薪工人相约明日到巡视组驻地反映');
    await town.getByTestId('risk-place').fill('汤沟镇工业园');
    await town.getByTestId('risk-affected').fill('35');
    await shot(town, 'risks-report-sign-phone');
    await town.getByTestId('risk-report-submit').click();
    await town.getByTestId('risk-detail-sign').waitFor();
    signId = new URL(town.url()).searchParams.get('id') ?? '';
    expect(signId).not.toBe('');

    // Live: the board did not reload.
    const row = board.getByTestId(`risk-sign-${signId}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('工业园欠薪工人相约明日到巡视组驻地反映');
    expect(await row.textContent()).toContain('汤沟镇');
    expect(await board.evaluate(() => ({ ...(window as any).__yingjiCardRenders }))).toEqual(rendersBefore);
    // The township cannot handle it.
    expect(await town.getByTestId('risk-detail-handle').count()).toBe(0);
    await shot(board, 'board-risk-sign');
  });

  it('the working group handles the sign with what was done; it leaves the board', async () => {
    await board.getByTestId(`risk-handle-${signId}`).click();
    await board.getByTestId('risk-handle-done').fill('工作小组协调县人社局当日约谈企业,制定工资支付计划');
    await board.getByTestId('risk-handle-submit').click();
    await board.getByTestId(`risk-sign-${signId}`).waitFor({ state: 'detached' });
    expect(await board.getByTestId('risk-signs').count()).toBe(0);
    // The township's open detail follows live.
    await town.getByTestId('risk-detail-sign').waitFor({ state: 'detached' });
    await town.getByTestId('risk-event-sign_handled').waitFor();
  });

  it('a township enters a matter in the register, refused with personal data, and records an action', async () => {
    await town.goto('/risks');
    await town.getByTestId('risk-report-open').click();
    await town.getByTestId('risk-matter').fill('征地补偿款未发放,联系人13812345678');
    await town.getByTestId('risk-place').fill('汤沟镇新村');
    await town.getByTestId('risk-report-submit').click();
    await town.getByText('登记只记事项,不记人').first().waitFor();
    await town.getByTestId('risk-matter').fill('征地补偿款未发放到位');
    await town.getByTestId('risk-affected').fill('120');
    await town.getByTestId('risk-level').getByText('高', { exact: true }).click();
    await town.getByTestId('risk-report-submit').click();
    await town.getByTestId('risk-detail').waitFor();
    const id = new URL(town.url()).searchParams.get('id') ?? '';
    expect(await town.getByTestId('risk-detail-matter').textContent()).toBe('征地补偿款未发放到位');

    await town.getByTestId('risk-action-text').fill('镇政府与项目方协商补偿款发放计划');
    await town.getByTestId('risk-cmd-record_action-submit').click();
    await town.getByTestId('risk-actions').getByText('镇政府与项目方协商补偿款发放计划').waitFor();
    await town.getByTestId('risk-event-risk_action_recorded').waitFor();
    await shot(town, 'risks-detail-phone');

    // The working group's register lists it, highest level first, with the handled sign.
    await board.goto('/risks');
    await board.getByTestId(`risk-row-${id}`).waitFor();
    const rows = await board.locator('[data-testid^="risk-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(rows).toEqual([`risk-row-${id}`, `risk-row-${signId}`]);
    await shot(board, 'risks-register');
  });
});

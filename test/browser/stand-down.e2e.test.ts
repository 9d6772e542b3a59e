import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn, WALL } from './browser.js';

/*
 * Clearing stands down the summonses still on their way (contract §2): the summoned principal's
 * phone page, the link in their message and the board show it at once, with no countdown left
 * running. Screenshots go to artifacts/.
 */

describe.runIf(HAS_CHROMIUM)('stand-down in the browser', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let principal: Page;
  let board: Page;
  let incident: string;
  let link: string;

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url], { YINGJI_PUBLIC_URL: 'http://yingji.test' });
    browser = await launch();
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    incident = (await staff.post('/api/incidents', { venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放' })).body.id;
    await staff.post(`/api/incidents/${incident}/commands`, { do: 'guide', result: 'failed' });
    const inbox = await (await HttpClient.login(server.url, 'town-tanggou.principal')).get<{ kind: string; link?: string }[]>('/api/my/inbox');
    link = new URL(inbox.find((m) => m.kind === 'summons')!.link!).pathname;
    principal = (await signedIn(browser, server.url, 'town-tanggou.principal', PHONE)).page;
    board = (await signedIn(browser, server.url, 'working-group.leader', WALL)).page;
    await principal.goto('/my');
    await principal.getByTestId('my-ack').waitFor();
    await board.goto(`/incidents/${incident}`);
    await board.getByTestId('status-town-tanggou/principal').filter({ hasText: '待到场' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('clearing tells the principal on their phone and the board, live', async () => {
    const group = await HttpClient.login(server.url, 'working-group.leader');
    expect((await group.post(`/api/incidents/${incident}/commands`, { do: 'clear' })).status).toBe(200);
    await board.getByTestId('status-town-tanggou/principal').filter({ hasText: '已解除' }).waitFor();
    await principal.getByTestId('my-stood-down').waitFor();
    expect(await principal.getByTestId('my-ack').count()).toBe(0);
    expect(await principal.getByTestId('my-stood-down').textContent()).toContain('无需到场');
    await shot(principal, 'stand-down-phone');
    await shot(board, 'stand-down-wall');
  });

  it('the link in the summons message says the summons was stood down, and offers no button', async () => {
    const page = await (await browser.newContext(PHONE)).newPage();
    await page.goto(`${server.url}${link}`);
    await page.getByTestId('ack-stood-down').waitFor();
    expect(await page.getByTestId('ack-button').count()).toBe(0);
    await shot(page, 'stand-down-link-phone');
  });
});

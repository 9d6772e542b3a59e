import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn, WALL } from './browser.js';

/*
 * Each person sees what they can do (issue 11 §2), in real browsers: a township principal is
 * offered no report form, in the header or the phone's tab bar, and a typed address says the
 * screen is not for their role; the units select finds 汤沟镇 by its pinyin and initials; the
 * Chinese incident page names commands and triggers in words, never by their ids; a county
 * leader reads the history of decisions.
 */
describe.runIf(HAS_CHROMIUM)('screens by role, pinyin search, no raw ids (browser)', { timeout: 90_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let incident = '';

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    // An incident with a refused check-out (people linger), a declined measure taken anyway refused, and a timeline.
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    const police = await HttpClient.login(server.url, 'police-bureau.principal');
    const leader = await HttpClient.login(server.url, 'county-party.leader');
    const town = await HttpClient.login(server.url, 'town-tanggou.principal');
    incident = (await staff.post('/api/incidents', { venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', behaviors: ['lingering'] })).body.id;
    const cmd = async (c: HttpClient, body: unknown, status = 200) => expect((await c.post(`/api/incidents/${incident}/commands`, body)).status).toBe(status);
    await cmd(staff, { do: 'guide', result: 'failed' });
    await cmd(town, { do: 'arrive', role: 'town-tanggou/principal' });
    await cmd(town, { do: 'persuade', result: 'failed' });
    await cmd(town, { do: 'leave', role: 'town-tanggou/principal' }, 409);
    await cmd(police, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
    await cmd(leader, { do: 'decline_measure', id: 'm1', by: 'county-party/leader', reason: '先行劝导' });
    await cmd(police, { do: 'take_measure', id: 'm1' }, 409);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('a township principal gets no report form: not in the menu, not in the tab bar, and a typed address says why', async () => {
    const { page, context } = await signedIn(browser, server.url, 'town-tanggou.principal', WALL);
    const menu = page.locator('.yj-menu');
    await menu.getByText('我的通知', { exact: true }).waitFor();
    expect(await menu.getByText('报告事件', { exact: true }).count()).toBe(0);
    expect(await menu.getByText('审批', { exact: true }).count()).toBe(0);
    expect(await menu.getByText('考核', { exact: true }).count()).toBe(0);
    expect(await menu.getByText('预警', { exact: true }).count()).toBe(1);

    await page.goto('/report');
    const refused = page.getByTestId('not-allowed');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('此页面不适用于您的角色');
    expect(await refused.textContent()).toContain('报告事件');
    expect(await page.getByTestId('report-submit').count()).toBe(0);
    await shot(page, 'not-allowed-report');
    await page.goto('/approvals');
    await refused.waitFor();
    await page.getByTestId('guard-back').click();
    await page.waitForURL((url) => url.pathname === '/');
    await context.close();

    const phone = (await signedIn(browser, server.url, 'town-tanggou.principal', PHONE)).page;
    const tabbar = phone.getByTestId('tabbar');
    await tabbar.getByText('我的通知', { exact: true }).waitFor();
    expect(await tabbar.getByText('报告事件', { exact: true }).count()).toBe(0);
    await phone.context().close();
  });

  it('venue staff find 汤沟镇 in the units select by its pinyin and by its initials', async () => {
    const { page, context } = await signedIn(browser, server.url, 'petition-bureau.staff', PHONE);
    await page.getByTestId('tabbar').getByText('报告事件', { exact: true }).click();
    await page.waitForURL(/\/report$/);
    const units = page.getByTestId('units');
    const option = (name: string) => page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: name });
    for (const typed of ['tg', 'tanggou', 'TGZ']) {
      await units.click();
      await page.keyboard.type(typed);
      await option('汤沟镇').waitFor();
      // Only what matches: 枞阳镇 (zongyang) is not offered for "tanggou".
      if (typed === 'tanggou') expect(await option('枞阳镇').count()).toBe(0);
      for (let i = 0; i < typed.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.press('Escape');
    }
    await units.click();
    await page.keyboard.type('tanggou');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect(await units.textContent()).toContain('汤沟镇');
    await shot(page, 'report-pinyin-phone');
    await context.close();
  });

  it('the Chinese incident page names commands, triggers and reasons in words, never by their ids', async () => {
    const { page, context } = await signedIn(browser, server.url, 'working-group.leader', WALL);
    await page.goto(`/incidents/${incident}`);
    await page.getByTestId('event-command_rejected').first().waitFor();
    await page.getByTestId('event-plan_activated').waitFor();
    const text = await page.locator('main').innerText();
    for (const raw of ['guide_failed', 'leave', 'persuade_failed', 'unit_summoned', 'take_measure', 'lingering', 'command_rejected', 'declined_needs_reason', 'town-tanggou', 'undefined']) {
      expect(text, raw).not.toContain(raw);
    }
    // The refused commands, by name: 离开签退 (leave) and 实施措施 (take_measure), with their reasons.
    expect(text).toContain('离开签退');
    expect(text).toContain('实施措施');
    expect(text).toContain('劝返无效');
    await shot(page, 'incident-no-raw-ids');
    await context.close();
  });

  it('a county leader reads the history of decisions: who asked, on what basis, who decided, and why', async () => {
    const { page, context } = await signedIn(browser, server.url, 'county-party.leader', WALL);
    await page.locator('.yj-menu').getByText('审批', { exact: true }).click();
    await page.getByRole('tab', { name: '审批记录' }).click();
    const item = page.getByTestId('history-m1');
    await item.waitFor();
    const text = await item.innerText();
    expect(text).toContain('强行带离');
    expect(text).toContain('《治安管理处罚法》第二十三条');
    expect(text).toContain('县公安局主要负责同志');
    expect(text).toMatch(/县委组长 · 不同意 · \d{4}-\d\d-\d\d \d\d:\d\d · 理由: 先行劝导/);
    await shot(page, 'approvals-history');
    await context.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { HttpReceiver } from '../../src/notify/test-support/receivers.js';
import { freshDatabase } from '../support/databases.js';
import { PASSWORD, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn, WAIT } from './browser.js';

/*
 * Notifications through the real server: a summons reaches the principal's inbox with a link
 * that opens a phone page with one button (no sign-in) to acknowledge, then to check in; the
 * incident page shows what reached whom; a webhook that refuses lands on the administrator's
 * dead-letter list, and the retry delivers it. Screenshots go to artifacts/.
 */

/** Signs in through the API; returns a fetch that carries the session and the CSRF token. */
async function apiAs(base: string, username: string) {
  const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = ((await res.json()) as { csrf_token: string }).csrf_token;
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
}

describe.runIf(HAS_CHROMIUM)('notifications in the browser', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let receiver: HttpReceiver;
  let incident: string;

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    receiver.reply = () => ({ status: 503 });
    const db = await freshDatabase('sqlite');
    // No YINGJI_LINK_KEY: the server keeps its link key in a file beside the database.
    server = await startServerProcess(['--demo', '--db', db.url], {
      YINGJI_WEBHOOK_URL: receiver.url(),
      YINGJI_WEBHOOK_SECRET: 'browser-test-webhook-secret',
      YINGJI_NOTIFY_MAX_ATTEMPTS: '1',
    });
    browser = await launch();
    const staff = await apiAs(server.url, 'petition-bureau.staff');
    incident = (await staff<{ id: string }>('POST', '/api/incidents', { venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放' })).id;
    await staff('POST', `/api/incidents/${incident}/commands`, { do: 'guide', result: 'failed' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
    await receiver?.down();
  });

  it('the link in the inbox opens a phone page with one button: acknowledge, then check in', async () => {
    const principal = await apiAs(server.url, 'town-tanggou.principal');
    const inbox = await principal<{ kind: string; link: string }[]>('GET', '/api/my/inbox');
    expect(inbox.map((m) => m.kind)).toEqual(['summons']);
    // Without YINGJI_PUBLIC_URL, links point at the address the server listens on.
    const link = new URL(inbox[0]!.link);
    expect(link.port).toBe(new URL(server.url).port);
    expect(link.pathname).toMatch(/^\/a\/[\w-]{32}\.[\w-]{43}$/);

    // A token ends in what may look like a file extension; the page is served all the same.
    const page0 = await fetch(`${server.url}/a/${'x'.repeat(32)}.abcdef`);
    expect([page0.status, page0.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);

    const context = await browser.newContext({ ...PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(inbox[0]!.link);
    await page.getByTestId('ack-button').waitFor();
    expect(await page.locator('main').textContent()).toMatch(/汤沟镇主要负责同志.*巡视组驻地/);
    expect(await page.getByTestId('ack-button').textContent()).toContain('收到');
    await shot(page, 'ack-phone');
    await page.getByTestId('ack-button').click();
    await page.getByTestId('ack-done').waitFor();
    await page.getByTestId('ack-next').click();
    await page.getByTestId('ack-button').filter({ hasText: '我已到场' }).waitFor();
    await page.getByTestId('ack-button').click();
    await page.getByTestId('ack-done').filter({ hasText: '已签到' }).waitFor();
    await shot(page, 'ack-phone-arrived');

    // The used link says so.
    await page.goto(inbox[0]!.link);
    expect(await page.getByTestId('ack-failure').textContent()).toContain('已使用');
    await context.close();

    const events = await principal<{ type: string; actor: { user: string } | null }[]>('GET', `/api/incidents/${incident}/events`);
    expect(events.find((e) => e.type === 'summons_acknowledged')?.actor?.user).toBe('town-tanggou.principal');
    expect(events.find((e) => e.type === 'arrival_recorded')?.actor?.user).toBe('town-tanggou.principal');
  });

  it("the principal's notifications are listed under 我的通知", async () => {
    const { page, context } = await signedIn(browser, server.url, 'town-tanggou.principal', PHONE);
    await page.goto('/my');
    const item = page.getByTestId('inbox').getByTestId('inbox-summons');
    await item.waitFor();
    expect(await item.textContent()).toMatch(/到场通知.*汤沟镇主要负责同志：巡视组驻地/);
    await shot(page, 'my-inbox');
    await context.close();
  });

  it('the incident page shows what reached whom; the administrator retries a dead webhook', async () => {
    const { page } = await signedIn(browser, server.url, 'admin', { viewport: { width: 1600, height: 1000 } });
    await page.goto(`/incidents/${incident}`);
    const tags = page.getByTestId('deliveries');
    await tags.getByTestId('delivery-in_app-sent').waitFor();
    await tags.getByTestId('delivery-webhook-dead').waitFor();
    await shot(page, 'incident-deliveries');

    await page.goto('/org?tab=dead-letters');
    const list = page.getByTestId('dead-letters');
    await list.locator('.ant-table-row').first().waitFor();
    expect(await list.textContent()).toMatch(/到场通知.*接口.*503/);
    await shot(page, 'dead-letters');
    receiver.reply = () => ({ status: 200, body: { ok: true } });
    await list.getByRole('button', { name: '重新发送' }).first().click();
    await page.getByTestId('dead-letters-empty').waitFor();
    await expect.poll(() => receiver.accepted.size, { timeout: WAIT }).toBe(1);
    await page.goto(`/incidents/${incident}`);
    await page.getByTestId('deliveries').getByTestId('delivery-webhook-sent').waitFor();

    // A major measure requested: the approval request to the county leaders is listed too.
    const police = await apiAs(server.url, 'police-bureau.principal');
    await police('POST', `/api/incidents/${incident}/commands`, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '现场秩序' });
    const other = page.getByTestId('other-deliveries');
    await other.getByTestId('delivery-in_app-sent').first().waitFor();
    expect(await other.textContent()).toMatch(/审批请求.*强行带离.*县委组长/);
    await shot(page, 'incident-deliveries-approval');
  });
});

import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/databases.js';
import { PASSWORD, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, WAIT } from './browser.js';

/*
 * The sign-in form comes from the small first chunk: it shows, and can be filled in, while the
 * rest of the app's code has not arrived. The language chosen on it carries into the app, and
 * signing out shows it again. (How long it takes on slow 4G: `npm run bench:web`.)
 */
describe.runIf(HAS_CHROMIUM)('signing in', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServerProcess(['--demo', '--db', (await freshDatabase('sqlite')).url]);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  async function phone(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...PHONE });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (err) => {
      throw err;
    });
    return page;
  }

  it('shows the form from the first chunk, before the rest of the app has arrived', async () => {
    const page = await phone();
    const index = await (await fetch(`${server.url}/`)).text();
    const first = new Set([...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!));
    expect([...first].some((f) => f.endsWith('.js'))).toBe(true);
    // Every other script is held back until the form is on screen.
    const held: Route[] = [];
    let holding = true;
    const asked: string[] = [];
    await page.route('**/assets/*.js', (route) => {
      const path = new URL(route.request().url()).pathname;
      asked.push(path);
      if (holding && !first.has(path)) held.push(route);
      else void route.continue();
    });
    await page.goto('/');
    await page.getByTestId('username').fill('working-group.leader');
    await page.getByTestId('password').fill(PASSWORD);
    expect(await page.locator('.ant-btn, .ant-card').count()).toBe(0); // no Ant Design yet
    await shot(page, 'sign-in-first-chunk-phone');
    holding = false;
    for (const route of held.splice(0)) void route.continue();
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    await page.getByTestId('board').waitFor({ state: 'attached' });
    await page.getByTestId('live-status').filter({ hasText: '实时' }).waitFor();
    expect(asked.filter((p) => !first.has(p)).length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('says why a sign-in failed, and lets the user try again', async () => {
    const page = await phone();
    await page.goto('/');
    await page.getByTestId('username').fill('working-group.leader');
    await page.getByTestId('password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByRole('alert').filter({ hasText: '登录失败' }).waitFor();
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    await page.context().close();
  });

  it('keeps the language chosen on the form, and shows the form again after signing out', async () => {
    const page = await phone();
    await page.goto('/');
    await page.getByTestId('lang-switch').click();
    await page.getByText('Track a case').waitFor();
    await page.getByTestId('username').fill('working-group.leader');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('live-status').filter({ hasText: 'Live' }).waitFor();
    // The app speaks English (Ant Design spaces a two-character button: 中 文).
    expect((await page.getByTestId('lang-switch').textContent())!.replace(/\s/g, '')).toBe('中文');

    await page.getByTestId('user-menu').click();
    await page.getByText('Sign out').click();
    await page.getByTestId('login-submit').waitFor();
    expect(await page.getByTestId('login-submit').textContent()).toBe('Sign in');
    await page.getByTestId('lang-switch').click();
    await page.getByText('查询办理进度').waitFor();
    await page.getByTestId('username').fill('working-group.leader');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('live-status').filter({ hasText: '实时' }).waitFor();
    // A reload while signed in goes straight to the app.
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByTestId('login-submit').count()).toBe(0);
    await page.context().close();
  });
});

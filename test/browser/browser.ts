import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD } from '../support/process.js';

/** Debian's Chromium, as CI installs it. Browser tests run where it exists. */
export const CHROMIUM = process.env.YINGJI_CHROMIUM ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-zenhei)`);

/**
 * How long a browser test waits for something to show: a condition, never a deadline a loaded
 * machine could miss (a CI runner at load 12 takes seconds where a laptop takes milliseconds).
 * Pages wait this long (signedIn), and so must every `expect.poll`: Vitest's default is 1 s.
 */
export const WAIT = 30_000;

export const ARTIFACTS = new URL('../../artifacts/', import.meta.url).pathname;

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const WALL = { viewport: { width: 1920, height: 1080 } };

/** A signed-in browser context; page errors fail loudly. */
export async function signedIn(browser: Browser, base: string, username: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: base, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (err) => {
    throw new Error(`page error for ${username}: ${err.message}`);
  });
  // The server's Content-Security-Policy must not block anything the UI does.
  page.on('console', (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) throw new Error(`CSP violation for ${username}: ${msg.text()}`);
  });
  await page.goto('/');
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
  await page.getByTestId('live-status').filter({ hasText: /实时|Live/ }).waitFor();
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Clicks a confirmed action: the button, then OK in its confirmation. */
export async function confirm(page: Page, testid: string): Promise<void> {
  await page.getByTestId(testid).first().click();
  await page.locator('.ant-popover:visible [data-testid=confirm-ok], .ant-popconfirm:visible [data-testid=confirm-ok]').first().click();
}

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/databases.js';
import { fastPlan, HttpClient, sleep, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, signedIn, WAIT } from './browser.js';

/*
 * The web UI and the API docs under the server's Content-Security-Policy: every page loads,
 * draws (Ant Design's inline styles, ECharts' canvases, Swagger UI) and the browser reports
 * no violation. A script injected inline is blocked, which shows the check can see one.
 */

interface Violation {
  directive: string;
  blocked: string;
  page: string;
}

/** Records CSP violations the page reports, from before its first script runs. */
async function watch(page: Page, into: Violation[]): Promise<void> {
  await page.exposeFunction('__cspViolation', (v: Violation) => into.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(v: unknown): void }).__cspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, page: location.pathname });
    });
  });
  page.on('console', (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) into.push({ directive: 'console', blocked: msg.text(), page: page.url() });
  });
}

/** Waits until the page has settled: loaded, and no Ant Design spinner left. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.querySelectorAll('.ant-spin-spinning, .ant-skeleton-active').length === 0);
}

describe.runIf(HAS_CHROMIUM)('the web UI under the Content-Security-Policy', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let incident = '';

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    // Deadlines in seconds, so the accountability charts have late and on-time summons to draw.
    server = await startServerProcess(['--demo', '--db', db.url, '--plan', fastPlan()]);
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    const created = await staff.post('/api/incidents', { venue: 'residence', headcount: 8, units: ['town-tanggou', 'dept-housing'], matter: '征地补偿款未发放' });
    expect(created.status).toBe(201);
    incident = created.body.id;
    expect((await staff.post(`/api/incidents/${incident}/commands`, { do: 'guide', result: 'failed' })).status).toBe(200);
    expect((await staff.post(`/api/incidents/${incident}/commands`, { do: 'arrive', role: 'town-tanggou/principal' })).status).toBe(200);
    await sleep(3_500); // housing's 3 s deadline passes: one late summons
    expect((await staff.post(`/api/incidents/${incident}/commands`, { do: 'arrive', role: 'dept-housing/principal' })).status).toBe(200);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('every page of the signed-in app loads and draws without a violation', async () => {
    const violations: Violation[] = [];
    const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await watch(page, violations);
    const first = await page.goto('/');
    expect(first!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByTestId('login-submit').waitFor();
    expect(violations).toEqual([]);
    // The check sees a violation when there is one: an inline script is refused.
    await page.addScriptTag({ content: 'window.__inlineRan = true' }).catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false)).toBe(false);
    await expect.poll(() => violations.some((v) => v.directive.startsWith('script-src')), { timeout: WAIT }).toBe(true);
    violations.length = 0;
    await context.close();

    const { context: signed, page: app } = await signedIn(browser, server.url, 'working-group.leader', { viewport: { width: 1600, height: 1000 } });
    await watch(app, violations);
    for (const path of ['/', `/incidents/${incident}`, '/report', '/my', '/cases', '/approvals', '/plan', '/org', '/drills', '/risks', '/accountability']) {
      await app.goto(path);
      await settled(app);
    }
    // ECharts drew its canvases on the accountability page.
    await app.locator('[data-testid=chart-on-time][data-finished=true] canvas').first().waitFor();
    expect(violations).toEqual([]);
    await signed.close();
  });

  it('the public tracking page and the API docs load without a violation', async () => {
    const violations: Violation[] = [];
    const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN' });
    const page = await context.newPage();
    await watch(page, violations);
    await page.goto('/track');
    await page.getByTestId('track-code').waitFor();
    await settled(page);
    await page.goto('/api/docs/');
    // Swagger UI fetched the OpenAPI document and drew the operations.
    await page.locator('.swagger-ui .opblock').first().waitFor();
    await settled(page);
    expect(violations).toEqual([]);
    await context.close();
  });
});

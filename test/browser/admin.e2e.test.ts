import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_PLAN_FILE } from '../../src/plan/plan.loader.js';
import { freshDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { confirm, HAS_CHROMIUM, launch, shot, signedIn } from './browser.js';

/* Administrators in the browser: a bad plan shows its located errors; a good one its diff and activation; the organization screens. */
describe.runIf(HAS_CHROMIUM)('plan and organization screens', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let admin: Page;
  const source = readFileSync(DEFAULT_PLAN_FILE, 'utf8');

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    admin = (await signedIn(browser, server.url, 'admin', { viewport: { width: 1600, height: 1000 } })).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('shows the active plan readably', async () => {
    await admin.goto('/plan');
    const explain = admin.getByTestId('plan-explain');
    await explain.waitFor();
    expect(await explain.textContent()).toContain('§4.1.1');
    await shot(admin, 'plan');
  });

  it("a bad plan upload shows each error with its line and column (the source's overlapping tiers)", async () => {
    const bad = source.replace('min: 11\n', 'min: 10\n');
    const line = bad.slice(0, bad.indexOf('min: 10\n        max: 20')).split('\n').length;
    await admin.getByTestId('plan-upload-text').fill(bad);
    await admin.getByTestId('plan-upload-submit').click();
    const error = admin.getByTestId('plan-error').first();
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain(`${line}:14`);
    expect(text).toContain('overlapping tier 1');
    await shot(admin, 'plan-errors');
  });

  it('a good version shows its diff against the active one and can be activated', async () => {
    const good = source.replace('version: "2017.1"', 'version: "2017.5"').replace('window: 10m', 'window: 5m');
    await admin.getByTestId('plan-upload-text').fill(good);
    await admin.getByTestId('plan-upload-submit').click();
    const diff = admin.getByTestId('plan-diff');
    await diff.waitFor();
    expect(await diff.textContent()).toContain('window: 5m');
    await shot(admin, 'plan-diff');
    await confirm(admin, 'plan-activate');
    await admin.getByTestId('plan-explain').filter({ hasText: '2017.5' }).waitFor();
  });

  it('shows the organization: units, people and the duty roster as a calendar', async () => {
    await admin.goto('/org');
    await admin.getByTestId('org-units').waitFor();
    expect(await admin.getByTestId('org-units').textContent()).toContain('汤沟镇');
    await shot(admin, 'org-units');
    await admin.goto('/org?tab=roster');
    await admin.getByTestId('roster-calendar').waitFor();
    // The demo's duty shift covers today: the calendar shows it once the roster has loaded.
    await admin.getByTestId('roster-shift').first().waitFor();
    expect(await admin.getByTestId('roster-shift').count()).toBeGreaterThan(0);
    await shot(admin, 'org-roster');
  });

  it('shows when the live stream is lost', async () => {
    await admin.goto('/');
    await admin.getByTestId('live-status').filter({ hasText: '实时' }).waitFor();
    server.child.kill('SIGTERM');
    await server.exited;
    await admin.getByTestId('live-status').filter({ hasText: '连接中断' }).waitFor();
    await shot(admin, 'board-offline');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, shot, signedIn } from './browser.js';

/*
 * Drills in the browser, by venue staff (no administrator needed): pick a bundled scenario, run
 * it, read the timeline and the compliance summary, save the report and find it listed; an
 * uploaded scenario with mistakes shows each one by line and column. Screenshots go to artifacts/.
 */
describe.runIf(HAS_CHROMIUM)('drills in the browser', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    page = (await signedIn(browser, server.url, 'petition-bureau.staff', { viewport: { width: 1600, height: 1000 } })).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('runs a bundled scenario: timeline on the virtual clock and the compliance summary', async () => {
    await page.locator('.yj-menu').getByText('演练', { exact: true }).click();
    await page.waitForURL(/\/drills$/);
    await page.getByTestId('drill-notice').waitFor();
    expect(await page.getByTestId('drill-reports').textContent()).toContain('还没有保存的演练报告');

    await page.getByTestId('drill-scenario').click();
    // Bundled scenarios are named in the reader's language (the Chinese UI: the Chinese name), found by its initials too.
    await page.keyboard.type('ygdwcd');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '一个单位迟到' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('drill-description').filter({ hasText: 'unit-late-and-unit-never-arrives.yaml' }).waitFor();
    await page.getByTestId('drill-run').click();

    const timeline = page.getByTestId('drill-timeline');
    await timeline.waitFor();
    expect(await page.getByTestId('drill-result-name').textContent()).toBe('一个单位迟到、一个未到、一个恰在时限到场');
    // Virtual times from the scenario's start, the readable words, and the clause of each automatic step.
    const reported = page.getByTestId('drill-event-incident_reported');
    expect(await reported.textContent()).toMatch(/09:00:00\s*\+0s.*巡视组驻地/);
    const missed = page.getByTestId('drill-event-deadline_missed');
    expect(await missed.count()).toBe(2);
    expect(await missed.first().textContent()).toMatch(/超过时限未到场.*§/);

    // Hengbu town never came; the education bureau came late.
    const summary = page.getByTestId('drill-summary');
    expect(await summary.getByTestId('drill-unit-town-hengbu').textContent()).toMatch(/横埠镇.*1/);
    expect(await summary.getByTestId('drill-unit-dept-education').locator('.ant-tag-orange').textContent()).toBe('1');
    expect(await summary.getByTestId('drill-unit-town-hengbu').locator('.ant-tag-red').textContent()).toBe('1');
    await summary.getByTestId('drill-chart').waitFor();
    expect(await page.getByTestId('drill-result').getByTestId('drill-compliant').first().textContent()).toBe('迟到 1 · 未到 1 · 未批准措施 0');
    await shot(page, 'drill-result');
  });

  it('saves the report; it is listed, opens again, and downloads as text', async () => {
    await page.getByTestId('drill-save').click();
    await page.getByTestId('drill-saved').waitFor();
    const row = page.getByTestId('drill-reports').getByTestId('drill-report');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/一个单位迟到.*内置.*petition-bureau\.staff.*迟到 1/);

    const href = await row.getByTestId('drill-download-text').getAttribute('href');
    const text = await page.request.get(href!);
    expect(text.status()).toBe(200);
    expect(text.headers()['content-disposition']).toMatch(/^attachment; filename="drill-unit-late-and-unit-never-arrives-[0-9a-f]{8}\.zh\.txt"/);
    expect(await text.text()).toContain('== 到场考核 ==');

    // The drill's incident report, as the official document, marked 演练 (a rehearsal).
    const docxHref = await row.getByTestId('drill-report-document-docx').getAttribute('href');
    const docx = await page.request.get(docxHref!);
    expect(docx.status()).toBe(200);
    expect(docx.headers()['content-type']).toContain('wordprocessingml');
    const parts = unzipSync(new Uint8Array(await docx.body()));
    const xml = Object.entries(parts).filter(([name]) => name.endsWith('.xml')).map(([, bytes]) => strFromU8(bytes)).join('');
    expect(xml).toContain('演练');
    expect(await row.getByTestId('drill-report-document-pdf').isVisible()).toBe(true);

    // Opened again from the list: the saved report, not a new run to save.
    await page.reload();
    await page.getByTestId('drill-reports').getByTestId('drill-report').first().locator('[data-testid^="drill-report-open-"]').click();
    await page.getByTestId('drill-saved').waitFor();
    expect(await page.getByTestId('drill-save').count()).toBe(0);
    expect(await page.getByTestId('drill-event-deadline_missed').count()).toBe(2);
    await shot(page, 'drill-reports');
  });

  it('an uploaded scenario with mistakes shows each one by line and column, and runs once corrected', async () => {
    await page.getByRole('tab', { name: '上传场景' }).click();
    const bad = [
      'name: 上传的演练',
      'start: 2026-03-02T09:00:00+08:00',
      'steps:',
      '  - { at: 0m, do: report, venue: residence, headcount: 8, units: [town-nowhere], matter: 征地补偿 }',
      '  - { at: 5m, do: arrive, role: town-tanggou/boss }',
      '',
    ].join('\n');
    await page.getByTestId('drill-upload-text').fill(bad);
    await page.getByTestId('drill-upload-name').fill('mine.yaml');
    await page.getByTestId('drill-upload-run').click();
    const errors = page.getByTestId('drill-error');
    await errors.first().waitFor();
    expect(await errors.count()).toBe(2);
    expect(await errors.nth(0).textContent()).toContain(`mine.yaml:4:${bad.split('\n')[3]!.indexOf('town-nowhere') + 1} unknown unit "town-nowhere"`);
    expect(await errors.nth(1).textContent()).toMatch(/mine\.yaml:5:\d+ unknown role "town-tanggou\/boss"/);
    await shot(page, 'drill-errors');

    await page.getByTestId('drill-upload-text').fill(bad.replace('town-nowhere', 'town-tanggou').replace('do: arrive, role: town-tanggou/boss', 'do: guide, result: succeeded'));
    await page.getByTestId('drill-upload-run').click();
    await page.getByTestId('drill-result-name').filter({ hasText: '上传的演练' }).waitFor();
    expect(await page.getByTestId('drill-errors').count()).toBe(0);
    expect(await page.getByTestId('drill-result').getByTestId('drill-compliant').first().textContent()).toBe('符合预案要求');

    // In English, one click away.
    await page.getByTestId('lang-switch').click();
    expect(await page.getByTestId('drill-event-incident_reported').textContent()).toMatch(/Incident at/);
    await page.getByTestId('lang-switch').click();
  });
});

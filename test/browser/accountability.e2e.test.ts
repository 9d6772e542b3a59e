import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/databases.js';
import { fastPlan, HttpClient, sleep, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, shot, signedIn } from './browser.js';

/*
 * The accountability screen in a real browser, on a server whose deadlines run in seconds:
 * a unit on time, one late, one missing, a measure taken without approval. The charts draw,
 * the late list links to its incidents, and the downloaded XLSX files match the JSON API cell
 * by cell.
 */

async function readXlsx(path: string): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(readFileSync(path) as unknown as Parameters<typeof book.xlsx.load>[0]);
  return book;
}

/** The values of a sheet row from column 1, empty cells as null. */
const rowValues = (sheet: ExcelJS.Worksheet, row: number, columns: number) => Array.from({ length: columns }, (_, i) => sheet.getRow(row).getCell(i + 1).value ?? null);

describe.runIf(HAS_CHROMIUM)('the accountability screen', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let group: HttpClient;
  const ids = { onTime: '', late: '', missed: '' };

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    // Deadlines in seconds: townships 4 s, departments and police 3 s.
    server = await startServerProcess(['--demo', '--db', db.url, '--plan', fastPlan()]);
    const staff = await HttpClient.login(server.url, 'petition-bureau.staff');
    group = await HttpClient.login(server.url, 'working-group.leader');
    const police = await HttpClient.login(server.url, 'police-station-zongyang.responsible');
    const ok = async (c: HttpClient, path: string, body: unknown) => {
      const res = await c.post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    const summoned = async (unit: string) => {
      const { id } = await ok(staff, '/api/incidents', { venue: 'residence', headcount: 8, units: [unit], matter: '征地补偿款未发放' });
      await ok(staff, `/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' });
      return id as string;
    };
    ids.onTime = await summoned('town-tanggou');
    ids.late = await summoned('dept-housing');
    ids.missed = await summoned('town-hengbu');
    await ok(staff, `/api/incidents/${ids.onTime}/commands`, { do: 'arrive', role: 'town-tanggou/principal' });
    // The police commander arrives at once and takes a removal without a county leader's approval.
    await ok(group, `/api/incidents/${ids.onTime}/commands`, { do: 'escalate', reason: '人员情绪激动' });
    await ok(police, `/api/incidents/${ids.onTime}/commands`, { do: 'arrive', role: 'police-station-zongyang/responsible' });
    await ok(police, `/api/incidents/${ids.onTime}/commands`, { do: 'request_measure', id: 'removal-1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
    await ok(police, `/api/incidents/${ids.onTime}/commands`, { do: 'take_measure', id: 'removal-1' });
    // The people leave: the matter becomes a follow-up case of Tanggou (§4.2), its acceptance running.
    await ok(staff, `/api/incidents/${ids.onTime}/commands`, { do: 'clear' });
    // Housing (3 s) arrives after its deadline; Hengbu (4 s) never does.
    await sleep(4_500);
    await ok(staff, `/api/incidents/${ids.late}/commands`, { do: 'arrive', role: 'dept-housing/principal' });
    browser = await launch();
    page = (await signedIn(browser, server.url, 'working-group.leader', { viewport: { width: 1600, height: 1000 } })).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('shows the figures, the three charts drawn, the late list with links, and the draft notice', async () => {
    await page.getByRole('menuitem', { name: '考核' }).click();
    await page.waitForURL(/\/accountability$/);
    await page.getByTestId('acc-units').waitFor();
    // ECharts animates: each chart marks itself once it has finished drawing.
    for (const chart of ['chart-on-time', 'chart-arrival', 'chart-cases']) {
      await page.locator(`[data-testid=${chart}][data-finished=true]`).waitFor();
      expect(await page.locator(`[data-testid=${chart}] canvas`).count(), chart).toBeGreaterThan(0);
    }
    const units = (await page.getByTestId('acc-units').textContent()) ?? '';
    for (const name of ['汤沟镇', '横埠镇', '县住建局', '枞阳派出所']) expect(units).toContain(name);
    expect(await page.getByTestId('acc-cases').textContent()).toContain('汤沟镇');
    const late = page.getByTestId('acc-late');
    expect(await late.locator(`a[href="/incidents/${ids.late}"]`).count()).toBe(1);
    expect(await late.locator(`a[href="/incidents/${ids.missed}"]`).count()).toBe(1);
    expect(await late.locator(`a[href="/incidents/${ids.onTime}"]`).count()).toBe(0);
    expect(await page.getByTestId('acc-measures').textContent()).toContain('强行带离');
    const notice = await page.getByTestId('acc-notice').inputValue();
    expect(notice).toContain('一、横埠镇(未到场1次)');
    expect(notice).toContain('二、县住建局(迟到1次)');
    await shot(page, 'accountability');
    // The link opens the incident.
    await late.locator(`a[href="/incidents/${ids.missed}"]`).click();
    await page.waitForURL(new RegExp(`/incidents/${ids.missed}$`));
    await page.goBack();
    await page.getByTestId('acc-units').waitFor();
  });

  it('the downloaded assessment XLSX matches the JSON API cell by cell', async () => {
    const year = Number((await group.get('/api/reports/accountability')).period.from.slice(0, 4));
    const api = await group.get(`/api/reports/assessment?year=${year}`);
    await page.locator('[data-testid=acc-assessment] tbody tr.ant-table-row').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-assessment-xlsx').click()]);
    expect(download.suggestedFilename()).toBe(`yingji-assessment-${year}.xlsx`);
    const book = await readXlsx((await download.path())!);
    const sheet = book.getWorksheet('年终考核')!;
    expect(sheet.getCell('A1').value).toBe(`${year}年度信访工作考核表(到场纪律与案件办理时限)`);
    expect(rowValues(sheet, 2, 17)).toEqual([
      '单位',
      '到场通知(次)',
      '按时到场',
      '迟到',
      '未到场',
      '已解除',
      '按时到场率',
      '到场用时中位数(分钟)',
      '到场用时90%分位(分钟)',
      '未经批准的处置措施',
      '承办案件',
      '按期受理',
      '受理超期',
      '按期受理率(15日)',
      '按期办结',
      '办理超期',
      '按期办结率(60日)',
    ]);
    expect(sheet.rowCount).toBe(2 + api.rows.length);
    api.rows.forEach((r: any, i: number) => {
      expect(rowValues(sheet, 3 + i, 17), r.unit).toEqual([
        r.name.zh,
        r.summoned,
        r.on_time,
        r.late,
        r.missed,
        r.stood_down,
        r.on_time_rate,
        r.median_minutes,
        r.p90_minutes,
        r.unapproved_measures,
        r.cases,
        r.acceptance.on_time,
        r.acceptance.late + r.acceptance.overdue,
        r.acceptance.rate,
        r.handling.on_time,
        r.handling.late + r.handling.overdue,
        r.handling.rate,
      ]);
    });
    // The figures themselves: Hengbu missed, Housing late, the police measure counted.
    const row = (unit: string) => api.rows.find((r: any) => r.unit === unit);
    expect(row('town-hengbu')).toMatchObject({ summoned: 1, missed: 1, on_time_rate: 0 });
    expect(row('dept-housing')).toMatchObject({ summoned: 1, late: 1, on_time_rate: 0 });
    expect(row('town-tanggou')).toMatchObject({ summoned: 1, on_time: 1, on_time_rate: 1 });
    expect(row('police-station-zongyang')).toMatchObject({ on_time: 1, unapproved_measures: 1 });
  });

  it("the downloaded accountability XLSX matches the period's JSON, unit by unit", async () => {
    const api = await group.get('/api/reports/accountability');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-accountability-xlsx').click()]);
    const book = await readXlsx((await download.path())!);
    const sheet = book.getWorksheet('到场汇总')!;
    expect(rowValues(sheet, 2, 10)).toEqual(['单位', '到场通知(次)', '按时到场', '迟到', '未到场', '已解除', '按时到场率', '到场用时中位数(分钟)', '到场用时90%分位(分钟)', '未经批准的处置措施']);
    expect(api.units.length).toBe(4);
    expect(sheet.rowCount).toBe(2 + api.units.length);
    api.units.forEach((u: any, i: number) => {
      expect(rowValues(sheet, 3 + i, 10), u.unit).toEqual([u.name.zh, u.summoned, u.on_time, u.late, u.missed, u.stood_down, u.on_time_rate, u.median_minutes, u.p90_minutes, u.unapproved_measures]);
    });
    const late = book.getWorksheet('迟到未到')!;
    expect([late.getRow(3).getCell(9).value, late.getRow(4).getCell(9).value].sort()).toEqual([ids.late, ids.missed].sort());
  });

  it('a township principal has no accountability screen', async () => {
    const { context, page: principal } = await signedIn(browser, server.url, 'town-tanggou.principal', { viewport: { width: 1600, height: 1000 } });
    expect(await principal.getByRole('menuitem', { name: '考核' }).count()).toBe(0);
    await principal.goto('/accountability');
    // The screen is not offered, and a typed address says it is not for this role.
    await principal.getByTestId('not-allowed').waitFor();
    await context.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { confirm, HAS_CHROMIUM, launch, PHONE, shot, signedIn } from './browser.js';

/*
 * A follow-up case in real browsers, on the server's real clock: the petition bureau registers
 * a walk-in visit with personal data, the township's principal works it from the work list to
 * the reply (reading the personal data on the record, and seeing a refusal explained), and the
 * petitioner, signed in nowhere, looks it up by code on a phone and rates the answer.
 */
describe.runIf(HAS_CHROMIUM)('follow-up cases and the tracking page in the browser', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let staff: Page;
  let principal: Page;
  let anonymous: BrowserContext;
  let petitioner: Page;
  let code = '';
  let caseUrl = '';
  const MATTER = '反映宅基地确权登记迟迟未办';
  const NAME = '张三';
  const PHONE_NO = '13800000000';
  const OPINION = '已责成镇国土所于月底前完成确权登记';
  const EXTENSION = '需补充实地测量';
  /** Requests the anonymous browser made: the tracking page must not ask who is signed in. */
  const anonymousPaths: string[] = [];

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    staff = (await signedIn(browser, server.url, 'petition-bureau.staff', PHONE)).page;
    principal = (await signedIn(browser, server.url, 'town-tanggou.principal', PHONE)).page;
    anonymous = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...PHONE });
    petitioner = await anonymous.newPage();
    petitioner.setDefaultTimeout(15_000);
    petitioner.on('pageerror', (err) => {
      throw new Error(`page error for the petitioner: ${err.message}`);
    });
    petitioner.on('request', (req) => anonymousPaths.push(new URL(req.url()).pathname));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  it('staff register a walk-in visit with personal data; the form holds representatives to 5 (Art. 20)', async () => {
    await staff.goto('/cases');
    await staff.getByTestId('register-case').click();
    await staff.getByTestId('case-matter').fill(MATTER);
    await staff.getByTestId('case-units').click();
    await staff.keyboard.type('汤沟');
    await staff.keyboard.press('Enter');
    await staff.keyboard.press('Escape');
    await staff.getByTestId('case-headcount').fill('12');
    // Six representatives are more than Art. 20 allows: the field holds at 5.
    const reps = staff.getByTestId('case-representatives');
    await reps.fill('6');
    await reps.blur();
    expect(await reps.inputValue()).toBe('5');
    await reps.fill('2');
    expect(await staff.getByTestId('personal-note').textContent()).toContain('仅案件承办人员可查看');
    await staff.getByTestId('personal-name').fill(NAME);
    await staff.getByTestId('personal-phone').fill(PHONE_NO);
    await staff.getByTestId('personal-representatives').click();
    await staff.keyboard.type('李四');
    await staff.keyboard.press('Enter');
    await shot(staff, 'case-register-phone');
    await staff.getByTestId('register-submit').click();

    const shown = staff.getByTestId('registered-code');
    await shown.waitFor();
    code = (await shown.textContent())!.trim();
    expect(code).toMatch(/^YJ-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await shot(staff, 'case-registered-phone');
    await staff.getByTestId('registered-close').click();
    // The bureau registers but does not handle: the case is under "all visible", not "mine".
    await staff.getByTestId('cases-scope').getByText('全部可见').click();
    await staff.getByTestId('case-item').filter({ hasText: MATTER }).waitFor();
  });

  it('the township principal finds it first in the work list, with the acceptance deadline running', async () => {
    await principal.goto('/cases');
    const first = principal.getByTestId('case-item').first();
    await first.waitFor();
    expect(await first.textContent()).toContain(MATTER);
    expect(await first.getByTestId('case-deadline').textContent()).toMatch(/受理期限.*第二十二条.*剩余 14天23小时/);
    expect(await first.getByTestId('case-handler').textContent()).toBe('汤沟镇');
    await shot(principal, 'cases-phone');
    await first.getByTestId('case-link').click();
    await principal.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    caseUrl = new URL(principal.url()).pathname;
    expect(await principal.getByTestId('case-status').textContent()).toBe('待受理');
    expect(await principal.getByTestId('case-tracking-code').textContent()).toBe(code);
    expect(await principal.getByTestId('date-representatives').textContent()).toContain('第二十条');
  });

  it('reads the personal data for a stated purpose, and the read shows in the timeline', async () => {
    expect(await principal.getByTestId('case-event-personal_data_read').count()).toBe(0);
    await principal.getByTestId('personal-show').click();
    // Without a purpose there is no read.
    await expect(principal.getByTestId('personal-ok').isDisabled()).resolves.toBe(true);
    await principal.getByTestId('personal-purpose').fill('电话告知受理结果');
    await principal.getByTestId('personal-ok').click();
    expect(await principal.getByTestId('personal-name-value').textContent()).toBe(NAME);
    expect(await principal.getByTestId('personal-phone-value').textContent()).toBe(PHONE_NO);
    expect(await principal.getByTestId('personal-recorded').textContent()).toContain('电话告知受理结果');
    const read = principal.getByTestId('case-event-personal_data_read');
    await read.waitFor();
    expect(await read.textContent()).toContain('电话告知受理结果');
    expect(await read.getByTestId('case-event-actor').textContent()).toContain('town-tanggou.principal');
    await shot(principal, 'case-personal-phone');
  });

  it('accepts; a refused extension shows the reason in words (Art. 34)', async () => {
    await confirm(principal, 'case-cmd-accept');
    await principal.getByTestId('case-status').filter({ hasText: '办理中' }).waitFor();
    expect(await principal.getByTestId('date-accepted').textContent()).toContain('第二十二条');
    expect(await principal.getByTestId('date-due').textContent()).toContain('第三十四条');

    // The principal opens the extension form while the same extension is granted elsewhere.
    await principal.getByTestId('case-cmd-extend').click();
    expect(await principal.getByTestId('cmd-approved-by').inputValue()).toContain('汤沟镇');
    await principal.getByTestId('cmd-days').fill('20');
    await principal.getByTestId('cmd-reason').fill('再延长');
    const api = await HttpClient.login(server.url, 'town-tanggou.principal');
    const id = caseUrl.split('/').at(-1)!;
    const granted = await api.post(`/api/cases/${id}/commands`, { do: 'extend', days: 10, reason: EXTENSION, approved_by: 'town-tanggou/principal' });
    expect(granted.status).toBe(200);
    await principal.getByTestId('cmd-submit').click();
    // The 409's reason code, in words; the page then shows the case as it stands, without the form.
    const refusal = principal.getByTestId('case-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('办理期限只能延长一次(第三十四条)');
    await principal.getByTestId('date-extension').filter({ hasText: EXTENSION }).waitFor();
    await principal.getByTestId('cmd-submit').waitFor({ state: 'detached' });
    expect(await principal.getByTestId('case-cmd-extend').count()).toBe(0);
    await shot(principal, 'case-refused-phone');
  });

  it('records the opinion and replies: only the allowed commands are offered at each step', async () => {
    // No reply before an opinion (Art. 32): the button is not there.
    expect(await principal.getByTestId('case-cmd-reply').count()).toBe(0);
    await principal.getByTestId('case-cmd-opinion').click();
    await principal.getByTestId('cmd-kind').getByText('予以支持').click();
    await principal.getByTestId('cmd-text').fill(OPINION);
    await principal.getByTestId('cmd-submit').click();
    await principal.getByTestId('case-opinion-kind').filter({ hasText: '予以支持' }).waitFor();
    await confirm(principal, 'case-cmd-reply');
    await principal.getByTestId('case-status').filter({ hasText: '已答复' }).waitFor();
    expect(await principal.getByTestId('date-review_by').textContent()).toContain('第三十五条');
    expect(await principal.getByTestId('case-cmd-opinion').count()).toBe(0);
    const timeline = await principal.getByTestId('case-timeline').textContent();
    for (const step of ['登记立案', '查看了信访人个人信息', '已受理', '延长办理期限10天', '处理意见:予以支持', '已书面答复']) expect(timeline).toContain(step);
    await shot(principal, 'case-replied-phone');
  });

  it('the petitioner, signed in nowhere, finds the page from the sign-in screen and looks the case up in lower case', async () => {
    await petitioner.goto('/');
    await petitioner.getByTestId('track-link').click();
    await petitioner.waitForURL(/\/track$/);
    // Opened directly, as from a bookmark: the page asks nobody who is signed in.
    anonymousPaths.length = 0;
    await petitioner.reload();
    // Lower case, with a space for one dash: as people type codes read out to them.
    await petitioner.getByTestId('track-code').fill(code.toLowerCase().replace('-', ' '));
    await petitioner.getByTestId('track-submit').click();
    const result = petitioner.getByTestId('track-result');
    await result.waitFor();
    expect(await result.getByTestId('case-status').textContent()).toBe('已答复');
    expect(await petitioner.getByTestId('track-handler').textContent()).toBe('汤沟镇');
    expect(await petitioner.getByTestId('track-opinion').textContent()).toContain(OPINION);
    expect(await petitioner.getByTestId('track-extension').textContent()).toContain(EXTENSION);
    expect(await petitioner.getByTestId('track-review_by').textContent()).toContain('第三十五条');
    // Nothing about the person, nor the matter's text.
    const page = (await petitioner.locator('body').textContent())!;
    for (const secret of [NAME, PHONE_NO, '李四', MATTER]) expect(page).not.toContain(secret);
    await shot(petitioner, 'track-phone');

    await petitioner.getByTestId('rate-basically_satisfied').click();
    await petitioner.getByTestId('rate-comment').fill('还要看落实');
    await petitioner.getByTestId('rate-submit').click();
    const rated = petitioner.getByTestId('track-rated');
    await rated.waitFor();
    expect(await rated.textContent()).toContain('基本满意');
    expect(await petitioner.getByTestId('rating-form').count()).toBe(0);
    await shot(petitioner, 'track-rated-phone');
    // The page never asked who is signed in: it stands outside the sign-in guard.
    expect(anonymousPaths).not.toContain('/api/me');
    expect(anonymousPaths.filter((p) => p.startsWith('/api/')).every((p) => p.startsWith('/api/track/'))).toBe(true);
  });

  it('the rating shows in the handler’s timeline; the rating is once per answer', async () => {
    await principal.reload();
    const rated = principal.getByTestId('case-event-case_rated');
    await rated.waitFor();
    expect(await rated.textContent()).toContain('基本满意');
    expect(await rated.textContent()).toContain('信访人');
    await petitioner.reload();
    await petitioner.getByTestId('track-rated').waitFor();
    expect(await petitioner.getByTestId('rating-form').count()).toBe(0);
  });

  it('a wrong code says so and nothing more', async () => {
    await petitioner.getByTestId('track-code').fill('YJ-0000-0000-0000-0000');
    await petitioner.getByTestId('track-submit').click();
    const notFound = petitioner.getByTestId('track-not_found');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('没有找到与该查询码对应的案件');
    expect(await petitioner.getByTestId('track-result').count()).toBe(0);
    await shot(petitioner, 'track-not-found-phone');
    // English is one click away, on the public page too.
    await petitioner.getByTestId('lang-switch').click();
    await petitioner.getByText('no case has this tracking code; check it and try again').waitFor();
    await petitioner.getByText('Track your case').waitFor();
    await shot(petitioner, 'track-not-found-english-phone');
    await petitioner.getByTestId('lang-switch').click();
    await petitioner.getByText('查询办理进度').first().waitFor();
  });

  it('the incident page links a cleared incident to its case', async () => {
    const api = await HttpClient.login(server.url, 'petition-bureau.staff');
    const reported = await api.post('/api/incidents', { venue: 'residence', headcount: 3, units: ['town-tanggou'], matter: '拖欠工程款' });
    expect(reported.status).toBe(201);
    expect((await api.post(`/api/incidents/${reported.body.id}/commands`, { do: 'clear' })).status).toBe(200);
    await principal.goto(`/incidents/${reported.body.id}`);
    await principal.getByTestId('case-open').click();
    await principal.waitForURL(/\/cases\//);
    expect(await principal.getByTestId('case-title').textContent()).toBe('拖欠工程款');
  });

  it('a matter spanning units goes to a joint reception, scheduled with the units that attend (§4.2)', async () => {
    const api = await HttpClient.login(server.url, 'petition-bureau.staff');
    const created = await api.post('/api/cases', { matter: '安置房质量问题', units: ['town-tanggou', 'dept-housing'], headcount: 4 });
    expect(created.status).toBe(201);
    expect(created.body.route).toBe('joint_reception');
    const { page: office } = await signedIn(browser, server.url, 'joint-office.principal', { viewport: { width: 1280, height: 900 } });
    await office.goto(`/cases/${created.body.id}`);
    const panel = office.getByTestId('route-panel');
    expect(await panel.textContent()).toContain('尚未安排接访');
    await panel.getByTestId('case-cmd-schedule_reception').click();
    const on = office.getByTestId('cmd-on');
    await on.click();
    await office.keyboard.type('2026-12-01 09:30');
    await office.keyboard.press('Enter');
    await office.getByTestId('cmd-place').fill('县联合接访中心');
    // The units concerned attend by default.
    expect(await office.getByTestId('cmd-units').textContent()).toContain('住建局');
    await office.getByTestId('cmd-submit').click();
    await panel.getByTestId('reception-on').filter({ hasText: '2026-12-01 09:30' }).waitFor();
    expect(await panel.textContent()).toContain('县联合接访中心');
    await panel.getByTestId('case-cmd-record_reception').waitFor();
    await office.getByTestId('case-event-reception_scheduled').waitFor();
    await shot(office, 'case-joint-reception');
    await office.context().close();
  });

  it('after too many wrong codes the page asks to wait, with the seconds', async () => {
    // The limit is 30 wrong codes a minute per address; one was spent above.
    await petitioner.evaluate(async () => {
      for (let i = 0; i < 30; i++) await fetch(`/api/track/YJ-0000-0000-0000-${String(i).padStart(4, '0')}`);
    });
    await petitioner.getByTestId('track-code').fill(code);
    await petitioner.getByTestId('track-submit').click();
    const wait = petitioner.getByTestId('track-wait');
    await wait.waitFor();
    expect(await wait.textContent()).toMatch(/尝试次数过多,请等待 \d+ 秒后再试/);
    expect(await petitioner.getByTestId('track-result').count()).toBe(0);
    await shot(petitioner, 'track-wait-phone');
  });
});

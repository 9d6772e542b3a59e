/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn, WAIT } from './browser.js';

/*
 * A phone in a dead zone (issue 14 §3): with the network switched off, staff report an
 * incident, change its head count and add a note; they wait on the phone as 待发送 and go out
 * once the network is back, in order, each once, with the time they were made on the phone,
 * even when an answer is lost on the way. A summoned principal's check-in made offline too.
 * The service worker serves the app's screens offline. Screenshot: artifacts/offline-*.png.
 */
describe.runIf(HAS_CHROMIUM)('a phone without a connection', { timeout: 240_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let api: HttpClient;
  let summoned = '';

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    browser = await launch();
    api = await HttpClient.login(server.url, 'petition-bureau.staff');
    // An incident whose township principal is summoned, for the check-in.
    const r = await api.post('/api/incidents', { venue: 'residence', headcount: 6, units: ['town-tanggou'], matter: '拖欠工程款' });
    summoned = r.body.id;
    expect((await api.post(`/api/incidents/${summoned}/commands`, { do: 'guide', result: 'failed' })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  /** The page is run by the app's service worker (screens not opened yet load from its cache). */
  // Installing it precaches the app shell: on a machine busy with other tests that can take a while.
  const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, undefined, { timeout: 100_000 });

  it('staff report, count and note offline: 待发送 3, then sent in order, once each, with the time made on the phone', async () => {
    const { context, page } = await signedIn(browser, server.url, 'petition-bureau.staff', PHONE);
    await controlled(page);
    const before = await api.get<any[]>('/api/incidents');

    await context.setOffline(true);
    await page.getByTestId('live-status').filter({ hasText: '离线' }).waitFor();
    // The report screen has not been opened: its code comes from the service worker's cache.
    await page.getByTestId('tabbar').getByText('报告事件').click();
    await page.getByTestId('report-submit').waitFor();
    await page.getByTestId('headcount').fill('12');
    await page.getByTestId('units').click();
    await page.keyboard.type('汤沟');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByTestId('matter').fill('村民反映土地流转费未兑现');
    await page.getByTestId('report-submit').click();
    await page.waitForURL(/\/pending\//);
    await expect.poll(() => page.getByTestId('pending-status').textContent(), { timeout: WAIT }).toBe('待发送');
    await page.getByTestId('headcount-input').fill('35');
    await page.getByTestId('headcount-submit').click();
    await page.getByTestId('note-input').fill('人群情绪平稳,正在劝导');
    await page.getByTestId('note-submit').click();
    await expect.poll(() => page.getByTestId('outbox-count').textContent(), { timeout: WAIT }).toBe('待发送 3');
    // The board shows the incident reported offline, waiting.
    await page.getByTestId('tabbar').getByText('态势').click();
    await expect.poll(() => page.getByTestId('pending-report').textContent(), { timeout: WAIT }).toContain('待发送');
    await page.getByTestId('pending-report').click();
    await page.waitForURL(/\/pending\//);
    await expect.poll(() => page.getByTestId('pending-queue').getByTestId('outbox-waiting').count(), { timeout: WAIT }).toBe(2);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await shot(page, 'offline-waiting-phone');
    // Nothing sticks out sideways on the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.viewport.width);
    // Nothing reached the server.
    expect(await api.get<any[]>('/api/incidents')).toHaveLength(before.length);

    // The note reaches the server but its answer is lost: the phone sends it again, under the same key.
    let notes = 0;
    let madeEarlier = '';
    await page.route('**/api/incidents/*/commands', async (route) => {
      const body = route.request().postDataJSON() as { do: string };
      if (body.do === 'note' && notes++ === 0) {
        // As if the note had been made 25 minutes before it arrives (a long dead zone).
        madeEarlier = new Date(Date.now() - 25 * 60_000).toISOString();
        const answer = await route.fetch({ headers: { ...route.request().headers(), 'x-made-at': madeEarlier } });
        expect(answer.status()).toBe(200);
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await context.setOffline(false);
    await page.waitForURL(/\/incidents\//);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByTestId('outbox-count').waitFor({ state: 'detached' });
    await page.getByTestId('event-note_posted').waitFor();
    expect(notes).toBe(2);

    const after = await api.get<any[]>('/api/incidents');
    expect(after).toHaveLength(before.length + 1);
    const events = await api.get<any[]>(`/api/incidents/${id}/events`);
    const made = events.filter((e) => e.actor);
    expect(made.map((e) => e.type)).toEqual(expect.arrayContaining(['incident_reported', 'headcount_updated', 'note_posted']));
    const order = ['incident_reported', 'headcount_updated', 'note_posted'].map((type) => events.findIndex((e) => e.type === type));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(events.filter((e) => e.type === 'note_posted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'incident_reported')).toHaveLength(1);
    for (const e of made) {
      expect(e.made_at, e.type).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      // Made on the phone before it arrived.
      expect(Date.parse(e.made_at)).toBeLessThanOrEqual(Date.parse(e.recorded_at));
    }
    expect(events.find((e) => e.type === 'headcount_updated')).toMatchObject({ value: 35 });
    expect(await page.getByTestId('incident-headcount').textContent()).toContain('35');
    // The timeline says when the note was made on the phone and when it arrived.
    const note = events.find((e) => e.type === 'note_posted');
    expect(Date.parse(note.made_at)).toBe(Date.parse(madeEarlier));
    await expect
      .poll(() => page.getByTestId('event-note_posted').getByTestId('made-at').textContent())
      .toBe(`手机上记录 ${note.made_at.slice(11, 16)} · 到达 ${note.at.slice(11, 16)}`);
    await shot(page, 'offline-sent-phone');
    await context.close();
  });

  it('a summons check-in made offline waits on the phone and counts from when it arrives', async () => {
    const { context, page } = await signedIn(browser, server.url, 'town-tanggou.principal', PHONE);
    await page.goto('/my');
    const card = page.getByTestId('my-town-tanggou/principal');
    await card.getByTestId('my-arrive').waitFor();
    await controlled(page);
    await context.setOffline(true);
    await card.getByTestId('my-arrive').click();
    await expect.poll(() => page.getByTestId('outbox-count').textContent(), { timeout: WAIT }).toBe('待发送 1');
    await card.getByTestId('my-queued').waitFor();
    // Waiting counts as done on the card: no second check-in to tap.
    expect(await card.getByTestId('my-arrive').count()).toBe(0);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await shot(page, 'offline-check-in-phone');
    expect((await api.get<any>(`/api/incidents/${summoned}`)).summons[0].arrived_at).toBeNull();
    // Reloaded in the dead zone: the service worker opens the page, the app opens as the same
    // user (as the phone last knew them), and the check-in still waits on the phone.
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    await expect.poll(() => page.getByTestId('outbox-count').textContent(), { timeout: WAIT }).toBe('待发送 1');
    expect(await page.getByTestId('login-submit').count()).toBe(0);
    expect(await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('yingji-outbox');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      return new Promise<number>((resolve) => {
        const r = db.transaction('commands').objectStore('commands').count();
        r.onsuccess = () => resolve(r.result);
      });
    })).toBe(1);

    // The connection returns: the page starts again, the session is still good, the check-in goes.
    await context.setOffline(false);
    await page.getByTestId('user-menu').waitFor();
    await page.getByTestId('outbox-count').waitFor({ state: 'detached' });
    await expect.poll(async () => (await api.get<any>(`/api/incidents/${summoned}`)).summons[0].arrived_at, { timeout: WAIT }).not.toBeNull();
    const arrival = (await api.get<any[]>(`/api/incidents/${summoned}/events`)).filter((e) => e.type === 'arrival_recorded');
    expect(arrival).toHaveLength(1);
    expect(arrival[0]).toMatchObject({ role: 'town-tanggou/principal', made_at: expect.any(String) });
    // The arrival is when it reached the server, not when the button was pressed.
    expect(Date.parse(arrival[0].at)).toBeGreaterThanOrEqual(Date.parse(arrival[0].made_at));
    await context.close();
  });
});

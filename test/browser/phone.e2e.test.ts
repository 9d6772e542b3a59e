/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { freshDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { HAS_CHROMIUM, launch, PHONE, shot, signedIn } from './browser.js';
import { seedCounty, type Seeded } from './seed.js';

/*
 * Every screen on a phone, 360 and 390 px wide, in Chinese and in English, with a home
 * indicator's safe area at the bottom (34 px, as an iPhone's): no page scrolls sideways, no
 * button is squeezed until its words break over lines, and scrolled to the bottom, the last
 * thing on the page sits above the tab bar. Screenshots of every screen at 360 px go to
 * artifacts/phone-360-<lang>-<screen>.png.
 */
type Who = 'admin' | 'principal' | 'anonymous';
interface Screen {
  name: string;
  who: Who;
  path: (s: Seeded) => string;
  /** Something that shows once the screen has its data. */
  ready: (page: Page, s: Seeded) => Locator;
}

const SCREENS: Screen[] = [
  { name: 'login', who: 'anonymous', path: () => '/', ready: (p) => p.getByTestId('login-submit') },
  { name: 'track', who: 'anonymous', path: (s) => `/track/${s.trackingCode}`, ready: (p) => p.getByTestId('track-result') },
  { name: 'ack', who: 'anonymous', path: (s) => s.ackLink, ready: (p) => p.getByTestId('ack-button') },
  { name: 'board', who: 'admin', path: () => '/', ready: (p, s) => p.getByTestId(`incident-${s.cleared}`).getByTestId('board-cleared') },
  { name: 'report', who: 'admin', path: () => '/report', ready: (p) => p.getByTestId('report-submit') },
  { name: 'my', who: 'principal', path: () => '/my', ready: (p) => p.getByTestId('inbox') },
  { name: 'cases', who: 'admin', path: () => '/cases', ready: (p) => p.getByTestId('case-item').first() },
  { name: 'case', who: 'admin', path: (s) => `/cases/${s.caseId}`, ready: (p) => p.getByTestId('case-timeline') },
  { name: 'incident', who: 'admin', path: (s) => `/incidents/${s.activated}`, ready: (p) => p.getByTestId('summons-police-bureau/duty-leader').getByTestId('deliveries') },
  { name: 'incident-cleared', who: 'admin', path: (s) => `/incidents/${s.cleared}`, ready: (p) => p.getByTestId('status-town-fushan/principal') },
  { name: 'approvals', who: 'admin', path: () => '/approvals', ready: (p) => p.getByTestId('approval-m1') },
  { name: 'risks', who: 'admin', path: () => '/risks', ready: (p, s) => p.getByTestId(`risk-open-${s.risk}`) },
  { name: 'plan', who: 'admin', path: () => '/plan', ready: (p) => p.getByTestId('plan-explain') },
  { name: 'org', who: 'admin', path: () => '/org', ready: (p) => p.getByTestId('org-units').locator('.ant-table-row').first() },
  { name: 'drills', who: 'admin', path: () => '/drills', ready: (p) => p.getByTestId('drill-scenario') },
  { name: 'accountability', who: 'admin', path: () => '/accountability', ready: (p) => p.getByTestId('acc-units').locator('.ant-table-row').first() },
];

/** Where the page stands: its widths, and the lowest visible edge of its content against the tab bar (or the screen's bottom). */
async function measure(page: Page, width: number) {
  return page.evaluate(async (width) => {
    // To the bottom, again until the page stops growing (content that arrives after the screen's
    // first data, e.g. a list below it, would otherwise leave the last rows under the tab bar).
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let height = -1; height !== document.documentElement.scrollHeight; ) {
      height = document.documentElement.scrollHeight;
      window.scrollTo(0, height);
      await frames();
    }
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${Array.from(el.classList).join('.')} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    const tabbar = document.querySelector('[data-testid=tabbar]');
    const limit = tabbar ? tabbar.getBoundingClientRect().top : window.innerHeight;
    const content = document.querySelector('main') ?? document.getElementById('root')!;
    let bottom = 0;
    let last = '';
    for (const el of Array.from(content.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
      // What a scrolling or clipping box hides inside it is not on the page.
      let edge = r.bottom;
      for (let a = el.parentElement; a && a !== content; a = a.parentElement) {
        if (getComputedStyle(a).overflowY !== 'visible') edge = Math.min(edge, a.getBoundingClientRect().bottom);
      }
      if (edge > bottom) [bottom, last] = [edge, describe(el)];
    }
    // For the failure message: what sticks out to the right, outside any box that scrolls it.
    const wide = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => {
        if (el.getBoundingClientRect().right <= width + 0.5) return false;
        for (let a = el.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false;
        return true;
      })
      .slice(-3)
      .map(describe);
    // Buttons squeezed until their words break over lines (提交 read 提 above 交, beside an input).
    // A long label in a button as wide as the row (a unit's full name) may take two lines.
    const broken = Array.from(document.body.querySelectorAll('.ant-btn > span:not(.ant-btn-icon)'))
      .filter((span) => {
        const r = span.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(span).lineHeight) || parseFloat(getComputedStyle(span).fontSize) * 1.5;
        const squeezed = span.parentElement!.getBoundingClientRect().width < window.innerWidth / 2;
        return r.width > 0 && (span.textContent ?? '').trim() !== '' && r.height > line * 1.5 && squeezed;
      })
      .map((span) => describe(span.parentElement!));
    const inset = tabbar ? getComputedStyle(tabbar).paddingBottom : null;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, bottom, limit, last, wide, broken, tabbar: !!tabbar, inset };
  }, width);
}

describe.runIf(HAS_CHROMIUM)('every screen on a phone', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let seeded: Seeded;

  beforeAll(async () => {
    const db = await freshDatabase('sqlite');
    server = await startServerProcess(['--demo', '--db', db.url]);
    seeded = await seedCounty(server.url);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
  });

  for (const width of [360, 390]) {
    for (const lang of ['zh', 'en'] as const) {
      it(`${width} px wide, in ${lang === 'zh' ? 'Chinese' : 'English'}: nothing scrolls sideways, no button breaks its words, nothing hides behind the tab bar`, async () => {
        const device = { ...PHONE, viewport: { width, height: 780 } };
        const contexts: BrowserContext[] = [];
        const pages = new Map<Who, Page>();
        const open = async (who: Who): Promise<Page> => {
          if (pages.has(who)) return pages.get(who)!;
          let page: Page;
          if (who === 'anonymous') {
            const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...device });
            page = await context.newPage();
            page.setDefaultTimeout(15_000);
            page.on('pageerror', (err) => {
              throw new Error(`page error: ${err.message}`);
            });
          } else {
            page = (await signedIn(browser, server.url, who === 'admin' ? 'admin' : 'town-hengbu.principal', device)).page;
          }
          contexts.push(page.context());
          await page.context().addInitScript((l) => localStorage.setItem('yingji.lang', l), lang);
          // An iPhone's home indicator: the page must keep clear of it (viewport-fit=cover, env(safe-area-inset-bottom)).
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Emulation.setSafeAreaInsetsOverride' as never, { insets: { top: 0, left: 0, right: 0, bottom: 34 } } as never);
          pages.set(who, page);
          return page;
        };

        const problems: string[] = [];
        try {
          for (const screen of SCREENS) {
            const page = await open(screen.who);
            await page.goto(screen.path(seeded));
            await screen.ready(page, seeded).waitFor();
            // The words are the language asked for: the check is about the English as much as the Chinese.
            await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
            const m = await measure(page, width);
            if (m.innerWidth !== width) problems.push(`${screen.name}: the viewport is ${m.innerWidth} px wide, not ${width}`);
            if (m.scrollWidth > width) problems.push(`${screen.name}: scrolls sideways (${m.scrollWidth} px > ${width}): ${m.wide.join(' | ')}`);
            if (m.bottom > m.limit + 0.5) problems.push(`${screen.name}: ${m.last} ends at ${Math.round(m.bottom)}, below ${m.tabbar ? 'the tab bar' : 'the screen'} at ${Math.round(m.limit)}`);
            if (m.broken.length) problems.push(`${screen.name}: a squeezed button's words break over lines: ${m.broken.join(' | ')}`);
            if (m.tabbar && m.inset !== '34px') problems.push(`${screen.name}: the tab bar keeps ${m.inset} clear of the home indicator, not 34px`);
            if (width === 360) await shot(page, `phone-360-${lang}-${screen.name}`);
          }
        } finally {
          for (const c of contexts) await c.close();
        }
        expect(problems).toEqual([]);
      });
    }
  }

  it('the incident page shows each summons as a card on a phone and as a table on a desk', async () => {
    const { page, context } = await signedIn(browser, server.url, 'admin', PHONE);
    await page.goto(`/incidents/${seeded.cleared}`);
    const card = page.getByTestId('summons-town-fushan/principal');
    await card.waitFor();
    // Stood down when the incident was cleared: grey 已解除, no countdown left running.
    expect(await card.getByTestId('status-town-fushan/principal').textContent()).toBe('已解除');
    expect(await card.getByTestId('countdown').textContent()).toBe('');
    expect(await page.locator('.ant-table').count()).toBe(0);
    const box = await card.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('.ant-table-row').first().waitFor();
    expect(await page.getByTestId('summons-town-fushan/principal').count()).toBe(0);
    await context.close();
  });
});

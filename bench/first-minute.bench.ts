/**
 * The first minute on county 4G: how long a phone on a slow mobile network waits for the
 * sign-in form, and then for the full board.
 *
 * Starts the built server (`--demo`, a temporary SQLite database) with a few active incidents,
 * then, in headless Chromium throttled to a slow 4G profile (1.6 Mbps down, 750 kbps up,
 * 150 ms latency) with the CPU slowed 4×, each round in a fresh browser context (empty cache):
 *
 * 1. sign-in form: from navigation to `/` until the user name, password and sign-in button are
 *    on the page and React handles them;
 * 2. board after sign-in: from the click on the sign-in button until the full board; first the
 *    page finishes loading (nothing new requested for 2 s), as it would while a person types;
 * 3. board, signed in: a fresh navigation to `/` by a browser that is already signed in (a wall
 *    display reloading), until the full board.
 *
 * "Full board": the board's element (`data-testid=board`) holds a card for every active
 * incident, each with its summons, and the live stream is connected (`live-status` reads
 * 实时/Live). Times are medians of ROUNDS rounds; figures also go to artifacts/first-minute.json.
 * Goals: sign-in form ≤ 2 s, board ≤ 3 s.
 *
 * `npm run bench:web` (builds first). YINGJI_BENCH_URL measures a server already running
 * (with demo accounts whose password is YINGJI_DEMO_PASSWORD; no incidents are added);
 * DEBUG_ENTRIES=1 prints every request of each page with its start and end.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARTIFACTS, describeMachine, freshDatabase, login, PASSWORD, post, report, startServer, type ServerProcess } from './support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const INCIDENTS = Number(process.env.INCIDENTS ?? 6);
const USER = 'working-group.leader';
const CHROMIUM = process.env.YINGJI_CHROMIUM ?? '/usr/bin/chromium';
const WEB = join(process.cwd(), 'dist', 'web');
/** Slow 4G as DevTools throttles it: bytes per second, and latency added to every request. */
const NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
const CPU_SLOWDOWN = 4;

async function start(): Promise<{ url: string; server: ServerProcess | null }> {
  if (process.env.YINGJI_BENCH_URL) return { url: process.env.YINGJI_BENCH_URL, server: null };
  const server = await startServer(['--demo', '--db', (await freshDatabase('sqlite')).url]);
  return { url: server.url, server };
}

/** Active incidents with summons on the board: a failed guide summons each unit's principal. */
async function seed(base: string): Promise<number> {
  const staff = await login(base, 'petition-bureau.staff');
  const units = [['town-tanggou', 'dept-housing'], ['town-fushan'], ['town-hengbu', 'dept-education']];
  for (let n = 0; n < INCIDENTS; n++) {
    const { id } = await post<{ id: string }>(base, staff, '/api/incidents', { venue: ['residence', 'venue-1', 'venue-2'][n % 3], headcount: 6 + n, units: units[n % units.length], matter: `征地补偿款未发放 ${n}` });
    await post(base, staff, `/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' });
  }
  return INCIDENTS;
}

/**
 * Marks, taken inside the page (performance.now(), from the start of navigation): when the
 * sign-in form is usable, when the sign-in button was clicked, when the board was full. A
 * string, so the bundler's helpers never reach the page.
 */
const MARKER = (expected: number) => `(() => {
  const expected = ${expected};
  const marks = (window.__marks = {});
  const check = () => {
    if (marks.signIn === undefined) {
      const user = document.querySelector('[data-testid=username]');
      const pass = document.querySelector('[data-testid=password]');
      const submit = document.querySelector('[data-testid=login-submit]');
      // React attaches its handlers at the root before its first commit reaches the DOM.
      if (user && pass && submit && !user.disabled) marks.signIn = performance.now();
    }
    if (marks.board === undefined) {
      const board = document.querySelector('[data-testid=board]');
      const status = document.querySelector('[data-testid=live-status]');
      const cards = board ? [...board.querySelectorAll('[data-testid^="incident-"]')] : [];
      if (board && cards.length >= expected && cards.every((c) => c.querySelector('[data-testid^="summons-"]')) && /实时|Live/.test(status ? status.textContent : '')) {
        marks.board = performance.now();
      }
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  document.addEventListener('click', (e) => {
    if (marks.click === undefined && e.target.closest && e.target.closest('[data-testid=login-submit]')) marks.click = performance.now();
  }, true);
})();`;

async function throttled(browser: Browser, base: string, cookie?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  if (cookie) {
    const url = new URL(base);
    await context.addCookies(cookie.split('; ').map((c) => {
      const [name, ...value] = c.split('=');
      return { name: name!, value: value.join('='), domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Lax' as const };
    }));
  }
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.send('Network.emulateNetworkConditions', NETWORK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return page;
}

/** For DEBUG_ENTRIES=1: every request with its start and end, and the marks. */
const TIMELINE = `JSON.stringify({ marks: window.__marks, nav: performance.getEntriesByType('navigation').map((e) => [Math.round(e.responseEnd), Math.round(e.domInteractive), Math.round(e.domContentLoadedEventEnd)]), res: performance.getEntriesByType('resource').map((e) => [e.name.replace(/^.*\\//, ''), e.transferSize, Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)]) }, null, 1)`;
const marks = (page: Page) => page.evaluate('window.__marks') as Promise<Record<string, number>>;
/** Bytes over the wire (compressed) of the document and everything it fetched so far. */
const transferred = (page: Page) =>
  page.evaluate(`(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    const sum = (f) => entries.filter(f).reduce((a, e) => a + e.transferSize, 0);
    return { all: sum(() => true), js: sum((e) => e.name.endsWith('.js')) };
  })()`) as Promise<{ all: number; js: number }>;
// A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
const marked = (page: Page, mark: string) =>
  page.waitForFunction((m) => (window as unknown as { __marks?: Record<string, number> }).__marks?.[m] !== undefined, mark, { polling: 100 });

/** Waits until the page has requested nothing new for 2 s. */
async function quiet(page: Page): Promise<void> {
  const count = () => page.evaluate(`performance.getEntriesByType('resource').length`) as Promise<number>;
  let last = await count();
  for (let still = 0; still < 4; ) {
    await page.waitForTimeout(500);
    const now = await count();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

async function round(browser: Browser, base: string, incidents: number, cookie: string) {
  // 1 and 2: a phone that has never opened the site.
  const page = await throttled(browser, base);
  await page.addInitScript(MARKER(incidents));
  await page.goto('/', { waitUntil: 'commit' });
  await marked(page, 'signIn');
  const beforeForm = await transferred(page);
  await quiet(page);
  if (process.env.DEBUG_ENTRIES) console.log(await page.evaluate(TIMELINE));
  await page.getByTestId('username').fill(USER);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await marked(page, 'board');
  if (process.env.DEBUG_ENTRIES) console.log(await page.evaluate(TIMELINE));
  const a = await marks(page);
  const total = await transferred(page);
  await page.context().close();

  // 3: a browser already signed in opens the board (cache empty).
  const wall = await throttled(browser, base, cookie);
  await wall.addInitScript(MARKER(incidents));
  await wall.goto('/', { waitUntil: 'commit' });
  await marked(wall, 'board');
  if (process.env.DEBUG_ENTRIES) console.log(await wall.evaluate(TIMELINE));
  const b = await marks(wall);
  await wall.context().close();
  return {
    sign_in_form_ms: Math.round(a.signIn!),
    board_after_sign_in_ms: Math.round(a.board! - a.click!),
    board_signed_in_ms: Math.round(b.board!),
    bytes_before_form: beforeForm.all,
    js_bytes_before_form: beforeForm.js,
    bytes_to_board: total.all,
  };
}

/** The JavaScript index.html loads before anything renders (entry and preloaded chunks), as built. */
function initialJs() {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let raw = 0;
  let gzip = 0;
  let br = 0;
  for (const f of files) {
    const body = readFileSync(join(WEB, f));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    br += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  const all = existsSync(join(WEB, 'assets')) ? readdirSync(join(WEB, 'assets')).filter((f) => f.endsWith('.js')) : [];
  return { files, raw_bytes: raw, gzip_bytes: gzip, brotli_bytes: br, all_js_raw_bytes: all.reduce((a, f) => a + statSync(join(WEB, 'assets', f)).size, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { url, server } = await start();
let exitCode = 0;
try {
  const incidents = process.env.YINGJI_BENCH_URL ? 0 : await seed(url);
  const session = await login(url, USER);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const r = await round(browser, url, incidents, session.cookie);
      process.stderr.write(`round ${i + 1}/${ROUNDS}: ${JSON.stringify(r)}\n`);
      rounds.push(r);
    }
  } finally {
    await browser.close();
  }
  const pick = (k: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[k]));
  const result = {
    // Other work on the machine slows the throttled CPU further: see the load averages.
    machine: describeMachine(),
    network: 'slow 4G: 1.6 Mbps down, 750 kbps up, 150 ms latency; CPU slowed 4×',
    rounds: ROUNDS,
    incidents,
    initial_js: initialJs(),
    median: {
      sign_in_form_ms: pick('sign_in_form_ms'),
      board_after_sign_in_ms: pick('board_after_sign_in_ms'),
      board_signed_in_ms: pick('board_signed_in_ms'),
      bytes_before_form: pick('bytes_before_form'),
      js_bytes_before_form: pick('js_bytes_before_form'),
      bytes_to_board: pick('bytes_to_board'),
    },
    goals: { sign_in_form_ms: 2000, board_ms: 3000 },
  };
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'first-minute.json'), `${JSON.stringify({ ...result, all_rounds: rounds }, null, 2)}\n`);
  const m = result.median;
  report('first-minute', { ...result, all_rounds: rounds }, [
    `sign-in form ${m.sign_in_form_ms} ms (goal ≤ 2000) · board after sign-in ${m.board_after_sign_in_ms} ms, board when signed in ${m.board_signed_in_ms} ms (goal ≤ 3000); median of ${ROUNDS}, ${result.network}`,
  ]);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await server?.stop();
}
process.exitCode = exitCode;

import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, reportBody, testApp, type TestApp } from '../../test/support/server.js';
import { WEB_ROOT } from './app.js';
import { cacheControl, IMMUTABLE, precompress, REVALIDATE } from './web.assets.js';

/*
 * The first minute on a slow network: compressed answers (brotli or gzip, as accepted; as is
 * when neither is), hashed files cached for a year and index.html revalidated, and the live
 * stream still streaming with compression on. The speed itself is measured by
 * `npm run bench:web` (bench/first-minute.bench.ts), not here.
 */

describe('the web UI files', () => {
  it('are cached for a year when their name holds a hash, and revalidated otherwise', () => {
    expect(cacheControl('/srv/web/assets/index-BveK3RSZ.js')).toBe(IMMUTABLE);
    expect(cacheControl('/srv/web/assets/chunk-Z7SQORRT-B_ehIrgC.js.br')).toBe(IMMUTABLE);
    expect(cacheControl('/srv/web/assets/index-DR2atP-s.css.gz')).toBe(IMMUTABLE);
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
    expect(cacheControl('/srv/web/index.html')).toBe(REVALIDATE);
    expect(cacheControl('/srv/web/index.html.br')).toBe(REVALIDATE);
    expect(cacheControl('/srv/web/favicon.svg')).toBe(REVALIDATE);
    expect(REVALIDATE).toBe('no-cache');
  });

  it('are compressed at build time, each beside its file and only when worth it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yingji-web-'));
    mkdirSync(join(dir, 'assets'));
    const script = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `第${i}条`))};\n`;
    writeFileSync(join(dir, 'assets', 'index-AbCdEf12.js'), script);
    writeFileSync(join(dir, 'assets', 'tiny-AbCdEf12.js'), 'export {};\n');
    writeFileSync(join(dir, 'assets', 'photo-AbCdEf12.png'), Buffer.alloc(4096, 7));
    const r = await precompress(dir);
    expect(r.files).toBe(1);
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'index-AbCdEf12.js.br'))).toString()).toBe(script);
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'index-AbCdEf12.js.gz'))).toString()).toBe(script);
    for (const skipped of ['tiny-AbCdEf12.js.br', 'photo-AbCdEf12.png.br', 'photo-AbCdEf12.png.gz']) expect(existsSync(join(dir, 'assets', skipped))).toBe(false);
  });
});

describe('answers on a slow network', () => {
  let t: TestApp;
  let staff: Client;
  let script: string;

  beforeAll(async () => {
    t = await testApp('sqlite');
    staff = await Client.as(t.app, 'working-group.leader');
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode, `the web UI is built into ${WEB_ROOT} (npm run build)`).toBe(200);
    script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)![1]!;
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves index.html to be revalidated on every load, so a new deploy shows at once', async () => {
    for (const url of ['/', '/incidents/some-id', '/track']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves the installable app: its manifest, icons and service worker, none cached for good', async () => {
    const manifest = await t.app.inject({ method: 'GET', url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect(manifest.json()).toMatchObject({ name: '应急 Yingji', short_name: '应急', lang: 'zh-CN', display: 'standalone', start_url: '/', theme_color: '#b71c1c' });
    for (const icon of manifest.json().icons as { src: string; sizes: string }[]) {
      const res = await t.app.inject({ method: 'GET', url: icon.src });
      expect(res.statusCode, icon.src).toBe(200);
      expect(res.headers['content-type'], icon.src).toBe('image/png');
      // The size the manifest says: a PNG's width and height are at bytes 16–23.
      expect(`${res.rawPayload.readUInt32BE(16)}x${res.rawPayload.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
    }
    // The worker is asked again on every load (a new deploy replaces it); it precaches the shell, never the API.
    const sw = await t.app.inject({ method: 'GET', url: '/sw.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toContain('javascript');
    expect(sw.headers['cache-control']).toBe('no-cache');
    const code = sw.headers['content-encoding'] === 'br' ? brotliDecompressSync(sw.rawPayload).toString() : sw.headers['content-encoding'] === 'gzip' ? gunzipSync(sw.rawPayload).toString() : sw.body;
    expect(code).toContain('index.html');
    expect(code).toContain(script.slice(1));
    expect(code).not.toMatch(/url:"api\//);
    expect(cacheControl(join(WEB_ROOT, 'sw.js'))).toBe(REVALIDATE);
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.body).toContain('rel="manifest" href="/manifest.webmanifest"');
  });

  it('serves hashed files compressed as the browser accepts, and cached for a year', async () => {
    const raw = readFileSync(join(WEB_ROOT, script));
    const br = await t.app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toContain('javascript');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(raw.length / 2);
    expect(brotliDecompressSync(br.rawPayload).equals(raw)).toBe(true);

    const gzip = await t.app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(gzip.rawPayload).equals(raw)).toBe(true);

    for (const headers of [{}, { 'accept-encoding': 'identity' }]) {
      const plain = await t.app.inject({ method: 'GET', url: script, headers });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.rawPayload.equals(raw)).toBe(true);
    }
  });

  it('compresses API answers of 1 KB or more as accepted, and sends small ones as they are', async () => {
    const plain = await staff.get('/api/plan');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    const br = await staff.request('GET', '/api/plan', undefined, { 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json());
    const gzip = await staff.request('GET', '/api/plan', undefined, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.rawPayload).toString())).toEqual(plain.json());
    const small = await staff.request('GET', '/api/me', undefined, { 'accept-encoding': 'br, gzip' });
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('refuses a compressed request body rather than inflating it', async () => {
    const { gzipSync } = await import('node:zlib');
    const res = await staff.request('POST', '/api/incidents', gzipSync(JSON.stringify(reportBody())), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });

  it('streams live events one by one, uncompressed, to a client that accepts compression', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const req = http.get({ host: '127.0.0.1', port, path: '/api/events/stream', headers: { cookie: staff.session, accept: 'text/event-stream', 'accept-encoding': 'br, gzip, deflate' } });
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => req.on('response', resolve).on('error', reject));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      expect(res.headers['content-encoding']).toBeUndefined();
      let text = '';
      const waiters: (() => void)[] = [];
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters.splice(0)) w();
      });
      const arrived = async (pattern: RegExp) => {
        while (!pattern.test(text)) await new Promise<void>((r) => waiters.push(r));
      };
      // Each event arrives while the stream stays open, before the next one happens: nothing is held back.
      const first = (await staff.post('/api/incidents', reportBody())).json().incident.id as string;
      await arrived(new RegExp(`"incident":"${first}"`));
      expect(res.complete).toBe(false);
      const second = (await staff.post('/api/incidents', reportBody({ venue: 'venue-1' }))).json().incident.id as string;
      await arrived(new RegExp(`"incident":"${second}"`));
      expect(res.complete).toBe(false);
      expect(text.indexOf(first)).toBeLessThan(text.indexOf(second));
    } finally {
      req.destroy();
    }
  });
});

import { readFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import { inspectSitePlan } from '../site-plan.image.js';

/*
 * Venues' site plans: an administrator uploads a PNG, JPEG or SVG; the bytes must be that type
 * and within bounds; the image is stored by its SHA-256 and served to signed-in users only,
 * an SVG sandboxed so a script in it cannot run; incidents' marks are placed on it.
 */

const SVG = readFileSync(new URL('../../../test/fixtures/site-plan.svg', import.meta.url));

/** A valid PNG of this size (grey, uncompressed rows deflated). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The smallest JPEG header naming its size (SOI, APP0, SOF0): enough to read the size. */
function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

const EVIL_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>fetch("/api/me")</script><rect width="100" height="100" onload="alert(1)"/></svg>',
);

describe('what a site plan may be (pure)', () => {
  it('reads the size of PNG, JPEG and SVG (width/height or viewBox)', () => {
    expect(inspectSitePlan(png(640, 480), 'image/png')).toEqual({ ok: true, width: 640, height: 480 });
    expect(inspectSitePlan(jpeg(1024, 768), 'image/jpeg')).toEqual({ ok: true, width: 1024, height: 768 });
    expect(inspectSitePlan(SVG, 'image/svg+xml')).toEqual({ ok: true, width: 800, height: 500 });
    expect(inspectSitePlan(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300.4 200"></svg>'), 'image/svg+xml')).toEqual({ ok: true, width: 300, height: 200 });
  });

  it('refuses bytes that are not the claimed type, a DOCTYPE, and sizes out of bounds', () => {
    const no = (b: Buffer, type: string) => inspectSitePlan(b, type).ok;
    expect(no(png(100, 100), 'image/jpeg')).toBe(false);
    expect(no(jpeg(100, 100), 'image/png')).toBe(false);
    expect(no(SVG, 'image/png')).toBe(false);
    expect(no(Buffer.from('<html><body>hi</body></html>'), 'image/svg+xml')).toBe(false);
    expect(no(Buffer.from('<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"/>'), 'image/svg+xml')).toBe(false);
    expect(no(Buffer.from('<svg width="100" height="100"></svg>'), 'image/svg+xml')).toBe(false); // not in the SVG namespace
    expect(no(Buffer.from([0xff, 0xfe, 0x00]), 'image/svg+xml')).toBe(false); // not UTF-8
    expect(no(png(8, 100), 'image/png')).toBe(false); // too small to read
    expect(no(png(8001, 20), 'image/png')).toBe(false);
    expect(no(jpeg(8000, 8000), 'image/jpeg')).toBe(false); // 64 megapixels
    expect(no(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="100"/>'), 'image/svg+xml')).toBe(false);
    expect(inspectSitePlan(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png')).toMatchObject({ ok: false, reason: { key: 'site_plan.too_large' } });
  });
});

for (const dialect of DIALECTS) {
  describe(`site plans through the API on ${dialect}`, () => {
    let t: TestApp;
    let admin: Client;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect);
      admin = await Client.as(t.app, 'admin', undefined, { lang: 'en' });
      staff = await Client.as(t.app, 'petition-bureau.staff', undefined, { lang: 'en' });
    });
    afterEach(async () => {
      await t.close();
    });

    const upload = (c: Client, body: Buffer, type: string, venue = 'residence', name = 'plan.svg') =>
      c.request('PUT', `/api/org/venues/${venue}/site-plan?name=${encodeURIComponent(name)}`, body, { 'content-type': type });

    it('an administrator uploads an SVG: stored by its SHA-256, named by the venue in a new revision, served to signed-in users', async () => {
      const before = (await admin.get('/api/org')).json().rev;
      const res = await upload(admin, SVG, 'image/svg+xml', 'residence', '县委大院平面图.svg');
      expect(res.statusCode, res.body).toBe(200);
      const { venue, rev } = res.json();
      expect(rev).toBe(before + 1);
      expect(venue.site_plan).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), media_type: 'image/svg+xml', width: 800, height: 500, name: '县委大院平面图.svg' });
      const org = (await staff.get('/api/org')).json();
      expect(org.venues.find((v: { id: string }) => v.id === 'residence').site_plan).toEqual(venue.site_plan);
      // The active plan's organization names it too (what the web UI reads).
      expect((await staff.get('/api/plan')).json().organization.venues.find((v: { id: string }) => v.id === 'residence').site_plan.sha256).toBe(venue.site_plan.sha256);
      const image = await staff.get(`/api/site-plans/${venue.site_plan.sha256}`);
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/svg+xml');
      expect(image.rawPayload.equals(SVG)).toBe(true);
      // The same bytes again: one stored image, the same reference.
      const again = await upload(admin, SVG, 'image/svg+xml', 'venue-1', 'plan.svg');
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json().venue.site_plan.sha256).toBe(venue.site_plan.sha256);
    });

    it('PNG and JPEG too; taking the plan off keeps the image (marks name it)', async () => {
      const p = await upload(admin, png(400, 300), 'image/png', 'residence', 'plan.png');
      expect(p.statusCode, p.body).toBe(200);
      expect(p.json().venue.site_plan).toMatchObject({ media_type: 'image/png', width: 400, height: 300 });
      const j = await upload(admin, jpeg(1200, 900), 'image/jpeg', 'residence', 'plan.jpg');
      expect(j.statusCode, j.body).toBe(200);
      expect(j.json().venue.site_plan).toMatchObject({ media_type: 'image/jpeg', width: 1200, height: 900 });
      const off = await admin.request('DELETE', '/api/org/venues/residence/site-plan');
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().venue).not.toHaveProperty('site_plan');
      expect((await staff.get(`/api/site-plans/${j.json().venue.site_plan.sha256}`)).statusCode).toBe(200);
    });

    it('refuses a wrong type, bytes that are not the claimed type, a file too big, and an unknown venue; nothing is saved', async () => {
      const rev = (await admin.get('/api/org')).json().rev;
      const gif = await upload(admin, Buffer.from('GIF89a'), 'image/gif');
      expect(gif.statusCode).toBe(415); // no parser takes it
      const text = await upload(admin, Buffer.from('<svg/>'), 'text/plain');
      expect(text.statusCode).toBe(400);
      expect(text.json().error.message).toMatch(/PNG, JPEG or SVG/);
      const lie = await upload(admin, SVG, 'image/png');
      expect(lie.statusCode).toBe(400);
      expect(lie.json().error.message).toMatch(/PNG, JPEG or SVG/);
      const big = await upload(admin, Buffer.concat([png(100, 100), Buffer.alloc(5 * 1024 * 1024)]), 'image/png');
      expect(big.statusCode).toBe(400);
      expect(big.json().error.message).toMatch(/at most 5 MB/);
      const bigSvg = await upload(admin, Buffer.alloc(5 * 1024 * 1024 + 1, 0x20), 'image/svg+xml');
      expect(bigSvg.statusCode).toBe(413);
      const huge = await upload(admin, png(8100, 16), 'image/png');
      expect(huge.statusCode).toBe(400);
      expect(huge.json().error.message).toMatch(/pixels/);
      expect((await upload(admin, SVG, 'image/svg+xml', 'nowhere')).statusCode).toBe(404);
      expect((await admin.get('/api/org')).json().rev).toBe(rev);
    });

    it('only an administrator uploads or takes a plan off', async () => {
      expect((await upload(staff, SVG, 'image/svg+xml')).statusCode).toBe(403);
      expect((await staff.request('DELETE', '/api/org/venues/residence/site-plan')).statusCode).toBe(403);
    });

    it('an SVG with a script is served sandboxed (no script runs, nothing loads) and never sniffed; only to signed-in users', async () => {
      const res = await upload(admin, EVIL_SVG, 'image/svg+xml');
      expect(res.statusCode, res.body).toBe(200);
      const sha = res.json().venue.site_plan.sha256;
      const image = await staff.get(`/api/site-plans/${sha}`);
      expect(image.statusCode).toBe(200);
      const csp = String(image.headers['content-security-policy']);
      expect(csp).toMatch(/(^|; )sandbox(;|$)/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).not.toMatch(/script-src/);
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(image.headers['content-type']).toBe('image/svg+xml');
      const anonymous = await t.app.inject({ method: 'GET', url: `/api/site-plans/${sha}` });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.body).not.toContain('<script>');
      expect((await staff.get(`/api/site-plans/${'0'.repeat(64)}`)).statusCode).toBe(404);
      expect((await staff.get('/api/site-plans/not-a-hash')).statusCode).toBe(400);
    });

    it('staff report with the crowd marked on the plan, then move it; the incident shows the latest marks and the timeline both', async () => {
      const sha = (await upload(admin, SVG, 'image/svg+xml')).json().venue.site_plan.sha256;
      const created = await staff.post('/api/incidents', reportBody({ headcount: 120, site_plan: sha, marks: [{ kind: 'crowd', x: 0.5, y: 0.9, label: '大门' }] }));
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().incident.id;
      expect(created.json().marks).toMatchObject({ site_plan: sha, marks: [{ kind: 'crowd', x: 0.5, y: 0.9, label: '大门' }] });
      const moved = await staff.post(`/api/incidents/${id}/commands`, { do: 'place', site_plan: sha, marks: [{ kind: 'crowd', x: 0.5, y: 0.6 }, { kind: 'police', x: 0.45, y: 0.85 }] });
      expect(moved.statusCode, moved.body).toBe(200);
      const view = (await staff.get(`/api/incidents/${id}`)).json();
      expect(view.marks.marks).toEqual([{ kind: 'crowd', x: 0.5, y: 0.6 }, { kind: 'police', x: 0.45, y: 0.85 }]);
      const events = (await staff.get(`/api/incidents/${id}/events`)).json() as { type: string }[];
      expect(events.filter((e) => e.type === 'marks_placed')).toHaveLength(2);
      // The board's card carries the marks (to open the plan on demand); a card without marks has none.
      const other = (await staff.post('/api/incidents', reportBody())).json().incident.id;
      const cards = (await staff.get('/api/board')).json().cards as { id: string; marks?: unknown }[];
      expect(cards.find((c) => c.id === id)!.marks).toMatchObject({ site_plan: sha, marks: [{ kind: 'crowd' }, { kind: 'police' }] });
      expect(cards.find((c) => c.id === other)).not.toHaveProperty('marks');
      const bad = await staff.post(`/api/incidents/${id}/commands`, { do: 'place', site_plan: sha, marks: [{ kind: 'crowd', x: 2, y: 0.5 }] });
      expect(bad.statusCode).toBe(400);
      // Marks on a plan that is not stored are refused before anything is recorded.
      const version = (await staff.get(`/api/incidents/${id}`)).json().incident.version;
      const nowhere = await staff.post(`/api/incidents/${id}/commands`, { do: 'place', site_plan: 'f'.repeat(64), marks: [{ kind: 'crowd', x: 0.5, y: 0.5 }] });
      expect(nowhere.statusCode).toBe(400);
      expect(nowhere.json().error.message).toMatch(/no such site plan/);
      expect((await staff.post('/api/incidents', reportBody({ site_plan: 'f'.repeat(64), marks: [{ kind: 'crowd', x: 0.5, y: 0.5 }] }))).statusCode).toBe(400);
      expect((await staff.get(`/api/incidents/${id}`)).json().incident.version).toBe(version);
    });
  });
}

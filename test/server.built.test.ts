import { existsSync, readdirSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from './support/databases.js';
import { HttpClient, startServerProcess, type ServerProcess } from './support/process.js';

/*
 * The server as `npm start` runs it: `bin/yingji.js`, which runs the one-file bundle
 * dist/yingji.mjs built by `npm run build`. What a bundle could break is what finds files by
 * its own location (the plan, the drill scenarios, the web UI, the API docs' assets), the SQLite
 * worker thread, and the packages left outside it and loaded on first use (DOCX, XLSX).
 */

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }
});

async function start(db: string): Promise<ServerProcess> {
  const s = await startServerProcess(['--demo', '--db', db]);
  running.push(s);
  return s;
}

async function fetchAs(client: HttpClient, path: string): Promise<Response> {
  return fetch(`${client.base}${path}`, { headers: { cookie: client.cookieHeader } });
}

describe('the built server (bin/yingji.js → dist/yingji.mjs)', { timeout: 180_000 }, () => {
  it('is built as one bundle that bin/yingji.js runs', () => {
    expect(existsSync('dist/yingji.mjs'), 'npm run build writes dist/yingji.mjs').toBe(true);
    // bin/yingji.js runs the compiled modules instead when they are newer (only tsc was run).
    expect(statSync('dist/yingji.mjs').mtimeMs, 'the bundle is as new as the compiled modules').toBeGreaterThanOrEqual(statSync('dist/cli/main.js').mtimeMs);
  });

  it('serves the API, the web UI, the API docs, drills and documents; a restart reads the stored plan', async () => {
    const { url: db } = await freshDatabase('sqlite');
    const server = await start(db);
    // The API, on the database behind the SQLite thread.
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'sqlite' });
    const admin = await HttpClient.login(server.url, 'admin');
    const plan = await admin.get<{ digest: string }>('/api/plan');
    expect(plan.digest).toMatch(/^sha256:/);

    // The web UI (dist/web) and a page path answered with its index.
    for (const path of ['/', '/incidents']) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/^<!doctype html>/i);
    }
    // The API docs: the page, its assets (beside @fastify/swagger-ui's code) and the document.
    const docs = await fetch(`${server.url}/api/docs/`);
    expect(docs.status).toBe(200);
    const asset = /src="\.\/(static\/[^"]+\.js)"/.exec(await docs.text());
    expect(asset, 'the docs page loads its script').not.toBeNull();
    expect((await fetch(`${server.url}/api/docs/${asset![1]}`)).status).toBe(200);
    expect(((await (await fetch(`${server.url}/api/openapi.json`)).json()) as { openapi: string }).openapi).toMatch(/^3\./);

    // The drill scenarios shipped in scenarios/, and one of them run.
    const shipped = readdirSync('scenarios').filter((f) => /\.ya?ml$/.test(f)).sort();
    const scenarios = await admin.get<{ file: string; valid: boolean }[]>('/api/drills/scenarios');
    expect(scenarios.map((s) => s.file).sort()).toEqual(shipped);
    const drill = await admin.post('/api/drills', { scenario: scenarios.find((s) => s.valid)!.file });
    expect(drill.status).toBe(200);
    const saved = await admin.post('/api/drills/reports', { scenario: scenarios.find((s) => s.valid)!.file });
    expect(saved.status).toBe(201);

    // Documents made by packages loaded on first use: a DOCX report and an XLSX workbook (zip files).
    const year = new Date().getFullYear();
    for (const path of [`/api/drills/reports/${saved.body.id}/report.docx`, `/api/reports/assessment.xlsx?year=${year}`]) {
      const res = await fetchAs(admin, path);
      expect(res.status, path).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString(), path).toBe('PK');
    }

    // A restart: the plan comes from its stored snapshot, the same plan.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const again = await start(db);
    const admin2 = await HttpClient.login(again.url, 'admin');
    expect((await admin2.get<{ digest: string }>('/api/plan')).digest).toBe(plan.digest);
    expect((await admin2.post('/api/drills', { scenario: shipped[0] })).status).toBeLessThan(500);
  });
});

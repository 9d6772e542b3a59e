import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, DEMO_PASSWORD, testApp, type TestApp } from '../../test/support/server.js';
import { WEB_ROOT } from './app.js';
import { readConfig } from './config.js';
import { startServer, type RunningServer } from './server.js';

/*
 * Security headers on every kind of response, and the trust-proxy setting: which address the
 * sign-in limits see behind a reverse proxy, and that a client cannot pick it otherwise.
 */

const expectSecurityHeaders = (res: LightMyRequestResponse | Response, what: string) => {
  const get = (name: string) => (res instanceof Response ? res.headers.get(name) : (res.headers[name] as string | undefined)) ?? '';
  const csp = get('content-security-policy');
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "worker-src 'self'", "manifest-src 'self'"]) {
    expect(csp, `${what}: ${directive}`).toContain(directive);
  }
  expect(csp, what).not.toContain('upgrade-insecure-requests');
  expect(get('x-content-type-options'), what).toBe('nosniff');
  expect(get('referrer-policy'), what).toBe('no-referrer');
  expect(get('x-frame-options'), what).toBe('DENY');
};

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('are on API answers, pages, files and the API docs', async () => {
    const staff = await Client.as(t.app, 'petition-bureau.staff');
    expectSecurityHeaders(await staff.get('/api/incidents'), 'API');
    expectSecurityHeaders(await t.app.inject({ method: 'GET', url: '/healthz' }), '/healthz');
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode, `the web UI is built into ${WEB_ROOT}`).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expectSecurityHeaders(page, 'index page');
    expectSecurityHeaders(await t.app.inject({ method: 'GET', url: '/incidents/some-id' }), 'client-side route');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    const asset = await t.app.inject({ method: 'GET', url: script });
    expect(asset.statusCode).toBe(200);
    expectSecurityHeaders(asset, 'script file');
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expectSecurityHeaders(docs, 'API docs');
  });

  it('are on error answers too', async () => {
    const answers: [string, LightMyRequestResponse, number][] = [
      ['404 API', await t.app.inject({ method: 'GET', url: '/api/nothing-here' }), 404],
      ['404 file', await t.app.inject({ method: 'GET', url: '/assets/missing.js' }), 404],
      ['401', await t.app.inject({ method: 'GET', url: '/api/incidents' }), 401],
      ['400 bad JSON', await t.app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' }), 400],
      ['400 schema', await t.app.inject({ method: 'POST', url: '/api/login', payload: { username: '' } }), 400],
      ['415', await t.app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/x-unknown' }, payload: 'x' }), 415],
      // Refused by the framework before any hook runs.
      ['400 malformed URL', await t.app.inject({ method: 'GET', url: '/api/incidents/%E0%A4%A' }), 400],
      ['414 long parameter', await t.app.inject({ method: 'GET', url: `/api/incidents/${'x'.repeat(200_000)}` }), 414],
    ];
    const staff = await Client.as(t.app, 'petition-bureau.staff');
    answers.push(['403 csrf', await staff.post('/api/incidents', {}, { 'x-csrf-token': 'wrong' }), 403]);
    for (const [what, res, status] of answers) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
      expect(res.json().error.code, what).toEqual(expect.any(String));
      expectSecurityHeaders(res, what);
    }
  });
});

describe('trust proxy', () => {
  it('is off unless configured, takes proxy addresses or ranges, and refuses anything else', () => {
    const env = {};
    const read = (trustProxy?: string, e: NodeJS.ProcessEnv = env) => readConfig(trustProxy === undefined ? {} : { trustProxy }, e);
    expect(read()).toMatchObject({ config: { trustProxy: false } });
    expect(read(undefined, { YINGJI_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' })).toMatchObject({ config: { trustProxy: ['127.0.0.1', '10.0.0.0/8', '::1'] } });
    expect(read('loopback')).toMatchObject({ config: { trustProxy: ['loopback'] } });
    expect(read('true')).toMatchObject({ config: { trustProxy: true } });
    expect(read('false', { YINGJI_TRUST_PROXY: 'true' })).toMatchObject({ config: { trustProxy: false } });
    for (const bad of ['1', 'nginx', '10.0.0.0/33', '10.0.0.1/8/8']) {
      const r = read(bad);
      expect('errors' in r && r.errors.join(), bad).toMatch(/^trustProxy\.0: YINGJI_TRUST_PROXY: ".+" is not an address/);
    }
  });

  it('without it, X-Forwarded-For is ignored: a client cannot pick the address it is limited under', async () => {
    const t = await testApp('sqlite');
    try {
      const login = (xff: string) =>
        t.app.inject({ method: 'POST', url: '/api/login', remoteAddress: '10.0.0.66', headers: { 'x-forwarded-for': xff }, payload: { username: 'admin', password: 'wrong' } });
      for (let i = 0; i < 5; i++) expect((await login(`203.0.113.${i}`)).statusCode).toBe(401);
      expect((await login('203.0.113.99')).statusCode).toBe(429);
    } finally {
      await t.close();
    }
  });

  describe('behind a trusted proxy', () => {
    let server: RunningServer;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'yingji-proxy-'));
      const read = readConfig(
        { port: 0, host: '127.0.0.1', db: `sqlite:${join(dir, 'yingji.db')}`, demo: true, trustProxy: '127.0.0.1' },
        { YINGJI_DEMO_PASSWORD: DEMO_PASSWORD, YINGJI_LOG_LEVEL: 'silent' },
      );
      if (!('config' in read)) throw new Error(read.errors.join('\n'));
      server = await startServer(read.config);
    });
    afterAll(async () => {
      await server?.stop();
    });

    const login = (client: string, password: string, proto = 'http') =>
      fetch(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client, 'x-forwarded-proto': proto },
        body: JSON.stringify({ username: 'admin', password }),
      });

    it('the sign-in limits see the client address the proxy names, and cookies are Secure over HTTPS', async () => {
      for (let i = 0; i < 5; i++) expect((await login('203.0.113.5', `wrong-${i}`)).status).toBe(401);
      const throttled = await login('203.0.113.5', 'wrong-6');
      expect(throttled.status).toBe(429);
      expectSecurityHeaders(throttled, '429');
      // Another client behind the same proxy is not slowed by the first one's failures.
      expect((await login('203.0.113.6', 'wrong')).status).toBe(401);
      const ok = await login('203.0.113.7', DEMO_PASSWORD, 'https');
      expect(ok.status).toBe(200);
      const cookies = ok.headers.getSetCookie();
      expect(cookies.find((c) => c.startsWith('yingji_session='))).toMatch(/; Secure/);
      expect(cookies.find((c) => c.startsWith('yingji_device='))).toMatch(/; Secure/);
    }, 60_000);
  });
});

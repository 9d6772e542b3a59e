import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../test/support/server.js';

describe('the API documents itself', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves an OpenAPI document generated from the request schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/login', '/api/incidents', '/api/incidents/{id}/commands', '/api/events/stream', '/api/track/{code}', '/api/plans']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    // The command body is the zod command union: every `do` of contract §1 is documented.
    const body = JSON.stringify(doc.paths['/api/incidents/{id}/commands'].post.requestBody);
    for (const name of ['headcount', 'guide', 'persuade', 'escalate', 'ack', 'arrive', 'leave', 'approve_measure', 'clear', 'close']) {
      expect(body).toContain(`"${name}"`);
    }
  });

  it('has a browsable docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('takes an empty body sent as JSON as no body (POST /api/logout)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/logout', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'POST', url: '/api/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('bad_request');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});

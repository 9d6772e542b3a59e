import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../engine/limits.js';
import { eventsRepository } from '../../store/events.repository.js';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/*
 * Bad input gets a clear 4xx and leaves nothing behind: events are never deleted, so every
 * string of a command or request body is bounded, ids shortly, lists in size and without
 * repeats; JSON bodies stay under ~1 MB while evidence files keep their own limit; an empty
 * PATCH is a 400; YAML with an alias bomb is an invalid plan or scenario, located.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const JSON_TYPE = { 'content-type': 'application/json' };

/** A YAML document whose aliases expand nine-fold per level. */
const BOMB = [
  'name: bomb',
  'start: 2026-03-02T09:00:00+08:00',
  'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
  'steps: [*f]',
  '',
].join('\n');

for (const dialect of DIALECTS) {
  describe(`bounded input on ${dialect}`, () => {
    let t: TestApp;
    let admin: Client;
    let staff: Client;

    beforeEach(async () => {
      t = await testApp(dialect, T0);
      // Asked in English: these tests read how each refusal names the field or line at fault.
      admin = await Client.as(t.app, 'admin', undefined, { lang: 'en' });
      staff = await Client.as(t.app, 'petition-bureau.staff', undefined, { lang: 'en' });
    });
    afterEach(async () => {
      await t.close();
    });

    const logLength = async () => (await eventsRepository.head(t.store.db)).seq;
    const expect400 = (res: { statusCode: number; body: string }, path?: RegExp) => {
      expect(res.statusCode, res.body).toBe(400);
      const error = JSON.parse(res.body).error;
      expect(error.code).toBe('bad_request');
      if (path) expect(error.message).toMatch(path);
    };

    it('PATCH with an empty body answers 400 and changes nothing', async () => {
      const person = (await admin.post('/api/org/people', { name: '测试', unit_id: 'town-tanggou' })).json();
      const rev = (await admin.get('/api/org')).json().rev;
      for (const url of [`/api/org/people/${person.id}`, '/api/org/units/town-tanggou', '/api/org/venues/residence']) {
        const res = await admin.request('PATCH', url, {});
        expect400(res, /at least one field/);
      }
      expect((await admin.get('/api/org')).json().rev).toBe(rev);
      // A PATCH that changes a field still works.
      const renamed = await admin.request('PATCH', `/api/org/people/${person.id}`, { name: '测试二' });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json().name).toBe('测试二');
    });

    it('free text, ids and lists of commands are bounded, and a refused command writes nothing', async () => {
      const long = 'x'.repeat(LIMITS.text + 1);
      const before = await logLength();
      expect400(await staff.post('/api/incidents', reportBody({ matter: long })), /matter/);
      expect400(await staff.post('/api/incidents', reportBody({ venue: 'v'.repeat(LIMITS.id + 1) })), /venue/);
      expect400(await staff.post('/api/incidents', reportBody({ units: ['town-tanggou', 'town-tanggou'] })), /units.*listed twice/);
      expect400(await staff.post('/api/incidents', reportBody({ units: Array.from({ length: LIMITS.list + 1 }, (_, i) => `town-${i}`) })), /units/);
      expect400(await staff.post('/api/incidents', reportBody({ behaviors: ['banner', 'banner'] })), /behaviors/);
      expect400(await staff.post('/api/incidents', reportBody({ units: [`t${'x'.repeat(LIMITS.id)}`] })), /units/);
      expect(await logLength()).toBe(before);

      const created = await staff.post('/api/incidents', reportBody({ matter: 'x'.repeat(LIMITS.text) }));
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id;
      const leader = await Client.as(t.app, 'working-group.leader', undefined, { lang: 'en' });
      const after = await logLength();
      expect400(await staff.post(`/api/incidents/${id}/commands`, { do: 'note', text: long }), /text/);
      expect400(await leader.post(`/api/incidents/${id}/commands`, { do: 'request_measure', id: 'm'.repeat(LIMITS.id + 1), kind: 'warning', basis: '《治安管理处罚法》' }), /id/);
      expect400(await leader.post(`/api/incidents/${id}/commands`, { do: 'request_measure', id: 'm1', kind: 'warning', basis: long }), /basis/);
      expect400(await leader.post(`/api/incidents/${id}/commands`, { do: 'escalate', reason: long }), /reason/);
      expect400(await leader.post(`/api/incidents/${id}/commands`, { do: 'ack', role: `town-tanggou/${'p'.repeat(LIMITS.role)}` }), /role/);
      expect(await logLength()).toBe(after);

      // Cases and the register too.
      expect400(await staff.post('/api/cases', { matter: long, units: ['town-tanggou'] }), /matter/);
      expect400(await staff.post('/api/cases', { matter: '反映拖欠工资', units: ['town-tanggou', 'town-tanggou'] }), /units/);
      expect400(await admin.post('/api/risks', { unit: `u${'x'.repeat(LIMITS.id)}`, matter: '欠薪', place: '工业园', affected: 10 }), /unit/);
      expect400(await admin.post('/api/risks', { unit: 'town-tanggou', matter: '欠薪', place: 'p'.repeat(LIMITS.short + 1), affected: 10 }), /place/);
      expect(await logLength()).toBe(after);
    });

    it('request bodies of the organization and accounts are bounded too', async () => {
      const rev = (await admin.get('/api/org')).json().rev;
      expect400(await admin.post('/api/org/units', { id: 'town-new', kind: 'township', name: { zh: '新'.repeat(LIMITS.short + 1), en: 'New' } }), /name/);
      expect400(await admin.post('/api/org/units', { id: 'town-new', kind: 'township', name: { zh: '新镇', en: 'New' }, positions: ['principal', 'principal'] }), /positions/);
      expect400(await admin.post('/api/org/venues', { id: 'venue-9', kind: 'activity', name: { zh: '场所', en: 'Venue' }, address: 'a'.repeat(LIMITS.short + 1) }), /address/);
      expect400(await admin.post('/api/users', { username: 'someone', password: '0123456789ab', person_id: 'p'.repeat(LIMITS.id + 1) }), /person_id/);
      expect((await admin.get('/api/org')).json().rev).toBe(rev);

      const people = (await admin.get('/api/org/people')).json().length;
      const csv = ['id,name,unit_id', `${'i'.repeat(LIMITS.id + 1)},钱七,town-fushan`, `,${'名'.repeat(101)},town-fushan`].join('\n');
      const res = await admin.post('/api/org/people.csv', csv, { 'content-type': 'text/csv' });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.errors).toEqual([`line 2: id is longer than ${LIMITS.id} characters`, 'line 3: name is longer than 100 characters']);
      expect((await admin.get('/api/org/people')).json()).toHaveLength(people);
    });

    it('a NUL character anywhere in a request is a 400 (PostgreSQL text cannot hold it), as is an over-long path', async () => {
      const before = await logLength();
      expect400(await staff.post('/api/incidents', reportBody({ matter: 'a\u0000b' })), /NUL/);
      expect400(await staff.post('/api/incidents', { ...reportBody(), 'x\u0000': 1 }), /NUL/);
      expect400(await admin.post('/api/org/people.csv', 'name,unit_id\n钱\u0000七,town-fushan\n', { 'content-type': 'text/csv' }), /NUL/);
      expect400(await staff.get('/api/incidents/a%00b'), /NUL/);
      expect400(await staff.get('/api/cases/x/personal?purpose=%00'), /NUL/);
      expect(await logLength()).toBe(before);
      // A literal backslash-u in text is just text.
      const literal = await staff.post('/api/incidents', reportBody({ matter: 'see \\u0000 in the log' }));
      expect(literal.statusCode, literal.body).toBe(201);
      const long = await staff.post(`/api/incidents/${'x'.repeat(300)}/commands`, { do: 'clear' });
      expect(long.statusCode).toBe(414);
      expect(long.json().error).toEqual({ code: 'bad_request', message: expect.any(String) });
    });

    it('a JSON body over ~1 MB answers 413; an evidence file keeps its own, larger limit', async () => {
      const huge = JSON.stringify(reportBody({ matter: 'x'.repeat(LIMITS.body) }));
      const before = await logLength();
      const tooLarge = await staff.post('/api/incidents', huge, JSON_TYPE);
      expect(tooLarge.statusCode).toBe(413);
      expect(tooLarge.json().error).toEqual({ code: 'bad_request', message: expect.any(String) });
      expect(await logLength()).toBe(before);

      const id = (await staff.post('/api/incidents', reportBody())).json().id;
      // A JSON body sent to the upload route is held to the JSON limit as well.
      expect((await staff.post(`/api/incidents/${id}/attachments?name=x.json`, huge, JSON_TYPE)).statusCode).toBe(413);
      const photo = Buffer.alloc(2 * LIMITS.body, 7);
      const attached = await staff.post(`/api/incidents/${id}/attachments?name=photo.png`, photo, { 'content-type': 'image/png' });
      expect(attached.statusCode, attached.body).toBe(201);
      expect(attached.json().attachment).toMatchObject({ size: photo.length, media_type: 'image/png' });
    });

    it('an alias bomb in an uploaded scenario or plan is 400 invalid_scenario / invalid_plan, located', async () => {
      const drill = await staff.post('/api/drills', { source: BOMB, name: 'bomb.yaml' });
      expect(drill.statusCode, drill.body).toBe(400);
      expect(drill.json().error).toMatchObject({ code: 'invalid_scenario', errors: [{ file: 'bomb.yaml', line: 4, column: 8, message: expect.stringMatching(/too many alias expansions/) }] });

      const saved = await staff.post('/api/drills/reports', { source: BOMB });
      expect(saved.statusCode).toBe(400);
      expect(saved.json().error.code).toBe('invalid_scenario');

      const plan = await admin.post('/api/plans', { source: BOMB, name: 'bomb.yaml' });
      expect(plan.statusCode, plan.body).toBe(400);
      expect(plan.json().error).toMatchObject({ code: 'invalid_plan', errors: [{ file: 'bomb.yaml', line: 4, col: 8, message: expect.stringMatching(/too many alias expansions/) }] });

      const deep = await staff.post('/api/drills', { source: `name: x\nsteps: ${'['.repeat(50_000)}\n` });
      expect(deep.statusCode).toBe(400);
      expect(deep.json().error).toMatchObject({ code: 'invalid_scenario', errors: [{ line: 2, message: expect.stringMatching(/nested too deeply/) }] });
      const unresolved = await admin.post('/api/plans', { source: 'id: *nowhere\n' });
      expect(unresolved.statusCode).toBe(400);
      expect(unresolved.json().error).toMatchObject({ code: 'invalid_plan', errors: [{ line: 1, col: 5 }] });

      expect((await staff.get('/healthz')).statusCode).toBe(200);
    });
  });
}

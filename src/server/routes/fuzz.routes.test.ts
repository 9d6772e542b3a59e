import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_FILE } from '../../plan/plan.loader.js';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp } from '../../../test/support/server.js';
import { SCENARIO_DIR } from './drills.routes.js';

/*
 * A seeded, bounded fuzz of every POST, PATCH and PUT route of the OpenAPI document: random
 * JSON, mutated valid bodies (fields dropped, replaced, stretched, repeated, added), malformed
 * JSON and odd path parameters. Any 5xx fails, and so does a 4xx that is not the API's error
 * shape. Afterwards the server is healthy, still takes a valid report, and the audit chain of
 * the permanent log verifies.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const SEED = 1_000_010;
/** Generated bodies per route (plus every malformed body once). */
const RUNS = 24;
const JSON_TYPE = { 'content-type': 'application/json' };

/** YAML whose aliases expand nine-fold per level, and YAML nested past any parser's stack. */
const YAML_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`), 'steps: [*g]'].join('\n');
const YAML_DEEP = `steps: ${'['.repeat(20_000)}`;

/** Values that break careless code: empty, huge, odd characters, odd numbers, odd shapes. */
const SPECIALS: unknown[] = [
  YAML_BOMB, YAML_DEEP, 'a: *nowhere',
  '', ' ', '\n', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '𠮷'.repeat(3_000), 'x'.repeat(4_001), 'x'.repeat(65), '١٢٣', '１３８１２３４５６７８',
  '../../etc/passwd', '%00', '<script>alert(1)</script>', "'; drop table events; --", '__proto__', 'constructor',
  'town-tanggou', 'town-tanggou/principal', 'working-group/leader', 'residence', 'm1', '2026-03-02T09:00:00+08:00', '2026-02-30', 'sha256:0',
  -1, 0, 1, 1.5, -0.5, 1e21, 9_007_199_254_740_993, Number.MAX_SAFE_INTEGER, true, false, null, [], {}, [[]], [{}],
  ['town-tanggou', 'town-tanggou'], Array.from({ length: 60 }, (_, i) => `town-${i}`), { zh: '', en: '' }, { zh: 'x'.repeat(300), en: 'y' },
];
/** Each field of a route's first sample is set to each of these in turn. */
const SWEEP: unknown[] = [YAML_BOMB, YAML_DEEP, '', '\u0000', 'x\ud800', 'x'.repeat(600_000), null, -1, ['town-tanggou', 'town-tanggou'], { a: [{}] }];

/** Bodies that are not the JSON they claim to be, or JSON at its edges. */
const MALFORMED = [
  '', '{}', '{', '[1,', '{"a":}', 'null', '"text"', '42', 'true', '[]', '\u0000', '{"a":"\\u0000"}', '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}', `${'['.repeat(60_000)}${']'.repeat(60_000)}`, `${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}`,
  '{"do":"note","text":"\\ud800"}', `{"matter":"${'x'.repeat(1_100_000)}"}`,
];

type Op = { method: 'POST' | 'PATCH' | 'PUT'; path: string };
type Mutation = { kind: 'set' | 'delete' | 'add' | 'dup' | 'splice'; at: number; key: string; value: unknown };

/** Every container (object or array) of a value, root first. */
function containers(v: unknown, out: (Record<string, unknown> | unknown[])[] = []): (Record<string, unknown> | unknown[])[] {
  if (v && typeof v === 'object') {
    out.push(v as Record<string, unknown>);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

/** Sets an own property, even one named `__proto__`. */
const put = (o: Record<string, unknown>, key: string, value: unknown) => Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/** Applies one mutation to a copy of a body. */
function mutate(body: unknown, m: Mutation): unknown {
  const copy = structuredClone(body);
  const all = containers(copy);
  if (!all.length) return m.value;
  const target = all[m.at % all.length]!;
  const keys = Object.keys(target);
  const key = keys.length ? keys[m.at % keys.length]! : m.key;
  const slot = (Array.isArray(target) ? Number(key) : key) as never;
  switch (m.kind) {
    case 'set':
      if (Array.isArray(target)) target[slot] = m.value;
      else put(target, key, m.value);
      break;
    case 'delete':
      if (Array.isArray(target)) target.splice(slot, 1);
      else delete target[key];
      break;
    case 'add':
      if (Array.isArray(target)) target.push(m.value);
      else put(target, m.key, m.value);
      break;
    case 'dup':
      if (Array.isArray(target)) target.push(structuredClone(target[0] ?? m.value));
      else put(target, `${key}_again`, structuredClone(target[key]));
      break;
    case 'splice': {
      const old = (target as Record<string, unknown>)[key];
      const text = typeof old === 'string' ? old : JSON.stringify(old) ?? '';
      const at = m.at % (text.length + 1);
      const spliced = `${text.slice(0, at)}${typeof m.value === 'string' ? m.value.slice(0, 200) : JSON.stringify(m.value)}${text.slice(at)}`;
      if (Array.isArray(target)) target[slot] = spliced;
      else put(target, key, spliced);
      break;
    }
  }
  return copy;
}

const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => 'x'.repeat(n)) },
);
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add', 'dup', 'splice'),
  at: fc.nat(1_000),
  key: fc.constantFrom('name', 'phone', 'id_number', 'do', 'extra', '__proto__', 'units', 'matter', 'personal', 'admin'),
  value: anyValue,
});
/** Random JSON, a valid body, or a valid body with one to four mutations. */
const bodies = (samples: unknown[]) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([s, ms]) => ms.reduce(mutate, s)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(...samples) },
  );
/** A path parameter: usually a real one, sometimes anything. */
const param = (real: string) => fc.oneof({ weight: 3, arbitrary: fc.constant(real) }, { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...SPECIALS.filter((v) => typeof v === 'string'))) });

for (const dialect of DIALECTS) {
  describe(`fuzzing the write routes on ${dialect}`, () => {
    it('no body or path gets a 5xx; afterwards the server is healthy and the audit chain verifies', async () => {
      const t = await testApp(dialect, T0);
      try {
        const admin = await Client.as(t.app, 'admin');
        const staff = await Client.as(t.app, 'petition-bureau.staff');
        const leader = await Client.as(t.app, 'working-group.leader');
        const ok = async (res: Promise<{ statusCode: number; body: string }>, status = 201) => {
          const r = await res;
          expect(r.statusCode, r.body).toBe(status);
          return JSON.parse(r.body);
        };

        // Something real for every path parameter.
        const incident = await ok(staff.post('/api/incidents', reportBody({ headcount: 12 })));
        const kase = await ok(staff.post('/api/cases', { matter: '反映拖欠工资', units: ['town-tanggou'], personal: { name: '张三', phone: '13800000000' } }));
        const risk = await ok(admin.post('/api/risks', { unit: 'town-tanggou', matter: '某企业拖欠工资', place: '工业园', affected: 40 }));
        const person = await ok(admin.post('/api/org/people', { name: '测试', unit_id: 'town-fushan' }));
        const position = await ok(admin.post('/api/org/positions', { person_id: person.id, role: 'town-fushan/principal' }));
        const planVersion = (await ok(admin.get('/api/plans'), 200))[0].id as string;
        const params: Record<string, string> = {
          '/api/incidents/{id}': incident.id,
          '/api/cases/{id}': kase.id,
          '/api/risks/{id}': risk.id,
          '/api/org/units/{id}': 'town-fushan',
          '/api/org/venues/{id}': 'venue-2',
          '/api/org/people/{id}': person.id,
          '/api/org/positions/{id}': position.id,
          '/api/plans/{id}': planVersion,
          '/api/track/{code}': kase.tracking_code,
        };
        const realParam = (path: string) => Object.entries(params).find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'no-such-id';

        const scenario = readFileSync(join(SCENARIO_DIR, 'crowd-grows-at-residence.yaml'), 'utf8');
        const role = 'town-tanggou/principal';
        const SAMPLES: Record<string, unknown[]> = {
          'POST /api/login': [{ username: 'nobody', password: 'not-the-password' }],
          'POST /api/incidents': [reportBody({ behaviors: ['banner'], category: 'suggestion' })],
          'POST /api/incidents/{id}/commands': [
            { do: 'headcount', value: 30 }, { do: 'behavior', kind: 'sit_in' }, { do: 'guide', result: 'failed' }, { do: 'persuade', result: 'failed' },
            { do: 'escalate', reason: '人数增加' }, { do: 'ack', role }, { do: 'arrive', role }, { do: 'leave', role }, { do: 'note', text: '现场平稳' },
            { do: 'mark_major', reason: '复杂' }, { do: 'mark_concluded' }, { do: 'request_measure', id: 'm1', kind: 'take_items', basis: '《治安管理处罚法》' },
            { do: 'approve_measure', id: 'm1', by: 'county-government/leader' }, { do: 'decline_measure', id: 'm1', by: 'county-party/leader', reason: '不必要' },
            { do: 'take_measure', id: 'm1' }, { do: 'clear' }, { do: 'close' },
          ],
          'POST /api/cases': [{ matter: '反映征地补偿问题', units: ['town-tanggou', 'dept-housing'], headcount: 6, representatives: 2, personal: { name: '李四', phone: '13900000000', representatives: ['王五'] } }],
          'POST /api/cases/{id}/commands': [
            { do: 'accept' }, { do: 'not_accept', reason: '不属于受理范围', channel: 'litigation' }, { do: 'forward', to: 'dept-housing', reason: '职责' },
            { do: 'object', reason: '不属本单位' }, { do: 'extend', days: 30, reason: '情况复杂', approved_by: role },
            { do: 'schedule_reception', on: '2026-03-05', place: '信访局接待室', units: ['town-tanggou'], leader: 'county-government/leader' },
            { do: 'record_reception', summary: '已接待' }, { do: 'hand_over', note: '移交' }, { do: 'opinion', kind: 'supports', text: '支持' },
            { do: 'reply' }, { do: 'rate', value: 'satisfied', comment: '好' }, { do: 'request_review' }, { do: 'decide_review', result: 'upheld', text: '维持' },
          ],
          'POST /api/risks': [{ kind: 'sign', unit: 'town-tanggou', matter: '工人计划到县政府反映欠薪', place: '工业园', affected: 30, level: 'high', leader: 'county-government/leader', next_review: '2026-03-09' }],
          'POST /api/risks/{id}/commands': [
            { do: 'assign_leader', leader: 'county-government/leader' }, { do: 'record_action', text: '约谈企业' }, { do: 'set_review', on: '2026-03-09' },
            { do: 'complete_review', note: '已回访', next: '2026-03-16' }, { do: 'change_level', level: 'high', reason: '人数增加' }, { do: 'estimate', affected: 60, reason: '新增' },
            { do: 'mark_resolving', note: '协调中' }, { do: 'mark_resolved', note: '已发放' }, { do: 'raise_sign', text: '计划集体上访' }, { do: 'handle_sign', done: '已劝返' },
          ],
          'POST /api/org/units': [{ id: 'town-new', kind: 'township', name: { zh: '新镇', en: 'New Town' }, positions: ['principal', 'responsible'], in_charge: 'county-government/leader' }],
          'PATCH /api/org/units/{id}': [{ name: { zh: '浮山镇', en: 'Fushan' } }, { in_charge: 'county-government/leader' }],
          'POST /api/org/venues': [{ id: 'venue-9', kind: 'activity', name: { zh: '场所', en: 'Venue' }, address: '某路1号' }],
          'PATCH /api/org/venues/{id}': [{ name: { zh: '场所二', en: 'Venue 2' } }, { address: '某路2号' }],
          'POST /api/org/people': [{ name: '赵六', unit_id: 'town-fushan', phone: '13700000000', email: 'z@example.cn' }],
          'PATCH /api/org/people/{id}': [{ name: '测试二' }, { active: false }, { phone: null }],
          'POST /api/org/positions': [{ person_id: person.id, role: 'town-fushan/responsible' }],
          'POST /api/org/roster': [{ role: 'police-bureau/duty-leader', person_id: person.id, starts_at: '2026-03-02T00:00:00+08:00', ends_at: '2026-03-03T00:00:00+08:00' }],
          'POST /api/users': [{ username: 'fuzz-user', password: '0123456789abc', person_id: person.id, admin: false }],
          'POST /api/plans': [{ source: readFileSync(DEFAULT_PLAN_FILE, 'utf8'), name: 'plan.yaml' }],
          'POST /api/drills': [{ scenario: 'crowd-grows-at-residence.yaml' }, { source: scenario, name: 'x.yaml' }],
          'POST /api/drills/reports': [{ source: scenario, name: 'x.yaml' }],
          'POST /api/track/{code}/rating': [{ value: 'satisfied', comment: '很好' }],
        };

        const doc = (await admin.get('/api/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
        const ops: Op[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
          Object.keys(methods)
            .map((m) => m.toUpperCase())
            .filter((m): m is Op['method'] => m === 'POST' || m === 'PATCH' || m === 'PUT')
            .map((method) => ({ method, path })),
        );
        // Signing out would end the fuzzer's own session; it takes no body.
        const fuzzed = ops.filter((o) => o.path !== '/api/logout');
        expect(fuzzed.length).toBeGreaterThan(20);
        for (const key of Object.keys(SAMPLES)) {
          if (key !== 'POST /api/login') expect(fuzzed.map((o) => `${o.method} ${o.path}`), 'a sample names a route that is not in the OpenAPI document').toContain(key);
        }

        const failures: string[] = [];
        let sent = 0;
        const clients = [admin, admin, staff, leader];
        const send = async (op: Op, url: string, body: string, who: number, headers: Record<string, string> = JSON_TYPE) => {
          const res = await clients[who % clients.length]!.request(op.method as 'POST', url, body, headers);
          sent++;
          const where = `${op.method} ${url.slice(0, 120)} ${body.slice(0, 200)}`;
          if (res.statusCode >= 500) failures.push(`${res.statusCode} ${where} → ${res.body.slice(0, 300)}`);
          else if (res.statusCode >= 400 && typeof (JSON.parse(res.body) as { error?: { code?: unknown } }).error?.code !== 'string') {
            failures.push(`${res.statusCode} without an error code: ${where} → ${res.body.slice(0, 300)}`);
          }
        };
        const fill = (path: string, value: string) => {
          let encoded: string;
          try {
            encoded = encodeURIComponent(value);
          } catch {
            encoded = 'bad';
          }
          return path.replace(/\{[^}]+\}/g, encoded) + (path.endsWith('/attachments') ? '?name=photo.jpg' : '');
        };

        for (const [i, op] of fuzzed.entries()) {
          const samples = SAMPLES[`${op.method} ${op.path}`] ?? [{}];
          const cases = fc.sample(fc.tuple(bodies(samples), param(realParam(op.path)), fc.nat(3)), { seed: SEED + i, numRuns: RUNS });
          for (const [body, p, who] of cases) await send(op, fill(op.path, p), JSON.stringify(body) ?? 'null', who);
          for (const [j, raw] of MALFORMED.entries()) await send(op, fill(op.path, realParam(op.path)), raw, j);
          const first = samples[0] as Record<string, unknown>;
          for (const key of Object.keys(first)) {
            for (const value of SWEEP) await send(op, fill(op.path, realParam(op.path)), JSON.stringify({ ...first, [key]: value }), 0);
          }
          // Upload routes take files and text as well.
          if (op.path.endsWith('.csv')) {
            for (const raw of fc.sample(fc.string({ unit: 'binary', maxLength: 200 }), { seed: SEED + i, numRuns: 6 })) await send(op, op.path, `name,unit_id,id,role,person_id,starts_at,ends_at\n${raw}`, 0, { 'content-type': 'text/csv' });
          }
          if (op.path.endsWith('/attachments')) {
            await send(op, fill(op.path, realParam(op.path)), 'not really a photo', 0, { 'content-type': 'image/jpeg' });
            await send(op, fill(op.path, realParam(op.path)).replace('?name=photo.jpg', `?name=${'n'.repeat(300)}`), 'x', 0, { 'content-type': 'image/jpeg' });
            await send(op, fill(op.path, realParam(op.path)), 'x', 0, { 'content-type': 'application/x-unknown' });
          }
        }
        expect(failures).toEqual([]);
        expect(sent).toBeGreaterThan(fuzzed.length * RUNS);

        // Healthy afterwards: alive, still taking a valid report, and the permanent log intact.
        expect((await admin.get('/healthz')).statusCode).toBe(200);
        await ok(staff.post('/api/incidents', reportBody()));
        const audit = await ok(admin.get('/api/audit/verify'), 200);
        expect(audit).toMatchObject({ ok: true });
        expect(audit.events).toBeGreaterThan(3);
      } finally {
        await t.close();
      }
    }, 180_000);
  });
}

import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { Client, reportBody, testApp, TEST_PUBLIC_URL, type TestApp } from './support/server.js';

/*
 * One visibility policy on every read path, tried as every kind of reader (issue 10 §2). Every
 * GET route of the app is run, with real ids, for every reader below, and the answer must not
 * hold anything that reader may not see:
 *
 * - an accusation's text: only the discipline organs, and the inspection team once the case
 *   was forwarded to it; never the accused unit, the units summoned on site or an administrator;
 * - tracking codes: only the case's handlers (and administrators), never in the shared feed,
 *   its live stream or an incident's events;
 * - case ids: only to those who may open the case, never in the feed or incident events;
 * - a register matter's text and place: only those who may see the matter.
 *
 * The list of routes comes from the app itself: a new read path without a probe here fails.
 */

const DIALECT = DIALECTS[0]!;
const ACCUSATION = '举报横埠镇干部截留补偿款(检举材料-甲)';
const NORMAL = '征地补偿款未发放(一般事项-乙)';
const RISK = '某企业拖欠工资风险(登记事项-丙)';
const RISK_PLACE = '城东工业园(登记地点-丁)';
const DRILL = '演练检举事项:举报某局长受贿(演练-戊)';
const PERSONAL = '张三丰(个人信息-己)';

const READERS = [
  'admin',
  'petition-bureau.staff',
  'petition-bureau.principal',
  'working-group.leader',
  'county-party.leader',
  'police-bureau.principal',
  'town-tanggou.principal',
  'town-hengbu.principal',
  'town-fushan.principal',
  'dept-housing.principal',
  'joint-office.principal',
  'discipline-commission.principal',
  'inspection-team.principal',
] as const;
type ReaderName = (typeof READERS)[number];

interface World {
  normal: string;
  accusation: string;
  normalCase: string;
  accusationCase: string;
  normalCode: string;
  accusationCode: string;
  risk: string;
  drill: string;
  attachment: string;
  token: string;
  plan: string;
}

/** Which readers may see each secret, as the policy says; `forwarded` once the accusation went to the inspection team. */
function allowed(w: World, forwarded: boolean): Map<string, Set<ReaderName>> {
  const set = (...names: ReaderName[]) => new Set<ReaderName>(names);
  const oversight: ReaderName[] = ['petition-bureau.staff', 'petition-bureau.principal', 'working-group.leader', 'county-party.leader', 'joint-office.principal'];
  return new Map([
    [ACCUSATION, forwarded ? set('discipline-commission.principal', 'inspection-team.principal') : set('discipline-commission.principal')],
    [DRILL, set('discipline-commission.principal')],
    [w.accusationCode, forwarded ? set('admin', 'inspection-team.principal') : set('admin', 'discipline-commission.principal')],
    [w.accusationCase, forwarded ? set('admin', 'discipline-commission.principal', 'inspection-team.principal') : set('admin', 'discipline-commission.principal')],
    [w.normalCode, set('admin', 'town-tanggou.principal')],
    [w.normalCase, set('admin', 'town-tanggou.principal', ...oversight)],
    [RISK, set('admin', 'town-fushan.principal', 'petition-bureau.staff', 'petition-bureau.principal', 'working-group.leader', 'county-party.leader')],
    [RISK_PLACE, set('admin', 'town-fushan.principal', 'petition-bureau.staff', 'petition-bureau.principal', 'working-group.leader', 'county-party.leader')],
    [PERSONAL, set('admin', 'town-tanggou.principal')],
  ]);
}

/** Paths where some secrets never appear, for anyone: the shared feed, its stream and incident events. */
const NEVER: Record<string, (w: World) => string[]> = {
  '/api/events': (w) => [w.normalCode, w.accusationCode, w.normalCase, w.accusationCase, PERSONAL],
  '/api/events/stream': (w) => [w.normalCode, w.accusationCode, w.normalCase, w.accusationCase, PERSONAL],
  '/api/incidents/:id/events': (w) => [w.normalCode, w.accusationCode, w.normalCase, w.accusationCase, PERSONAL],
  '/api/reports/accountability': (w) => [w.normalCode, w.accusationCode],
  '/api/reports/accountability.csv': (w) => [w.normalCode, w.accusationCode],
  '/api/reports/accountability.xlsx': (w) => [w.normalCode, w.accusationCode],
  '/api/incidents/:id/report.docx': (w) => [w.normalCode, w.accusationCode, PERSONAL],
  '/api/incidents/:id/report.pdf': (w) => [w.normalCode, w.accusationCode, PERSONAL],
};

/** The URLs to read for each route, with the world's ids. */
const PROBES: Record<string, (w: World) => string[]> = {
  '/healthz': () => ['/healthz'],
  '/api/openapi.json': () => ['/api/openapi.json'],
  '/api/me': () => ['/api/me'],
  '/api/users': () => ['/api/users'],
  '/api/audit/verify': () => ['/api/audit/verify'],
  '/api/incidents': () => ['/api/incidents', '/api/incidents?status=cleared'],
  '/api/board': () => ['/api/board', '/api/board?ended=all', '/api/board?limit=1'],
  '/api/incidents/:id': (w) => [`/api/incidents/${w.normal}`, `/api/incidents/${w.accusation}`],
  '/api/incidents/:id/events': (w) => [`/api/incidents/${w.normal}/events`, `/api/incidents/${w.accusation}/events`],
  '/api/incidents/:id/allowed': (w) => [`/api/incidents/${w.normal}/allowed`, `/api/incidents/${w.accusation}/allowed`],
  '/api/incidents/:id/deliveries': (w) => [`/api/incidents/${w.normal}/deliveries`, `/api/incidents/${w.accusation}/deliveries`],
  '/api/incidents/:id/report.docx': (w) => [`/api/incidents/${w.normal}/report.docx`, `/api/incidents/${w.accusation}/report.docx`],
  // A PDF is the same document converted (seconds each with LibreOffice): the accusation's is the one to read.
  '/api/incidents/:id/report.pdf': (w) => [`/api/incidents/${w.accusation}/report.pdf`],
  '/api/attachments/:id': (w) => [`/api/attachments/${w.attachment}`],
  '/api/my/summons': () => ['/api/my/summons'],
  '/api/my/inbox': () => ['/api/my/inbox'],
  '/api/approvals': () => ['/api/approvals', '/api/approvals?state=decided'],
  '/api/events': () => ['/api/events'],
  '/api/events/stream': () => ['/api/events/stream'],
  '/api/cases': () => ['/api/cases', '/api/cases?scope=all', '/api/cases?scope=all&open=0'],
  '/api/cases/:id': (w) => [`/api/cases/${w.normalCase}`, `/api/cases/${w.accusationCase}`],
  '/api/cases/:id/personal': (w) => [`/api/cases/${w.normalCase}/personal`, `/api/cases/${w.accusationCase}/personal`],
  '/api/track/:code': (w) => [`/api/track/${w.normalCode}`, `/api/track/${w.accusationCode}`],
  '/api/risks': () => ['/api/risks'],
  '/api/risks/alerts': () => ['/api/risks/alerts'],
  '/api/risks/:id': (w) => [`/api/risks/${w.risk}`],
  '/api/plan': () => ['/api/plan'],
  '/api/plans': () => ['/api/plans'],
  '/api/plans/:id': (w) => [`/api/plans/${w.plan}`],
  '/api/org': () => ['/api/org'],
  // A site plan is an image of a venue, as public to signed-in users as the venue (site-plans.routes.test.ts reads a stored one).
  '/api/site-plans/:sha256': () => [`/api/site-plans/${'0'.repeat(64)}`],
  '/api/org/people': () => ['/api/org/people'],
  '/api/org/positions': () => ['/api/org/positions'],
  '/api/org/roster': () => ['/api/org/roster'],
  '/api/org/people.csv': () => ['/api/org/people.csv'],
  '/api/org/positions.csv': () => ['/api/org/positions.csv'],
  '/api/org/roster.csv': () => ['/api/org/roster.csv'],
  '/api/drills/scenarios': () => ['/api/drills/scenarios'],
  '/api/drills/scenarios/:file': () => ['/api/drills/scenarios/crowd-grows-at-residence.yaml'],
  '/api/drills/reports': () => ['/api/drills/reports'],
  '/api/drills/reports/:id': (w) => [`/api/drills/reports/${w.drill}`],
  '/api/drills/reports/:id/download': (w) => [`/api/drills/reports/${w.drill}/download`, `/api/drills/reports/${w.drill}/download?format=text&lang=zh`, `/api/drills/reports/${w.drill}/download?format=text&lang=en`],
  '/api/drills/reports/:id/report.docx': (w) => [`/api/drills/reports/${w.drill}/report.docx`],
  '/api/drills/reports/:id/report.pdf': (w) => [`/api/drills/reports/${w.drill}/report.pdf`],
  '/api/reports/accountability': () => ['/api/reports/accountability?from=2026-03-01&to=2026-03-31'],
  '/api/reports/accountability.xlsx': () => ['/api/reports/accountability.xlsx?from=2026-03-01&to=2026-03-31'],
  '/api/reports/accountability.csv': () => ['cases', 'overdue', 'units'].map((table) => `/api/reports/accountability.csv?from=2026-03-01&to=2026-03-31&table=${table}`),
  '/api/reports/notice': () => ['/api/reports/notice?from=2026-03-01&to=2026-03-31', '/api/reports/notice?from=2026-03-01&to=2026-03-31&format=text'],
  '/api/reports/notice.docx': () => ['/api/reports/notice.docx?from=2026-03-01&to=2026-03-31'],
  '/api/reports/assessment': () => ['/api/reports/assessment?year=2026'],
  '/api/reports/assessment.xlsx': () => ['/api/reports/assessment.xlsx?year=2026'],
  '/api/reports/assessment.csv': () => ['/api/reports/assessment.csv?year=2026'],
  '/api/reports/assessment.docx': () => ['/api/reports/assessment.docx?year=2026'],
  '/api/admin/dead-letters': () => ['/api/admin/dead-letters'],
  '/api/ack/:token': (w) => [`/api/ack/${w.token}`],
};

/** Reads the live stream until it has sent every event up to `head`, then hangs up. */
async function readStream(base: string, cookie: string, head: number): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/events/stream?after=0`, { headers: { cookie }, signal: ac.signal });
  if (res.status !== 200) return `${res.status} ${await res.text()}`;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  // Events a reader may not see are skipped, so the stream is read until a heartbeat follows the backlog.
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    if ((ids.length && Math.max(...ids) >= head) || text.includes(': heartbeat')) break;
  }
  ac.abort();
  return text;
}

describe(`every read path, for every kind of reader (${DIALECT})`, () => {
  let t: TestApp;
  let w: World;
  let base: string;
  const clients = new Map<ReaderName, Client>();

  beforeAll(async () => {
    t = await testApp(DIALECT);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    for (const name of READERS) clients.set(name, await Client.as(t.app, name));
    const staff = clients.get('petition-bureau.staff')!;
    const group = clients.get('working-group.leader')!;
    const ok = async (res: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) => {
      const r = await res;
      expect(r.statusCode, r.body).toBe(status);
      return r.json();
    };

    // An ordinary incident with a summons, evidence, and its case.
    const normal = (await ok(staff.post('/api/incidents', reportBody({ matter: NORMAL })), 201)).incident.id as string;
    await ok(staff.post(`/api/incidents/${normal}/commands`, { do: 'guide', result: 'failed' }));
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const attached = await ok(staff.request('POST', `/api/incidents/${normal}/attachments?name=photo.png`, png, { 'content-type': 'image/png' }), 201);
    await ok(group.post(`/api/incidents/${normal}/commands`, { do: 'clear' }));

    // An accusation against a township: its principal is summoned on site, then the case goes to the discipline commission.
    const accusation = (await ok(staff.post('/api/incidents', reportBody({ units: ['town-hengbu'], category: 'accusation', matter: ACCUSATION })), 201)).incident.id as string;
    await ok(staff.post(`/api/incidents/${accusation}/commands`, { do: 'guide', result: 'failed' }));
    await ok(staff.post(`/api/incidents/${accusation}/commands`, { do: 'persuade', result: 'failed' }));
    await ok(staff.post(`/api/incidents/${accusation}/commands`, { do: 'note', text: '现场秩序平稳' }));
    // A major measure a county leader declines: the approvals history shows this incident too.
    await ok(clients.get('police-bureau.principal')!.post(`/api/incidents/${accusation}/commands`, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' }));
    await ok(clients.get('county-party.leader')!.post(`/api/incidents/${accusation}/commands`, { do: 'decline_measure', id: 'm1', by: 'county-party/leader', reason: '先行劝导' }));
    await ok(group.post(`/api/incidents/${accusation}/commands`, { do: 'clear' }));

    const cases = (await ok(clients.get('admin')!.get('/api/cases?scope=all'))) as { id: string; incident: string; tracking_code: string }[];
    const normalCase = cases.find((c) => c.incident === normal)!;
    const accusationCase = cases.find((c) => c.incident === accusation)!;

    // A walk-in case with personal data, handled by the same township.
    await ok(clients.get('petition-bureau.principal')!.post('/api/cases', { matter: '补偿标准争议', units: ['town-tanggou'], personal: { name: PERSONAL, phone: '13800000000' } }), 201);

    // A register matter of one township.
    const risk = (await ok(clients.get('town-fushan.principal')!.post('/api/risks', { unit: 'town-fushan', matter: RISK, place: RISK_PLACE, affected: 40 }), 201)).id as string;

    // A saved rehearsal of an accusation.
    const source = `name: rehearsal of an accusation\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - { at: 0m, do: report, venue: residence, headcount: 3, units: [dept-housing], category: accusation, matter: "${DRILL}" }\n  - { at: 5m, do: clear }\n`;
    const drill = (await ok(staff.post('/api/drills/reports', { source, name: 'accusation.yaml' }), 201)).id as string;

    // The accused township's principal was summoned: their acknowledgement link.
    const person = (await t.store.db.selectFrom('positions').select('person_id').where('role', '=', 'town-hengbu/principal').where('ended_at', 'is', null).executeTakeFirstOrThrow()).person_id;
    const message = await t.store.db.selectFrom('outbox').selectAll().where('source_id', '=', accusation).where('channel', '=', 'in_app').where('recipient', '=', person).executeTakeFirstOrThrow();
    const token = (JSON.parse(message.body) as { link: string }).link.slice(`${TEST_PUBLIC_URL}/a/`.length);

    const plan = ((await ok(clients.get('admin')!.get('/api/plans'))) as { id: string }[])[0]!.id;
    w = { normal, accusation, normalCase: normalCase.id, accusationCase: accusationCase.id, normalCode: normalCase.tracking_code, accusationCode: accusationCase.tracking_code, risk, drill, attachment: attached.attachment.id, token, plan };
  }, 120_000);

  afterAll(async () => t?.close());

  it('has a probe for every read path the app serves', () => {
    const missing = t.app.readPaths.map((p) => p.url).filter((url) => !PROBES[url]);
    expect(missing, 'read paths without a probe in this table').toEqual([]);
    expect(t.app.readPaths.length).toBeGreaterThan(40);
  });

  /** Reads every probe as every reader and collects what each saw that it may not. */
  async function leaks(forwarded: boolean): Promise<string[]> {
    const policy = allowed(w, forwarded);
    const head = Number((await clients.get('admin')!.get('/api/events?limit=5000')).json().at(-1).seq);
    const found: string[] = [];
    for (const route of t.app.readPaths) {
      for (const url of PROBES[route.url]!(w)) {
        for (const name of READERS) {
          const client = clients.get(name)!;
          let text: string;
          if (route.url === '/api/events/stream') text = await readStream(base, client.session, head);
          else {
            const res = await client.get(url);
            const type = res.statusCode === 200 ? String(res.headers['content-type']) : '';
            text = url.includes('.xlsx') && res.statusCode === 200 ? await xlsxText(res.rawPayload) : type.includes('wordprocessingml') ? docxText(res.rawPayload) : type === 'application/pdf' ? pdfText(res.rawPayload) : res.rawPayload.toString('utf8');
          }
          for (const [secret, who] of policy) {
            // A reader who asks by the secret itself (the tracking page, by its code) already holds it.
            if (url.includes(secret)) continue;
            if (!who.has(name) && text.includes(secret)) found.push(`${name} reads "${secret}" at GET ${url} (${route.read})`);
          }
          for (const secret of NEVER[route.url]?.(w) ?? []) {
            if (text.includes(secret)) found.push(`${name} reads "${secret}" at GET ${url}, where nobody may (${route.read})`);
          }
        }
      }
    }
    return found;
  }

  it('shows nobody what they may not see, on any read path', async () => {
    expect(await leaks(false)).toEqual([]);
  }, 300_000); // PDF probes convert with LibreOffice, seconds each

  it('shows what each reader needs: the accusation to the discipline organ, the code to the handler, the matter to the register', async () => {
    const text = async (name: ReaderName, url: string) => (await clients.get(name)!.get(url)).body;
    expect(await text('discipline-commission.principal', `/api/incidents/${w.accusation}`)).toContain(ACCUSATION);
    expect(await text('discipline-commission.principal', `/api/incidents/${w.accusation}/events`)).toContain(ACCUSATION);
    expect(await text('discipline-commission.principal', `/api/cases/${w.accusationCase}`)).toContain(w.accusationCode);
    expect(await text('discipline-commission.principal', `/api/drills/reports/${w.drill}`)).toContain(DRILL);
    expect(await text('discipline-commission.principal', '/api/approvals?state=decided')).toContain(ACCUSATION);
    expect(await text('town-tanggou.principal', `/api/cases/${w.normalCase}`)).toContain(w.normalCode);
    expect(await text('town-tanggou.principal', `/api/incidents/${w.normal}`)).toContain(w.normalCase);
    expect(await text('working-group.leader', `/api/risks`)).toContain(RISK);
    expect(await text('working-group.leader', `/api/events`)).toContain(RISK);
    const hengbu = (await clients.get('town-hengbu.principal')!.get(`/api/incidents/${w.accusation}`)).json();
    expect(hengbu.incident).toMatchObject({ matter: '检举控告类事项,内容仅纪检监察机关可见', matter_withheld: true });
    expect(hengbu.cases[0]).toMatchObject({ id: null, tracking_code: null, route: 'discipline_inspection' });
    const inbox = (await clients.get('town-hengbu.principal')!.get('/api/my/inbox')).json() as { text: string }[];
    expect(inbox.some((m) => m.text.includes('检举控告类事项'))).toBe(true);
  });

  it('once the accusation is forwarded to the inspection team, the team reads it too, and still nobody else', async () => {
    const forwarded = await clients.get('discipline-commission.principal')!.post(`/api/cases/${w.accusationCase}/commands`, { do: 'forward', to: 'inspection-team', reason: '涉及被巡视党组织领导班子' });
    expect(forwarded.statusCode, forwarded.body).toBe(200);
    expect((await clients.get('inspection-team.principal')!.get(`/api/incidents/${w.accusation}`)).body).toContain(ACCUSATION);
    expect(await leaks(true)).toEqual([]);
  }, 300_000);
});

/** The text of every cell of an XLSX workbook (its shared strings and sheets), to look for secrets. */
async function xlsxText(bytes: Buffer): Promise<string> {
  const ExcelJS = (await import('exceljs')).default;
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: string[] = [];
  book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => out.push(String(cell.text)))));
  return out.join('\n');
}

/**
 * Everything written in a DOCX (its XML parts, and the text of their runs joined), with
 * punctuation NFKC-folded back to ASCII: official documents set Chinese punctuation full-width.
 */
function docxText(bytes: Buffer): string {
  const xml = Object.entries(unzipSync(new Uint8Array(bytes)))
    .filter(([name]) => name.endsWith('.xml'))
    .map(([, data]) => strFromU8(data));
  const runs = xml.flatMap((part) => [...part.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]));
  return `${xml.join('\n')}\n${runs.join('')}`.normalize('NFKC');
}

/** The text of a PDF (poppler's pdftotext), white space between characters dropped, punctuation folded as above. */
function pdfText(bytes: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: bytes, encoding: 'utf8' }).normalize('NFKC').replace(/\s+/g, '');
}

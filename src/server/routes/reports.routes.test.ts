import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import type { CasesTable } from '../../store/schema.js';

/*
 * The accountability API on every database, with incidents made through the API: summons on
 * time, late and missed, a measure taken without approval, cases past their deadlines; who may
 * read; the XLSX and CSV files read back; drills never counted.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const MARCH = 'from=2026-03-01&to=2026-03-31';

/** Opens XLSX bytes with exceljs (its typings predate typed Node buffers). */
async function readXlsx(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as Parameters<typeof book.xlsx.load>[0]);
  return book;
}

for (const dialect of DIALECTS) {
  describe(`reports API on ${dialect}`, () => {
    let t: TestApp;
    let staff: Client;
    let group: Client;
    const ids: Record<'tanggou' | 'housing' | 'hengbu' | 'housingLate', string> = { tanggou: '', housing: '', hengbu: '', housingLate: '' };

    const at = (minutes: number) => (t.clock.now = T0 + minutes * MINUTE);
    const must = async (c: Client, id: string, body: unknown) => {
      const res = await c.post(`/api/incidents/${id}/commands`, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(200);
      return res.json();
    };
    const reported = async (units: string[]) => {
      const res = await staff.post('/api/incidents', reportBody({ units }));
      expect(res.statusCode, res.body).toBe(201);
      const { id } = res.json();
      await must(staff, id, { do: 'guide', result: 'failed' });
      return id as string;
    };
    const insertCase = (row: Partial<CasesTable> & Pick<CasesTable, 'id' | 'handler' | 'opened_at'>) =>
      t.store.db
        .insertInto('cases')
        .values({
          incident_id: null,
          tracking_code: `T-${row.id}`,
          route: 'responsible_unit',
          category: 'claim',
          status: 'registered',
          accept_by: row.opened_at + 15 * DAY,
          decided_at: null,
          accepted_at: null,
          due: row.opened_at + 75 * DAY,
          extended_days: 0,
          replied_at: null,
          closed_at: null,
          next_deadline: null,
          concerned: '[]',
          version: 1,
          state: '{}',
          updated_at: row.opened_at,
          ...row,
        })
        .execute();
    const json = async (c: Client, url: string) => {
      const res = await c.get(url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };

    beforeAll(async () => {
      t = await testApp(dialect, T0);
      staff = await Client.as(t.app, 'petition-bureau.staff');
      group = await Client.as(t.app, 'working-group.leader');
      const police = await Client.as(t.app, 'police-station-zongyang.responsible');
      // 09:04 Tanggou summoned (1 h); arrives 09:34, on time after 30 min.
      at(4);
      ids.tanggou = await reported(['town-tanggou']);
      // 09:05 Housing summoned (15 min); arrives 09:16, on time after 11 min.
      at(5);
      ids.housing = await reported(['dept-housing']);
      // 09:10 Hengbu summoned (1 h); never arrives: missed at 10:10.
      at(10);
      ids.hengbu = await reported(['town-hengbu']);
      at(16);
      await must(staff, ids.housing, { do: 'arrive', role: 'dept-housing/principal' });
      at(34);
      await must(staff, ids.tanggou, { do: 'arrive', role: 'town-tanggou/principal' });
      // 09:35 the working group activates the plan: the tier-1 police commander is summoned (15 min),
      // arrives after 3 min, and takes a removal without a county leader's approval (§5.1).
      at(35);
      await must(group, ids.tanggou, { do: 'escalate', reason: '人员情绪激动' });
      at(38);
      await must(police, ids.tanggou, { do: 'arrive', role: 'police-station-zongyang/responsible' });
      at(39);
      await must(police, ids.tanggou, { do: 'request_measure', id: 'removal-1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
      await must(police, ids.tanggou, { do: 'take_measure', id: 'removal-1' });
      // 09:41 Housing summoned again on another incident; arrives 10:00, late after 19 min (4 over).
      at(41);
      ids.housingLate = await reported(['dept-housing']);
      // Clearing the Tanggou incident opens its case (§4.2), registered 09:45; nobody decides on it.
      at(45);
      await must(staff, ids.tanggou, { do: 'clear' });
      at(60);
      await must(staff, ids.housingLate, { do: 'arrive', role: 'dept-housing/principal' });
      at(71);
      await t.processor.fireDueTimers();
      // Housing's cases: one accepted late (day 17 of 15) and still being handled, one in time and replied in time.
      const mar = (d: number) => Date.parse(`2026-03-${String(d).padStart(2, '0')}T09:00:00+08:00`);
      await insertCase({ id: 'case-late', handler: 'dept-housing', opened_at: mar(3), status: 'accepted', decided_at: mar(20), accepted_at: mar(20), due: mar(20) + 60 * DAY });
      await insertCase({ id: 'case-ok', handler: 'dept-housing', opened_at: mar(4), status: 'replied', decided_at: mar(5), accepted_at: mar(5), due: mar(5) + 60 * DAY, replied_at: mar(25) });
      // February: outside the period.
      await insertCase({ id: 'case-feb', handler: 'dept-housing', opened_at: Date.parse('2026-02-27T09:00:00+08:00') });
      // The reports are read on 31 March at noon (sessions of 2 March have expired by then).
      t.clock.now = Date.parse('2026-03-31T12:00:00+08:00');
      staff = await Client.as(t.app, 'petition-bureau.staff');
      group = await Client.as(t.app, 'working-group.leader');
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('GET /api/reports/accountability: per-unit summons, median and p90 minutes, the late and missed list', async () => {
      const r = await json(group, `/api/reports/accountability?${MARCH}`);
      expect(r.period).toEqual({ from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' });
      expect(r.units.map((u: any) => [u.unit, u.summoned, u.on_time, u.late, u.missed, u.pending, u.on_time_rate, u.median_minutes, u.p90_minutes, u.unapproved_measures])).toEqual([
        ['police-station-zongyang', 1, 1, 0, 0, 0, 1, 3, 3, 1],
        ['town-tanggou', 1, 1, 0, 0, 0, 1, 30, 30, 0],
        ['town-hengbu', 1, 0, 0, 1, 0, 0, null, null, 0],
        ['dept-housing', 2, 1, 1, 0, 0, 0.5, 15, 18.2, 0],
      ]);
      // Arrivals after 3, 11, 19 and 30 minutes.
      expect(r.totals).toEqual({ summoned: 5, on_time: 3, late: 1, missed: 1, stood_down: 0, pending: 0, on_time_rate: 0.6, median_minutes: 15, p90_minutes: 26.7, unapproved_measures: 1 });
      expect(r.late).toEqual([
        expect.objectContaining({ incident: ids.hengbu, unit: 'town-hengbu', status: 'missed', issued_at: '2026-03-02T09:10:00+08:00', deadline: '2026-03-02T10:10:00+08:00', arrived_at: null }),
        expect.objectContaining({ incident: ids.housingLate, unit: 'dept-housing', status: 'late', arrived_at: '2026-03-02T10:00:00+08:00', minutes_over: 4 }),
      ]);
      expect(r.measures).toEqual([
        expect.objectContaining({ incident: ids.tanggou, measure: 'removal-1', unit: 'police-station-zongyang', flagged: true, approved_by: null, taken_at: '2026-03-02T09:39:00+08:00' }),
      ]);
    });

    it('case deadline compliance per handling unit: accepted within 15 days, handled within 60', async () => {
      const r = await json(staff, `/api/reports/accountability?${MARCH}`);
      expect(r.cases).toEqual([
        expect.objectContaining({ unit: 'town-tanggou', cases: 1, acceptance: { on_time: 0, late: 0, overdue: 1, pending: 0, rate: 0 }, handling: { on_time: 0, late: 0, overdue: 0, pending: 0, rate: null } }),
        expect.objectContaining({ unit: 'dept-housing', cases: 2, acceptance: { on_time: 1, late: 1, overdue: 0, pending: 0, rate: 0.5 }, handling: { on_time: 1, late: 0, overdue: 0, pending: 1, rate: 1 } }),
      ]);
      const tanggouCase = r.overdue_cases.find((c: any) => c.unit === 'town-tanggou');
      expect(tanggouCase).toMatchObject({ incident: ids.tanggou, opened_at: '2026-03-02T09:45:00+08:00', accept_by: '2026-03-17T09:45:00+08:00', acceptance: 'overdue' });
      expect(r.overdue_cases.map((c: any) => c.id)).toContain('case-late');
    });

    it('a unit filter and a period narrow the figures; bad input answers 400', async () => {
      const housing = await json(group, `/api/reports/accountability?${MARCH}&unit=dept-housing`);
      expect(housing.units.map((u: any) => u.unit)).toEqual(['dept-housing']);
      expect(housing.totals.summoned).toBe(2);
      expect(housing.measures).toEqual([]);
      expect(housing.cases.map((c: any) => c.unit)).toEqual(['dept-housing']);
      // 09:00–09:30 holds the first three summons only (by issue time); the end is excluded.
      const early = await json(group, '/api/reports/accountability?from=2026-03-02T09:00:00%2B08:00&to=2026-03-02T09:10:00%2B08:00');
      expect(early.totals.summoned).toBe(2);
      const feb = await json(group, '/api/reports/accountability?from=2026-02-01&to=2026-02-28');
      expect(feb.totals.summoned).toBe(0);
      expect(feb.cases).toEqual([expect.objectContaining({ unit: 'dept-housing', cases: 1, acceptance: expect.objectContaining({ overdue: 1 }) })]);
      // Without a period: the current month (March, by the server's clock).
      expect((await json(group, '/api/reports/accountability')).period.from).toBe('2026-03-01T00:00:00+08:00');
      for (const url of ['/api/reports/accountability?from=2026-03-01', '/api/reports/accountability?from=2026-03-31&to=2026-03-01', `/api/reports/accountability?${MARCH}&unit=town-nowhere`, '/api/reports/assessment?year=1999']) {
        const res = await group.get(url);
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error.code).toBe('bad_request');
      }
    });

    it('only administrators, the working group, county leaders and the petition bureau read reports', async () => {
      const principal = await Client.as(t.app, 'town-tanggou.principal');
      const urls = ['/api/reports/accountability', '/api/reports/notice', '/api/reports/assessment', '/api/reports/assessment.xlsx', '/api/reports/assessment.csv', '/api/reports/accountability.xlsx', '/api/reports/accountability.csv'];
      for (const url of urls) {
        const res = await principal.get(url);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
        expect((await new Client(t.app).get(url)).statusCode, url).toBe(401);
      }
      for (const user of ['admin', 'county-party.leader', 'county-government.leader', 'working-group.member', 'petition-bureau.principal']) {
        expect((await (await Client.as(t.app, user)).get('/api/reports/assessment')).statusCode, user).toBe(200);
      }
      expect((await (await Client.as(t.app, 'police-bureau.principal')).get('/api/reports/notice')).statusCode).toBe(403);
    });

    it('GET /api/reports/notice: a draft 通报 naming the late and missing units with their incidents', async () => {
      const n = await json(group, `/api/reports/notice?${MARCH}`);
      expect(n.units.map((u: any) => [u.unit, u.late, u.missed, u.summons.map((s: any) => s.incident)])).toEqual([
        ['town-hengbu', 0, 1, [ids.hengbu]],
        ['dept-housing', 1, 0, [ids.housingLate]],
      ]);
      expect(n.text).toContain('关于2026年3月1日至2026年3月31日信访应急处置到场情况的通报');
      expect(n.text).toContain('共发出到场通知5次,按时到场3次,迟到1次,未到场1次,按时到场率60.0%');
      expect(n.text).toContain('一、横埠镇(未到场1次)');
      expect(n.text).toContain('二、县住建局(迟到1次)');
      expect(n.text).toContain(`3月2日9:41通知县住建局主要负责同志到巡视组驻地,应于3月2日9:56前到场,3月2日10:00到场,迟到4分钟(事件编号 ${ids.housingLate})`);
      expect(n.text).not.toContain('汤沟镇(');
      const text = await group.get(`/api/reports/notice?${MARCH}&format=text`);
      expect(text.headers['content-type']).toMatch(/^text\/plain/);
      expect(text.body).toBe(n.text);
    });

    it('GET /api/reports/assessment: the year-end table lists every township and department', async () => {
      const a = await json(group, '/api/reports/assessment?year=2026');
      expect(a.year).toBe(2026);
      expect(a.rows.map((r: any) => r.unit)).toEqual(expect.arrayContaining(['town-zongyang', 'town-fushan', 'dept-education', 'police-bureau']));
      expect(a.rows.find((r: any) => r.unit === 'dept-housing')).toMatchObject({
        summoned: 2,
        late: 1,
        on_time_rate: 0.5,
        // The year holds February's case too, never decided on.
        cases: 3,
        acceptance: { on_time: 1, late: 1, overdue: 1, rate: 0.3333 },
        handling: { on_time: 1, pending: 1, rate: 1 },
      });
      expect(a.rows.find((r: any) => r.unit === 'town-fushan')).toMatchObject({ summoned: 0, on_time_rate: null, cases: 0 });
      // The year before holds nothing.
      expect((await json(group, '/api/reports/assessment?year=2025')).rows.every((r: any) => r.summoned === 0 && r.cases === 0)).toBe(true);
    });

    it('the assessment XLSX reads back with the header and every unit row of the JSON', async () => {
      const a = await json(group, '/api/reports/assessment?year=2026');
      const res = await group.get('/api/reports/assessment.xlsx?year=2026');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toBe('attachment; filename="yingji-assessment-2026.xlsx"');
      const book = await readXlsx(res.rawPayload);
      const sheet = book.getWorksheet('年终考核')!;
      expect(sheet.getCell('A1').value).toBe('2026年度信访工作考核表(到场纪律与案件办理时限)');
      expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
        '单位',
        '到场通知(次)',
        '按时到场',
        '迟到',
        '未到场',
        '已解除',
        '按时到场率',
        '到场用时中位数(分钟)',
        '到场用时90%分位(分钟)',
        '未经批准的处置措施',
        '承办案件',
        '按期受理',
        '受理超期',
        '按期受理率(15日)',
        '按期办结',
        '办理超期',
        '按期办结率(60日)',
      ]);
      expect(sheet.rowCount).toBe(2 + a.rows.length);
      a.rows.forEach((r: any, i: number) => {
        const cells = Array.from({ length: 17 }, (_, j) => sheet.getRow(3 + i).getCell(j + 1).value ?? null);
        expect(cells, r.unit).toEqual([
          r.name.zh,
          r.summoned,
          r.on_time,
          r.late,
          r.missed,
          r.stood_down,
          r.on_time_rate,
          r.median_minutes,
          r.p90_minutes,
          r.unapproved_measures,
          r.cases,
          r.acceptance.on_time,
          r.acceptance.late + r.acceptance.overdue,
          r.acceptance.rate,
          r.handling.on_time,
          r.handling.late + r.handling.overdue,
          r.handling.rate,
        ]);
      });
      expect(sheet.getCell('G3').numFmt).toBe('0.0%');
      const housing = a.rows.findIndex((r: any) => r.unit === 'dept-housing');
      expect(sheet.getRow(3 + housing).getCell(9).value).toBe(18.2);
    });

    it('the accountability XLSX has a sheet per table; the CSV starts with a UTF-8 BOM and opens in Chinese', async () => {
      const res = await group.get(`/api/reports/accountability.xlsx?${MARCH}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="yingji-accountability-2026-03-01_2026-03-31.xlsx"');
      const book = await readXlsx(res.rawPayload);
      expect(book.worksheets.map((w) => w.name)).toEqual(['到场汇总', '迟到未到', '未经批准措施', '案件办理时限', '超期案件']);
      const late = book.getWorksheet('迟到未到')!;
      expect((late.getRow(3).values as unknown[]).slice(1)).toEqual(['横埠镇', '横埠镇主要负责同志', '巡视组驻地', '2026-03-02 09:10', '2026-03-02 10:10', undefined, '未到场', undefined, ids.hengbu]);
      expect(late.getRow(4).getCell(7).value).toBe('迟到');
      expect(book.getWorksheet('未经批准措施')!.getRow(3).getCell(1).value).toBe('枞阳派出所');

      const csv = await group.get(`/api/reports/accountability.csv?${MARCH}`);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const bytes = csv.rawPayload;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(lines[0]).toBe('单位,到场通知(次),按时到场,迟到,未到场,已解除,按时到场率,到场用时中位数(分钟),到场用时90%分位(分钟),未经批准的处置措施');
      expect(lines).toContain('县住建局,2,1,1,0,0,50%,15,18.2,0');
      expect(lines).toContain('横埠镇,1,0,0,1,0,0%,,,0');
      const en = await group.get(`/api/reports/assessment.csv?year=2026&lang=en`);
      expect(en.body.split('\r\n')[0]).toBe('\ufeffUnit,Summons,On time,Late,Missed,Stood down,On-time rate,Median minutes to arrive,90th percentile minutes,Measures without prior approval,Cases,Accepted in time,Acceptance late or overdue,Acceptance rate (15 days),Handled in time,Handling late or overdue,Handling rate (60 days)');
      const cases = await group.get(`/api/reports/accountability.csv?${MARCH}&table=cases`);
      expect(cases.body.split('\r\n')).toContain('县住建局,2,1,1,50%,1,0,100%');
    });

    it('drills never count: running and saving drills changes no figure', async () => {
      const before = await json(group, `/api/reports/accountability?${MARCH}`);
      for (const scenario of ['unit-late-and-unit-never-arrives.yaml', 'measure-taken-without-approval-is-flagged.yaml']) {
        expect((await group.post('/api/drills', { scenario })).statusCode).toBe(200);
        expect((await group.post('/api/drills/reports', { scenario })).statusCode).toBe(201);
      }
      expect(await json(group, `/api/reports/accountability?${MARCH}`)).toEqual(before);
    });
  });
}

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../../test/support/server.js';
import { eventsRepository } from '../../../store/events.repository.js';

/*
 * The official documents (issue 14 §1) read back: the incident report of a real incident and of
 * a drill, the draft notice and the year-end assessment, as DOCX (page setup, fonts, the
 * Chinese text, and nothing a reader may not see) and, where LibreOffice is installed, as PDF
 * rendered to PNG (page count, the Chinese text in the PDF). Page 1 of each is kept in
 * `artifacts/` to look at.
 */

const ACCUSATION = '举报横埠镇干部截留补偿款(检举材料-甲)';
const DRILL = '演练检举事项:举报某局长受贿(演练-戊)';
const PERSONAL = '张三丰(个人信息-己)';
const PHONE = '13800000000';
const MARCH = 'from=2026-03-01&to=2026-03-31';
const ARTIFACTS = fileURLToPath(new URL('../../../../artifacts/', import.meta.url));

const has = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;
const SOFFICE = has('soffice', '--version');
const POPPLER = has('pdftotext', '-v') && has('pdftoppm', '-v');

/** The parts of a DOCX as text: `word/document.xml`, its headers, footers, styles and settings. */
function parts(bytes: Buffer): Record<string, string> {
  const files = unzipSync(new Uint8Array(bytes));
  return Object.fromEntries(Object.entries(files).filter(([name]) => name.endsWith('.xml')).map(([name, data]) => [name, strFromU8(data).normalize('NFKC')]));
}
/** The text runs of a part, joined: what a reader sees, punctuation NFKC-folded to ASCII as the product writes it. */
const textOf = (xml: string) => [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('').normalize('NFKC');
const mm = (twips: string | undefined) => (Number(twips) / 1440) * 25.4;

/** Checks the GB/T 9704 page: A4, margins 37/35/28/26 mm, 22 lines of 28.95 pt, odd and even footers with "— n —". */
function expectOfficialLayout(p: Record<string, string>) {
  const doc = p['word/document.xml']!;
  const size = /<w:pgSz w:w="(\d+)" w:h="(\d+)"/.exec(doc)!;
  expect(mm(size[1])).toBeCloseTo(210, 0);
  expect(mm(size[2])).toBeCloseTo(297, 0);
  const margin = /<w:pgMar w:top="(\d+)" w:right="(\d+)" w:bottom="(\d+)" w:left="(\d+)"/.exec(doc)!;
  expect([margin[1], margin[2], margin[3], margin[4]].map((x) => Math.round(mm(x)))).toEqual([37, 26, 35, 28]);
  const pitch = Number(/<w:docGrid w:type="lines" w:linePitch="(\d+)"/.exec(doc)![1]);
  expect(pitch / 20).toBeCloseTo(28.95, 1);
  expect(Math.floor((297 - 37 - 35) / 25.4 * 1440 / pitch)).toBe(22);
  expect(doc).toMatch(new RegExp(`<w:spacing [^>]*w:line="${pitch}" w:lineRule="exact"`));
  // 28 characters to the 156 mm line: body text set 1/4 pt closer than its 16 pt.
  expect(p['word/styles.xml']! + doc).toContain('<w:spacing w:val="-5"/>');
  expect(Math.floor(((210 - 28 - 26) / 25.4) * 72 / (16 - 5 / 20))).toBe(28);
  // Title 小标宋 二号 (22 pt = 44 half-points), body 仿宋_GB2312 三号 (16 pt).
  expect(doc).toMatch(/w:eastAsia="方正小标宋简体"[^>]*\/>(<[^>]+>)*<w:sz w:val="44"\/>/);
  expect(p['word/styles.xml']).toMatch(/w:eastAsia="仿宋_GB2312"[^>]*\/><w:sz w:val="32"\/>/);
  expect(p['word/settings.xml']).toContain('<w:evenAndOddHeaders/>');
  const footers = Object.entries(p).filter(([name]) => /word\/footer\d+\.xml/.test(name)).map(([, xml]) => xml);
  expect(footers).toHaveLength(2);
  for (const f of footers) {
    expect(f).toContain('PAGE');
    expect(textOf(f)).toBe('—  —');
    expect(f).toContain('<w:sz w:val="28"/>');
  }
  expect(footers.some((f) => f.includes('w:val="right"'))).toBe(true);
  expect(footers.some((f) => f.includes('w:val="left"'))).toBe(true);
}

/** Renders a PDF's page 1 to `artifacts/<name>.png`; the PDF's page count, its text without white space, and each page's. */
function rendered(pdf: Buffer, name: string): { pages: number; text: string; each: string[] } {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, join(ARTIFACTS, name)]);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).normalize('NFKC');
  const each = text.split('\f').map((page) => page.replace(/\s+/g, '')).filter(Boolean);
  return { pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), text: each.join(''), each };
}

describe(`official documents (${DIALECTS[0]})`, () => {
  let t: TestApp;
  const as: Record<string, Client> = {};
  let accusation = '';
  let normal = '';
  let drill = '';
  let sha256 = '';
  let codes: string[] = [];
  let caseIds: string[] = [];

  const ok = async (res: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    return r.json();
  };
  const docx = async (who: string, url: string) => {
    const res = await as[who]!.get(url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    return { res, p: parts(res.rawPayload) };
  };

  beforeAll(async () => {
    t = await testApp(DIALECTS[0]!);
    for (const name of ['admin', 'petition-bureau.staff', 'petition-bureau.principal', 'working-group.leader', 'county-party.leader', 'police-bureau.principal', 'town-hengbu.principal', 'discipline-commission.principal', 'town-tanggou.principal']) {
      as[name] = await Client.as(t.app, name);
    }
    const staff = as['petition-bureau.staff']!;
    const step = (id: string, who: string, body: unknown) => ok(as[who]!.post(`/api/incidents/${id}/commands`, body));

    // An accusation against a township: summons, a note quoting it, a measure approved and taken, evidence, cleared.
    accusation = (await ok(staff.post('/api/incidents', reportBody({ units: ['town-hengbu'], category: 'accusation', matter: ACCUSATION, headcount: 12 })), 201)).incident.id;
    await step(accusation, 'petition-bureau.staff', { do: 'guide', result: 'failed' });
    t.clock.now += 20 * 60_000;
    await step(accusation, 'petition-bureau.staff', { do: 'persuade', result: 'failed' });
    await step(accusation, 'petition-bureau.staff', { do: 'note', text: `群众反映:${ACCUSATION}` });
    await step(accusation, 'police-bureau.principal', { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' });
    await step(accusation, 'county-party.leader', { do: 'approve_measure', id: 'm1', by: 'county-party/leader' });
    await step(accusation, 'police-bureau.principal', { do: 'take_measure', id: 'm1' });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    sha256 = (await ok(staff.request('POST', `/api/incidents/${accusation}/attachments?name=photo.png`, png, { 'content-type': 'image/png' }), 201)).attachment.sha256;
    await step(accusation, 'working-group.leader', { do: 'clear' });

    // An ordinary incident still on site, and a walk-in case with personal data of the same township.
    normal = (await ok(staff.post('/api/incidents', reportBody()), 201)).incident.id;
    await ok(as['petition-bureau.principal']!.post('/api/cases', { matter: '补偿标准争议', units: ['town-hengbu'], personal: { name: PERSONAL, phone: PHONE } }), 201);

    const cases = (await ok(as['admin']!.get('/api/cases?scope=all'))) as { id: string; tracking_code: string }[];
    codes = cases.map((c) => c.tracking_code);
    caseIds = cases.map((c) => c.id);

    // A saved rehearsal of an accusation.
    const source = `name: 演练:检举事项\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - { at: 0m, do: report, venue: residence, headcount: 3, units: [dept-housing], category: accusation, matter: "${DRILL}" }\n  - { at: 5m, do: guide, result: failed }\n  - { at: 40m, do: clear }\n`;
    drill = (await ok(staff.post('/api/drills/reports', { source, name: 'accusation.yaml' }), 201)).id;
  }, 120_000);

  afterAll(async () => t?.close());

  it('prints the incident report in the official layout, with timeline, summons, measures, evidence, the case and the chain head', async () => {
    const { res, p } = await docx('discipline-commission.principal', `/api/incidents/${accusation}/report.docx`);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="incident-report-${accusation}.docx"; filename*=UTF-8''${encodeURIComponent('事件处置报告-巡视组驻地-20260302.docx')}`);
    expectOfficialLayout(p);
    const text = textOf(p['word/document.xml']!);
    for (const words of ['巡视组驻地信访事件处置报告', '一、基本情况', '二、处置经过', '三、到场情况', '四、处置措施', '五、证据材料', '六、后续办理', '七、记录核验']) expect(text).toContain(words);
    expect(text).toContain(ACCUSATION);
    expect(text).toContain('§4.1');
    expect(text).toContain('横埠镇');
    expect(text).toContain('《治安管理处罚法》第二十三条');
    expect(text).toContain('县公安局');
    expect(text).toContain(sha256);
    expect(text).toContain('转纪检监察机关');
    const head = await eventsRepository.head(t.store.db);
    expect(text).toContain(`链头为第${head.seq}条`);
    expect(text).toContain(head.hash!);
    // Issuing body and date.
    expect(text).toMatch(/2026年3月2日$/);
    for (const code of codes) expect(text).not.toContain(code);
    expect(text).not.toContain(PERSONAL);
    expect(text).not.toContain(PHONE);
  });

  it('withholds the accusation, case ids and codes from a reader who may not see them, even where a note quotes it', async () => {
    for (const who of ['town-hengbu.principal', 'petition-bureau.staff', 'admin']) {
      const { p } = await docx(who, `/api/incidents/${accusation}/report.docx`);
      const all = Object.values(p).join('\n');
      expect(all, who).not.toContain(ACCUSATION);
      expect(all, who).not.toContain('截留补偿款');
      expect(textOf(p['word/document.xml']!)).toContain('检举控告类事项,内容仅纪检监察机关可见');
      for (const code of codes) expect(all, who).not.toContain(code);
      expect(all).not.toContain(PERSONAL);
      if (who !== 'admin') for (const id of caseIds) expect(all, who).not.toContain(id);
    }
  });

  it('refuses a report while the incident is still on site, and answers a stable code for a PDF without LibreOffice', async () => {
    const open = await as['working-group.leader']!.get(`/api/incidents/${normal}/report.docx`);
    expect(open.statusCode).toBe(409);
    expect(open.json().error.code).toBe('conflict');
    const before = process.env.YINGJI_SOFFICE;
    process.env.YINGJI_SOFFICE = '/nonexistent/soffice';
    try {
      const res = await as['town-hengbu.principal']!.get(`/api/incidents/${accusation}/report.pdf`);
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatchObject({ code: 'pdf_unavailable', message: '本服务器未安装排版软件,暂不能生成 PDF 文件,请下载可编辑版本' });
    } finally {
      if (before === undefined) delete process.env.YINGJI_SOFFICE;
      else process.env.YINGJI_SOFFICE = before;
    }
  });

  it('prints a drill as the same report, marked 演练 on every page, with the rehearsed accusation withheld', async () => {
    const { res, p } = await docx('town-hengbu.principal', `/api/drills/reports/${drill}/report.docx`);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('事件处置报告-巡视组驻地-20260302-演练.docx'));
    expectOfficialLayout(p);
    const headers = Object.entries(p).filter(([name]) => /word\/header\d+\.xml/.test(name));
    expect(headers).toHaveLength(2);
    for (const [, xml] of headers) expect(textOf(xml).replace(/\s/g, '')).toBe('演练');
    const text = textOf(p['word/document.xml']!);
    expect(text).toContain('信访事件处置报告(演练)');
    expect(text).toContain('不计入问责统计');
    expect(Object.values(p).join('\n')).not.toContain(DRILL);
    expect(textOf((await docx('discipline-commission.principal', `/api/drills/reports/${drill}/report.docx`)).p['word/document.xml']!)).toContain(DRILL);
  });

  it('prints the draft notice and the year-end assessment in the same layout', async () => {
    const notice = await docx('working-group.leader', `/api/reports/notice.docx?${MARCH}`);
    expect(notice.res.headers['content-disposition']).toContain(encodeURIComponent('通报(草稿)-2026-03-01_2026-03-31.docx'));
    expectOfficialLayout(notice.p);
    const text = textOf(notice.p['word/document.xml']!);
    expect(text).toContain('关于2026年3月1日至2026年3月31日信访应急处置到场情况的通报');
    expect(text).toContain('(草稿)');
    expect(text).toContain('各乡镇、县直各有关单位:');
    expect(text).not.toContain(ACCUSATION);

    const year = await docx('working-group.leader', '/api/reports/assessment.docx?year=2026');
    expectOfficialLayout(year.p);
    const yearText = textOf(year.p['word/document.xml']!);
    expect(yearText).toContain('2026年度信访工作考核情况');
    for (const words of ['一、到场纪律', '二、信访事项办理时限', '横埠镇', '县公安局', '按期办结率']) expect(yearText).toContain(words);

    expect((await as['town-hengbu.principal']!.get('/api/reports/assessment.docx?year=2026')).statusCode).toBe(403);
  });

  it.skipIf(!SOFFICE || !POPPLER)(
    'renders each document to PDF and PNG with LibreOffice: A4 pages, the Chinese text in the PDF',
    async () => {
      const pdf = async (who: string, url: string) => {
        const res = await as[who]!.get(url);
        expect(res.statusCode, res.body).toBe(200);
        return res.rawPayload;
      };
      const report = rendered(await pdf('town-hengbu.principal', `/api/incidents/${accusation}/report.pdf`), 'incident-report');
      expect(report.pages).toBeGreaterThanOrEqual(2);
      expect(report.text).toContain('巡视组驻地信访事件处置报告');
      expect(report.text).toContain('七、记录核验');
      expect(report.text).toContain('—1—');
      expect(report.text).not.toContain(ACCUSATION);

      const rehearsal = rendered(await pdf('petition-bureau.staff', `/api/drills/reports/${drill}/report.pdf`), 'drill-report');
      expect(rehearsal.each).toHaveLength(rehearsal.pages);
      for (const page of rehearsal.each) expect(page.startsWith('演练')).toBe(true);

      // The notice and the assessment are rendered through the same converter from their DOCX.
      const { docxToPdf } = await import('./pdf.js');
      for (const [name, url] of [
        ['notice', `/api/reports/notice.docx?${MARCH}`],
        ['assessment', '/api/reports/assessment.docx?year=2026'],
      ] as const) {
        const bytes = (await as['working-group.leader']!.get(url)).rawPayload;
        const page = rendered(await docxToPdf(bytes, url), name);
        expect(page.pages).toBeGreaterThanOrEqual(1);
        expect(page.text).toContain(name === 'notice' ? '信访应急处置到场情况的通报' : '2026年度信访工作考核情况');
      }
    },
    240_000,
  );
});

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeCell, restoreCell, toCsv } from './csv.js';
import { toCsv as tableCsv, type Table } from './reports/export.js';

/* CSV injection (OWASP): no cell the server writes starts a formula. */

const DANGEROUS = ['=1+1', '=HYPERLINK("http://evil.example","x")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1', '-', '+'];
const SAFE = ['钱七', 'town-tanggou', '', '12', '-3', '+8613800000001', '-2.5%', "it's", 'a=b', ' =1'];

describe('CSV cells', () => {
  it("prefixes a text cell that starts with = + - @ tab or CR with ', and leaves others alone", () => {
    for (const text of DANGEROUS) expect(neutralizeCell(text), JSON.stringify(text)).toBe(`'${text}`);
    for (const text of SAFE) expect(neutralizeCell(text), JSON.stringify(text)).toBe(text);
  });

  it('restores what it neutralised, and only that', () => {
    for (const text of [...DANGEROUS, ...SAFE, "'plain", "'-3", "'=1+1", "''@x"]) expect(restoreCell(neutralizeCell(text)), JSON.stringify(text)).toBe(text);
  });

  it('toCsv neutralises every text cell, header included, and writes numbers as numbers', () => {
    const text = toCsv([{ name: '=1+1', n: -5, note: '@x' }], { header: true, columns: ['name', 'n', 'note'] });
    expect(parse(text)).toEqual([
      ['name', 'n', 'note'],
      ["'=1+1", '-5', "'@x"],
    ]);
    expect(toCsv([['-cmd', 'ok']])).toBe("'-cmd,ok\n");
  });

  it('report tables (accountability, assessment) go through it', () => {
    const table: Table<{ unit: string; rate: number }> = {
      sheet: { zh: '表', en: 'Sheet' },
      title: { zh: '表', en: 'Table' },
      columns: [
        { header: { zh: '单位', en: 'Unit' }, format: 'text', value: (r) => r.unit },
        { header: { zh: '比率', en: 'Rate' }, format: 'percent', value: (r) => r.rate },
      ],
      rows: [{ unit: '=WEBSERVICE("http://evil.example")', rate: 0.5 }],
    };
    const rows = parse(tableCsv(table, 'en').replace(/^\ufeff/, '')) as string[][];
    expect(rows).toEqual([
      ['Unit', 'Rate'],
      ['\'=WEBSERVICE("http://evil.example")', '50%'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { RiskCommand, RiskReport } from './commands.js';
import { normaliseText, personalDataIn } from './personal.js';

/*
 * The register's screen for personal data reads text the way a person would: full-width digits,
 * separators inside numbers, traditional characters and hidden characters change nothing.
 */

describe('the personal-data screen normalises text first', () => {
  const refused: [string, string][] = [
    ['电话 １３８１２３４５６７８', 'a phone number'],
    ['联系 138.1234.5678', 'a phone number'],
    ['138 1234 5678', 'a phone number'],
    ['手机:138—1234—5678', 'a phone number'],
    ['+86 138-1234-5678', 'a phone number'],
    ['身份证 110101 19900307 1234', 'an ID number'],
    ['证件 110101.19900307.123X', 'an ID number'],
    ['１１０１０１１９９００３０７１２３４ 带头', 'an ID number'],
    ['维稳对象：赵七', 'a watch-list of people'],
    ['維穩對象：趙七', 'a watch-list of people'],
    ['列为重点人', 'a watch-list of people'],
    ['列為重點人', 'a watch-list of people'],
    ['老上访户又来了', 'a watch-list of people'],
    ['老上訪戶又來了', 'a watch-list of people'],
    ['维 稳 对 象 赵七', 'a watch-list of people'],
    ['维\u200b稳对象', 'a watch-list of people'],
    ['ｋｅｙ ｐｅｒｓｏｎ list', 'a watch-list of people'],
    ['聯繫電話 见附件', 'personal details'],
  ];
  it.each(refused)('refuses %s', (text, what) => {
    expect(personalDataIn(text)).toBe(what);
  });

  const matters = [
    '某工业园企业拖欠工人工资约三个月,涉及40余人',
    '征地补偿款2025年12月未发放到位',
    '汤沟镇新村安置房漏水,约120户',
    '补偿标准每亩30000元',
    '2026-03-09 召开协调会, 13 家企业参加',
    '重点人群就业帮扶资金未到位',
    '引进重点人才的安置房分配',
    '欠薪 138 万元, 涉及 1234 名工人',
  ];
  it.each(matters)('lets a matter through: %s', (text) => {
    expect(personalDataIn(text)).toBeNull();
  });

  it('screens long text without backtracking blow-ups (a million characters)', () => {
    expect(personalDataIn('x'.repeat(1_000_000))).toBeNull();
    expect(personalDataIn(`${'a@'.repeat(200_000)}b`)).toBeNull();
    expect(personalDataIn(`${'x'.repeat(500_000)} zhang@example.com`)).toBe('an e-mail address');
  });

  it('reads full-width forms, hidden characters and traditional characters as plain simplified text', () => {
    expect(normaliseText('１３８　ＡＢ')).toBe('138 AB');
    expect(normaliseText('重\u200b點人')).toBe('重点人');
  });

  it('the commands refuse such text at the schema', () => {
    const report = { unit: 'town-tanggou', matter: '欠薪', place: '工业园', affected: 10 };
    expect(RiskReport.safeParse(report).success).toBe(true);
    expect(RiskReport.safeParse({ ...report, matter: '欠薪,联系人电话 １３８１２３４５６７８' }).success).toBe(false);
    expect(RiskReport.safeParse({ ...report, place: '维稳对象：赵七家' }).success).toBe(false);
    expect(RiskCommand.safeParse({ do: 'record_action', text: '身份证 110101 19900307 1234 的人带头' }).success).toBe(false);
    expect(RiskCommand.safeParse({ do: 'raise_sign', text: '上訪戶 138.1234.5678 打算进京' }).success).toBe(false);
    expect(RiskCommand.safeParse({ do: 'raise_sign', text: '工人打算周一到县政府反映欠薪' }).success).toBe(true);
  });
});

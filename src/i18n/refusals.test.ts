import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages.js';
import { langOf, refusal, REFUSALS, say, sayIssues } from './refusals.js';

/** The members of a string-literal union type, read from its source file. */
function unionMembers(file: string, type: string): string[] {
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  const body = new RegExp(`export type ${type} =([^;]+);`).exec(source)?.[1] ?? '';
  return [...body.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
}

describe('refusal texts', () => {
  it('every rejection code of incidents, cases and the register has words in Chinese and English', () => {
    const codes = [
      ...unionMembers('../engine/incident/events.ts', 'RejectionCode').map((c) => `rejection.${c}`),
      ...unionMembers('../engine/case/events.ts', 'CaseRejectionCode').map((c) => `case.rejection.${c}`),
      ...unionMembers('../engine/risk/events.ts', 'RiskRejectionCode').map((c) => `risk.rejection.${c}`),
    ];
    expect(codes).toContain('rejection.stood_down');
    expect(codes).toContain('rejection.declined_needs_reason');
    expect(codes.length).toBeGreaterThan(50);
    for (const key of codes) {
      for (const lang of ['zh', 'en'] as const) {
        // The web UI and the CLI read them from MESSAGES; the server from REFUSALS.
        expect((MESSAGES[lang] as Record<string, string>)[key], `${lang} ${key}`).toEqual(expect.any(String));
        expect((REFUSALS[lang] as Record<string, string>)[key], `${lang} ${key}`).toBeTruthy();
      }
    }
  });

  it('the web says no in the same words: its locale files neither reuse a refusal key nor repeat a refusal text', async () => {
    // Imported by path: the web's files are the web's (bundler) project, not the server's.
    const locale = async (lang: 'zh' | 'en') => ((await import(new URL(`../../web/src/locales/${lang}.ts`, import.meta.url).href)) as Record<typeof lang, Record<string, string>>)[lang];
    const web = { zh: await locale('zh'), en: await locale('en') };
    expect(Object.keys(web.zh).length).toBeGreaterThan(100);
    // The same words up to case, spacing and punctuation (`,` or `，`, a closing `。`).
    const plain = (text: string) => text.toLowerCase().replace(/[\s\p{P}]/gu, '');
    const refusals = Object.keys(REFUSALS.zh) as (keyof typeof REFUSALS.zh)[];
    for (const key of Object.keys(web.zh)) {
      expect(refusals, `web key ${key} shadows a refusal`).not.toContain(key);
      const copy = refusals.find((r) => plain(REFUSALS.zh[r]) === plain(web.zh[key]!) && plain(REFUSALS.en[r]) === plain(web.en[key] ?? ''));
      expect(copy, `web key ${key} repeats a refusal's words`).toBeUndefined();
    }
  });

  it('the Chinese words hold no identifiers: no snake_case codes, command names or English words', () => {
    for (const [key, text] of Object.entries(REFUSALS.zh)) {
      expect(text, key).toMatch(/\p{Script=Han}/u);
      // Placeholders, clause numbers and technical names (U+0000, run_until) aside.
      const words = text.replace(/\{\{\w+\}\}/g, '').replace(/U\+0000|run_until|PDF/g, '').match(/[A-Za-z]{2,}/g) ?? [];
      expect(words, key).toEqual([]);
    }
    expect(Object.keys(REFUSALS.en).sort()).toEqual(Object.keys(REFUSALS.zh).sort());
  });

  it('says a refusal with its values, a name in the reader language and a nested reason', () => {
    const why = refusal('forbidden.command.approve_measure');
    const r = refusal('forbidden.not_holder', { role: { zh: '县政府组长', en: 'County Government — Leader' }, why });
    expect(say('zh', r)).toBe('您不担任县政府组长;只有县委、县政府负责同志可以批准重大处置措施(§5.1)');
    expect(say('en', r)).toBe('you do not hold County Government — Leader; only a county party-committee or county-government leader approves measures (§5.1)');
    expect(say('zh', refusal('auth.throttled', { seconds: 8 }))).toBe('登录失败次数过多,请8秒后再试');
  });

  it('reads Accept-Language: English only when it is preferred over Chinese', () => {
    expect(langOf(undefined)).toBe('zh');
    expect(langOf('*')).toBe('zh');
    expect(langOf('en')).toBe('en');
    expect(langOf('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(langOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(langOf('de-DE, en;q=0.1')).toBe('en');
    expect(langOf('en;q=0')).toBe('zh');
  });

  it('puts input errors into words: the field by name, the problem plainly', () => {
    const issues = [
      { path: '/units/0', code: 'too_big', message: 'Too big', params: { origin: 'string', maximum: 64 } },
      { path: '/matter', code: 'custom', message: 'the register records matters, not people', params: { params: { refusal: 'risk.rejection.personal_data' } } },
      { path: '', code: 'unrecognized_keys', message: 'Unrecognized key: "x"', params: { keys: ['x'] } },
    ];
    expect(sayIssues('zh', issues)).toBe('责任单位:最多64个字;事项:登记只记事项,不记人:请删去个人信息;有不认识的字段:x');
    expect(sayIssues('en', issues)).toBe('/units/0: Too big; /matter: the register records matters, not people; (body): Unrecognized key: "x"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, reportBody, testApp, type TestApp } from '../../test/support/server.js';

/*
 * Refusals in the reader's language (issue 11 §2): sign-in errors, permission refusals (403),
 * the engine's rejections (409) and input errors (400) come back in the language the client asks
 * for with `Accept-Language`, Chinese when it names none, never as a raw code or English inside
 * the Chinese UI.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const ZH = {};
const EN = { 'accept-language': 'en-US,en;q=0.9' };
const HAN = /\p{Script=Han}/u;

describe('errors in the language the client asks for (sqlite)', () => {
  let t: TestApp;
  let staff: Client;
  let town: Client;
  let police: Client;
  let leader: Client;
  let group: Client;

  beforeAll(async () => {
    t = await testApp('sqlite', T0);
    staff = await Client.as(t.app, 'petition-bureau.staff');
    town = await Client.as(t.app, 'town-tanggou.principal');
    police = await Client.as(t.app, 'police-bureau.principal');
    leader = await Client.as(t.app, 'county-party.leader');
    group = await Client.as(t.app, 'working-group.leader');
  }, 60_000);
  afterAll(async () => t?.close());

  const error = async (res: Promise<{ statusCode: number; body: string }>, status: number) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(status);
    return JSON.parse(r.body).error as { code: string; message: string; reason?: string };
  };

  it('picks the language from Accept-Language: English only when preferred, Chinese otherwise', async () => {
    // A new name each time: the sign-in limits must not answer instead (5 failures per address and name).
    let n = 0;
    const login = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/login', headers, payload: { username: `nobody-${n++}`, password: 'wrong-password' } });
    const said = async (headers: Record<string, string>) => (await error(login(headers), 401)).message;
    expect(await said({})).toBe('用户名或密码错误');
    expect(await said({ 'accept-language': '*' })).toBe('用户名或密码错误');
    expect(await said({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })).toBe('用户名或密码错误');
    expect(await said({ 'accept-language': 'en-GB' })).toBe('wrong user name or password');
    expect(await said({ 'accept-language': 'zh;q=0.5, en;q=0.9' })).toBe('wrong user name or password');
    expect(await said({ 'accept-language': 'fr-FR' })).toBe('用户名或密码错误');
  });

  it('permission refusals (403) of incidents, cases and the register', async () => {
    const report = (headers: Record<string, string>) => town.post('/api/incidents', reportBody(), headers);
    expect(await error(report(ZH), 403)).toEqual({ code: 'forbidden', message: '由县信访局现场工作人员、公安民警或工作小组报告事件' });
    expect(await error(report(EN), 403)).toEqual({ code: 'forbidden', message: 'venue staff, the police or the working group report incidents' });

    const register = (headers: Record<string, string>) => town.post('/api/cases', { matter: '反映拖欠工资', units: ['town-tanggou'] }, headers);
    expect((await error(register(ZH), 403)).message).toBe('由县信访局或县联席办登记来访');
    expect((await error(register(EN), 403)).message).toBe('the petition bureau or the joint office registers visits');

    const risk = (headers: Record<string, string>) => police.post('/api/risks', { unit: 'town-tanggou', matter: '某企业拖欠工资', place: '工业园', affected: 40 }, headers);
    expect((await error(risk(ZH), 403)).message).toBe('由乡镇和县直部门登记本地区、本部门的事项(§6)');
    expect((await error(risk(EN), 403)).message).toBe('townships and county departments report the matters of their areas (§6)');

    const reports = (headers: Record<string, string>) => town.request('GET', '/api/reports/accountability', undefined, headers);
    expect((await error(reports(ZH), 403)).message).toBe('只有管理员、工作小组、县领导和县信访局可以查看考核情况');
  });

  it("the engine's rejections (409), the new ones included: a stood-down summons, a declined measure taken without a reason", async () => {
    const id = (await staff.post('/api/incidents', reportBody())).json().id as string;
    const cmd = (c: Client, body: unknown, headers: Record<string, string> = {}) => c.post(`/api/incidents/${id}/commands`, body, headers);
    expect((await cmd(staff, { do: 'guide', result: 'failed' })).statusCode).toBe(200);
    expect((await cmd(staff, { do: 'persuade', result: 'failed' })).statusCode).toBe(200);
    expect((await cmd(police, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条' })).statusCode).toBe(200);
    expect((await cmd(leader, { do: 'decline_measure', id: 'm1', by: 'county-party/leader', reason: '先行劝导' })).statusCode).toBe(200);
    const take = (headers: Record<string, string>) => cmd(police, { do: 'take_measure', id: 'm1' }, headers);
    expect(await error(take(ZH), 409)).toMatchObject({ code: 'rejected', reason: 'declined_needs_reason', message: '县领导已不同意该措施;仍要实施,须写明理由,并将标记为未经批准(§5.1)' });
    expect(await error(take(EN), 409)).toMatchObject({ reason: 'declined_needs_reason', message: expect.stringMatching(/^a county leader declined this measure/) });

    expect((await cmd(group, { do: 'clear' })).statusCode).toBe(200);
    const ack = (headers: Record<string, string>) => cmd(town, { do: 'ack', role: 'town-tanggou/principal' }, headers);
    expect(await error(ack(ZH), 409)).toMatchObject({ reason: 'stood_down', message: '现场处置已结束,该到场通知已解除,无需到场' });
    expect(await error(ack(EN), 409)).toMatchObject({ reason: 'stood_down', message: 'the incident was cleared and this summons stood down: no need to come' });
  });

  it('input errors (400) name the field in words, and say what is wrong', async () => {
    const bad = (headers: Record<string, string>) => staff.post('/api/incidents', reportBody({ headcount: 0, matter: '' }), headers);
    const zh = await error(bad(ZH), 400);
    expect(zh.code).toBe('bad_request');
    expect(zh.message).toBe('人数:不能小于1;事项:未填写');
    expect(zh.message).not.toMatch(/[a-z]{3,}/);
    expect((await error(bad(EN), 400)).message).toMatch(/^\/headcount: .*; \/matter: /);
    // Errors without words of their own still read in Chinese; the English stays in `detail`.
    const notJson = await staff.post('/api/incidents', '{"venue":', { 'content-type': 'application/json' });
    expect(JSON.parse(notJson.body).error).toMatchObject({ code: 'bad_request', message: '请求有误,未作任何更改', detail: expect.any(String) });
    expect(JSON.parse(notJson.body).error.message).toMatch(HAN);
  });
});

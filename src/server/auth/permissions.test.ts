import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';
import type { CommandName } from '../../engine/incident/commands.js';
import { demoUsername } from '../demo.js';
import { say } from '../../i18n/refusals.js';
import { COMMAND_RULES } from './permissions.js';
import { attachmentsRepository } from '../../store/attachments.repository.js';

/*
 * The permission matrix (COMMAND_RULES), row by row, through the HTTP API: for every command
 * at least one role that may issue it (never 403) and one that may not (403 `forbidden`
 * with the rule's reason, nothing recorded). Permissions do not depend on the database, so
 * this runs on SQLite only.
 */

/** A rule's reason as the server says it when the client names no language: in Chinese (refusals.ts). */
const why = (name: CommandName) => say('zh', COMMAND_RULES[name].why);

const STAFF = 'petition-bureau.staff';
const WG_LEADER = 'working-group.leader';
const TOWN = 'town-tanggou.principal';
const OTHER_TOWN = 'town-hengbu.principal';
const POLICE = 'police-station-zongyang.responsible';
const PARTY = 'county-party.leader';
const GOVERNMENT = 'county-government.leader';

/** The role a demo user holds: the user name with the first `.` turned back into `/`. */
const roleOf = (username: string) => username.replace('.', '/');

type Cmd = Record<string, unknown> & { do: string };

let t: TestApp;
const clients = new Map<string, Client>();

async function as(username: string): Promise<Client> {
  let c = clients.get(username);
  if (!c) {
    c = await Client.as(t.app, username);
    clients.set(username, c);
  }
  return c;
}

/** The last sequence number of the event log. */
async function headSeq(): Promise<number> {
  const res = await (await as(STAFF)).get('/api/events?after=0&limit=5000');
  expect(res.statusCode).toBe(200);
  const events = res.json() as { seq: number }[];
  return events.length ? events[events.length - 1]!.seq : 0;
}

async function eventsAfter(seq: number): Promise<any[]> {
  const res = await (await as(STAFF)).get(`/api/events?after=${seq}`);
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function report(over: Record<string, unknown> = {}): Promise<string> {
  const res = await (await as(STAFF)).post('/api/incidents', reportBody(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** A 1×1 PNG: evidence goes through the attachments endpoint, which issues the `attach` command. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function issue(username: string, id: string, command: Cmd): Promise<LightMyRequestResponse> {
  if (command.do === 'attach') {
    return (await as(username)).post(`/api/incidents/${id}/attachments?name=photo.png`, PNG, { 'content-type': 'image/png' });
  }
  return (await as(username)).post(`/api/incidents/${id}/commands`, command);
}

async function must(username: string, id: string, command: Cmd): Promise<any> {
  const res = await issue(username, id, command);
  expect(res.statusCode, `${username} ${JSON.stringify(command)}: ${res.body}`).toBe(200);
  return res.json();
}

/* --- Incidents brought to where a command makes sense. Each returns the incident's id. */
const fresh = () => report();
/** The guide failed: town-tanggou's principal is summoned (§4.1 step 2). */
async function summoned(): Promise<string> {
  const id = await report();
  await must(STAFF, id, { do: 'guide', result: 'failed' });
  return id;
}
/** Two townships summoned. */
async function twoSummoned(): Promise<string> {
  const id = await report({ units: ['town-tanggou', 'town-hengbu'] });
  await must(STAFF, id, { do: 'guide', result: 'failed' });
  return id;
}
/** town-tanggou's principal summoned and on site. */
async function arrived(): Promise<string> {
  const id = await summoned();
  await must(TOWN, id, { do: 'arrive', role: 'town-tanggou/principal' });
  return id;
}
/** A removal has been proposed by the police (m1). */
async function proposed(): Promise<string> {
  const id = await report();
  await must(POLICE, id, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《中华人民共和国人民警察法》第八条' });
  return id;
}

interface Allowed {
  user: string;
  /** The role the event must record; the user's own role by default. */
  role?: string;
  onBehalf?: boolean;
  command?: Cmd;
  setup?: () => Promise<string>;
}
interface Denied {
  user: string;
  command?: Cmd;
  setup?: () => Promise<string>;
  /** The refusal's message; the rule's `why` by default. */
  message?: string;
}
interface Row {
  command: Cmd;
  setup: () => Promise<string>;
  allowed: Allowed[];
  denied: Denied[];
}

const ack = (role: string) => ({ do: 'ack', role });
const arrive = (role: string) => ({ do: 'arrive', role });
const leave = (role: string) => ({ do: 'leave', role });
const TANGGOU = 'town-tanggou/principal';

/** One row per command of COMMAND_RULES; `report` goes through POST /api/incidents. */
const MATRIX: Record<CommandName, Row> = {
  report: {
    command: { do: 'report' }, // sent as reportBody() to POST /api/incidents
    setup: async () => '',
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: 'working-group.member' }, { user: POLICE }, { user: 'police-bureau.duty-leader' }],
    denied: [{ user: TOWN }, { user: PARTY }, { user: 'dept-housing.principal' }, { user: 'petition-bureau.principal' }],
  },
  headcount: {
    command: { do: 'headcount', value: 9 },
    setup: fresh,
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: 'police-special-patrol.responsible' }],
    denied: [{ user: TOWN, setup: summoned }, { user: GOVERNMENT }, { user: 'joint-office.principal' }],
  },
  behavior: {
    command: { do: 'behavior', kind: 'banner' },
    setup: fresh,
    allowed: [{ user: STAFF }, { user: 'working-group.deputy' }, { user: 'police-public-order.principal' }],
    denied: [{ user: TOWN, setup: summoned }, { user: PARTY }, { user: 'discipline-commission.principal' }],
  },
  guide: {
    command: { do: 'guide', result: 'failed' },
    setup: fresh,
    allowed: [{ user: STAFF }, { user: WG_LEADER }],
    denied: [{ user: POLICE }, { user: TOWN }, { user: PARTY }, { user: 'petition-bureau.responsible' }],
  },
  persuade: {
    command: { do: 'persuade', result: 'failed' },
    setup: summoned,
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: TOWN }],
    denied: [
      { user: TOWN, setup: fresh }, // not (yet) summoned
      { user: OTHER_TOWN },
      { user: POLICE },
      { user: PARTY },
    ],
  },
  escalate: {
    command: { do: 'escalate', reason: '人数增加' },
    setup: fresh,
    allowed: [{ user: WG_LEADER }, { user: 'working-group.executive-deputy' }, { user: 'working-group.member' }],
    denied: [{ user: STAFF }, { user: 'police-bureau.principal' }, { user: PARTY }, { user: TOWN, setup: summoned }],
  },
  ack: {
    command: ack(TANGGOU),
    setup: summoned,
    allowed: [{ user: TOWN }, { user: STAFF, onBehalf: true }],
    denied: [
      { user: TOWN, command: ack('town-hengbu/principal'), setup: twoSummoned },
      { user: OTHER_TOWN, setup: twoSummoned },
      { user: 'town-tanggou.responsible' },
      { user: WG_LEADER },
      { user: POLICE },
    ],
  },
  arrive: {
    command: arrive(TANGGOU),
    setup: summoned,
    allowed: [{ user: TOWN }, { user: STAFF, onBehalf: true }],
    denied: [
      { user: TOWN, command: arrive('town-hengbu/principal'), setup: twoSummoned },
      { user: OTHER_TOWN, setup: twoSummoned },
      { user: 'town-tanggou.responsible' },
      { user: WG_LEADER },
      { user: PARTY },
    ],
  },
  leave: {
    command: leave(TANGGOU),
    setup: arrived,
    allowed: [{ user: TOWN }, { user: STAFF, onBehalf: true }],
    denied: [{ user: OTHER_TOWN }, { user: WG_LEADER }, { user: POLICE }],
  },
  note: {
    command: { do: 'note', text: '现场秩序平稳' },
    setup: summoned,
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: POLICE }, { user: TOWN }],
    denied: [{ user: TOWN, setup: fresh }, { user: OTHER_TOWN }, { user: PARTY }],
  },
  attach: {
    command: { do: 'attach' },
    setup: summoned,
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: POLICE }, { user: TOWN }],
    denied: [{ user: OTHER_TOWN }, { user: PARTY }],
  },
  mark_major: {
    command: { do: 'mark_major', reason: '涉及多个部门' },
    setup: fresh,
    allowed: [{ user: WG_LEADER }, { user: 'working-group.deputy' }],
    denied: [{ user: STAFF }, { user: 'police-bureau.principal' }, { user: PARTY }],
  },
  mark_concluded: {
    command: { do: 'mark_concluded' },
    setup: fresh,
    allowed: [{ user: WG_LEADER }, { user: 'working-group.executive-deputy' }],
    denied: [{ user: STAFF }, { user: POLICE }, { user: GOVERNMENT }, { user: TOWN, setup: summoned }],
  },
  request_measure: {
    command: { do: 'request_measure', id: 'm1', kind: 'removal', basis: '《中华人民共和国人民警察法》第八条' },
    setup: fresh,
    allowed: [{ user: POLICE }, { user: 'police-bureau.duty-leader' }, { user: WG_LEADER }],
    denied: [{ user: STAFF }, { user: PARTY }, { user: TOWN, setup: summoned }],
  },
  approve_measure: {
    command: { do: 'approve_measure', id: 'm1', by: 'county-party/leader' },
    setup: proposed,
    allowed: [
      { user: PARTY },
      { user: GOVERNMENT, command: { do: 'approve_measure', id: 'm1', by: 'county-government/leader' } },
    ],
    denied: [
      {
        user: PARTY,
        command: { do: 'approve_measure', id: 'm1', by: 'county-government/leader' },
        message: `您不担任县政府组长;${why('approve_measure')}`,
      },
      { user: GOVERNMENT, message: `您不担任县委组长;${why('approve_measure')}` },
      { user: WG_LEADER, message: `您不担任县委组长;${why('approve_measure')}` },
      { user: POLICE, message: `您不担任县委组长;${why('approve_measure')}` },
    ],
  },
  decline_measure: {
    command: { do: 'decline_measure', id: 'm1', by: 'county-government/leader', reason: '先行劝导' },
    setup: proposed,
    allowed: [
      { user: GOVERNMENT },
      { user: PARTY, command: { do: 'decline_measure', id: 'm1', by: 'county-party/leader', reason: '先行劝导' } },
    ],
    denied: [
      { user: PARTY, message: `您不担任县政府组长;${why('decline_measure')}` },
      { user: STAFF, message: `您不担任县政府组长;${why('decline_measure')}` },
    ],
  },
  take_measure: {
    command: { do: 'take_measure', id: 'm1' },
    setup: proposed,
    allowed: [{ user: POLICE }, { user: 'police-bureau.duty-leader' }, { user: 'police-special-patrol.principal' }],
    denied: [{ user: WG_LEADER }, { user: STAFF }, { user: PARTY }],
  },
  clear: {
    command: { do: 'clear' },
    setup: fresh,
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: POLICE }],
    denied: [{ user: TOWN, setup: summoned }, { user: PARTY }, { user: 'dept-housing.principal' }],
  },
  place: {
    command: { do: 'place', site_plan: 'a'.repeat(64), marks: [{ kind: 'crowd', x: 0.4, y: 0.6, label: '大门口' }, { kind: 'police', x: 0.5, y: 0.5 }] },
    setup: summoned,
    allowed: [{ user: STAFF }, { user: WG_LEADER }, { user: POLICE }],
    denied: [{ user: TOWN }, { user: PARTY }, { user: 'dept-housing.principal' }],
  },
  close: {
    command: { do: 'close' },
    setup: fresh,
    allowed: [{ user: WG_LEADER }, { user: 'working-group.member' }],
    denied: [{ user: STAFF }, { user: 'police-bureau.principal' }, { user: PARTY }],
  },
};

describe('the permission matrix, row by row (sqlite)', () => {
  beforeEach(async () => {
    t = await testApp('sqlite');
    // `place` names the stored site plan its marks are placed on.
    await attachmentsRepository.insertSitePlan(t.store.db, { sha256: 'a'.repeat(64), media_type: 'image/svg+xml', width: 800, height: 500, size: 0, content: '', created_at: 0, created_by: null });
  });
  afterEach(async () => {
    clients.clear();
    await t.close();
  });

  it('has a row here for every command of COMMAND_RULES', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(COMMAND_RULES).sort());
  });

  for (const [name, row] of Object.entries(MATRIX) as [CommandName, Row][]) {
    it(`${name}: allowed for ${row.allowed.map((a) => a.user).join(', ')}; refused (403) for ${row.denied.map((d) => d.user).join(', ')}`, async () => {
      for (const a of row.allowed) {
        const command = a.command ?? row.command;
        const id = name === 'report' ? '' : await (a.setup ?? row.setup)();
        const before = await headSeq();
        const res =
          name === 'report'
            ? await (await as(a.user)).post('/api/incidents', reportBody())
            : await issue(a.user, id, command);
        expect(res.statusCode, `${a.user} ${JSON.stringify(command)}: ${res.body}`).toBe(name === 'report' || name === 'attach' ? 201 : 200);
        // Every event the command caused records who issued it and in which role.
        const caused = await eventsAfter(before);
        expect(caused.length).toBeGreaterThan(0);
        for (const e of caused) {
          expect(e.actor, `${e.type} by ${a.user}`).toEqual({ user: a.user, role: a.role ?? roleOf(a.user), on_behalf: a.onBehalf ?? false });
        }
      }
      for (const d of row.denied) {
        const command = d.command ?? row.command;
        const id = name === 'report' ? '' : await (d.setup ?? row.setup)();
        const before = await headSeq();
        const res =
          name === 'report'
            ? await (await as(d.user)).post('/api/incidents', reportBody())
            : await issue(d.user, id, command);
        expect(res.statusCode, `${d.user} ${JSON.stringify(command)}: ${res.body}`).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
        expect(res.json().error.message).toBe(d.message ?? why(name));
        // Nothing was recorded: no event, no rejection on the incident.
        expect(await headSeq()).toBe(before);
        if (id) {
          const view = (await (await as(STAFF)).get(`/api/incidents/${id}`)).json();
          expect(view.rejected).toEqual([]);
        }
      }
    });
  }
});


describe('who acts, and for whom (sqlite)', () => {
  beforeEach(async () => {
    t = await testApp('sqlite');
  });
  afterEach(async () => {
    clients.clear();
    await t.close();
  });

  it('a summoned principal acknowledges and checks in for their own role, not for another unit', async () => {
    const id = await twoSummoned();
    const before = await headSeq();
    const other = await issue(TOWN, id, ack('town-hengbu/principal'));
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatchObject({ code: 'forbidden', message: why('ack') });
    const otherArrive = await issue(TOWN, id, arrive('town-hengbu/principal'));
    expect(otherArrive.statusCode).toBe(403);
    expect(otherArrive.json().error).toMatchObject({ code: 'forbidden', message: why('arrive') });
    expect(await headSeq()).toBe(before);

    await must(TOWN, id, ack(TANGGOU));
    const view = await must(TOWN, id, arrive(TANGGOU));
    const mine = view.summons.find((s: any) => s.role === TANGGOU);
    const theirs = view.summons.find((s: any) => s.role === 'town-hengbu/principal');
    expect(mine).toMatchObject({ acked_at: expect.any(String), arrived_at: expect.any(String), status: 'on_time' });
    expect(theirs).toMatchObject({ acked_at: null, arrived_at: null, status: 'pending' });

    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, e.role, e.actor])).toEqual([
      ['summons_acknowledged', TANGGOU, { user: TOWN, role: TANGGOU, on_behalf: false }],
      ['arrival_recorded', TANGGOU, { user: TOWN, role: TANGGOU, on_behalf: false }],
    ]);
  });

  it('venue staff may check someone in on their behalf: the event records the staff user and role, on_behalf: true', async () => {
    const id = await twoSummoned();
    const before = await headSeq();
    const view = await must(STAFF, id, arrive('town-hengbu/principal'));
    expect(view.summons.find((s: any) => s.role === 'town-hengbu/principal').arrived_at).not.toBeNull();
    await must(STAFF, id, ack(TANGGOU));
    const events = await eventsAfter(before);
    expect(events.map((e) => ({ type: e.type, role: e.role, actor: e.actor }))).toEqual([
      { type: 'arrival_recorded', role: 'town-hengbu/principal', actor: { user: STAFF, role: 'petition-bureau/staff', on_behalf: true } },
      { type: 'summons_acknowledged', role: TANGGOU, actor: { user: STAFF, role: 'petition-bureau/staff', on_behalf: true } },
    ]);
    // The timeline of the incident shows the same.
    const timeline = (await (await as(WG_LEADER)).get(`/api/incidents/${id}/events`)).json() as any[];
    expect(timeline.find((e) => e.type === 'arrival_recorded').actor).toEqual({ user: STAFF, role: 'petition-bureau/staff', on_behalf: true });
  });

  it('staff may not act on behalf for anything but ack, arrive and leave', async () => {
    const id = await proposed();
    const res = await issue(STAFF, id, { do: 'take_measure', id: 'm1' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'forbidden', message: why('take_measure') });
  });

  it('only the working group escalates, marks major or concluded, and closes', async () => {
    const id = await summoned();
    for (const command of [{ do: 'escalate' }, { do: 'mark_major' }, { do: 'mark_concluded' }, { do: 'close' }]) {
      for (const user of [STAFF, TOWN, POLICE, PARTY, GOVERNMENT, 'police-bureau.principal', 'joint-office.principal']) {
        const res = await issue(user, id, command);
        expect(res.statusCode, `${user} ${command.do}`).toBe(403);
        expect(res.json().error).toEqual({ code: 'forbidden', message: why(command.do as CommandName) });
      }
    }
    const escalated = await must('working-group.deputy', id, { do: 'escalate', reason: '劝返无效' });
    expect(escalated.incident.activated_at).not.toBeNull();
    expect((await must(WG_LEADER, id, { do: 'mark_major' })).incident.major).toBe(true);
    expect((await must('working-group.executive-deputy', id, { do: 'mark_concluded' })).incident.concluded).toBe(true);
    const closed = await must('working-group.member', id, { do: 'close' });
    expect(closed.incident.status).toBe('closed');
    expect(closed.cases).toHaveLength(1);
  });

  it('only county-party.leader and county-government.leader approve, each only as a role they hold', async () => {
    const id = await proposed();
    const foreign = await issue(PARTY, id, { do: 'approve_measure', id: 'm1', by: 'county-government/leader' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('forbidden');
    expect(foreign.json().error.message).toBe(`您不担任县政府组长;${why('approve_measure')}`);
    const english = await (await as(PARTY)).post(`/api/incidents/${id}/commands`, { do: 'approve_measure', id: 'm1', by: 'county-government/leader' }, { 'accept-language': 'en' });
    expect(english.json().error.message).toMatch(/^you do not hold County Government\b.*; only a county party-committee or county-government leader approves measures \(§5\.1\)$/);

    const view = await must(PARTY, id, { do: 'approve_measure', id: 'm1', by: 'county-party/leader' });
    expect(view.measures[0]).toMatchObject({ id: 'm1', approved_by: 'county-party/leader', approved_at: expect.any(String) });
    const taken = await must(POLICE, id, { do: 'take_measure', id: 'm1' });
    expect(taken.measures[0]).toMatchObject({ taken_at: expect.any(String), flagged: false });
  });

  it('police take measures; one taken without approval is flagged, and a county leader may approve after the fact', async () => {
    const id = await proposed();
    const taken = await must('police-bureau.duty-leader', id, { do: 'take_measure', id: 'm1' });
    expect(taken.measures[0]).toMatchObject({ flagged: true, approved_at: null });
    const approved = await must(GOVERNMENT, id, { do: 'approve_measure', id: 'm1', by: 'county-government/leader' });
    expect(approved.measures[0]).toMatchObject({ approved_by: 'county-government/leader' });
  });

  // Permission checks who acts in which role; whether that role may approve is the plan's rule
  // (§5.1, contract §1): refused by the engine, answered 409 and recorded as a rejection.
  it('naming a role one holds that may not approve is a recorded rejection (409), not a permission refusal', async () => {
    const id = await proposed();
    for (const [user, by] of [
      [WG_LEADER, 'working-group/leader'],
      [POLICE, 'police-station-zongyang/responsible'],
    ] as const) {
      const res = await issue(user, id, { do: 'approve_measure', id: 'm1', by });
      expect(res.statusCode, `${user} approving as ${by}: ${res.body}`).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'rejected', reason: 'not_approver' });
    }
    const view = (await (await as(STAFF)).get(`/api/incidents/${id}`)).json();
    expect(view.rejected.map((r: { code: string }) => r.code)).toEqual(['not_approver', 'not_approver']);
    expect(view.measures[0].approved_by).toBeNull();
  });

  it('an administrator may act in any role, recorded as the administrator; the rules still apply', async () => {
    const id = await report({ headcount: 30 });
    await must('admin', id, { do: 'escalate' });
    await must('admin', id, { do: 'request_measure', id: 'm1', kind: 'removal', basis: '依法' });
    const approved = await must('admin', id, { do: 'approve_measure', id: 'm1', by: 'county-party/leader' });
    expect(approved.measures[0]).toMatchObject({ approved_by: 'county-party/leader' });
    const refused = await issue('admin', id, { do: 'approve_measure', id: 'm1', by: 'county-government/leader' });
    expect(refused.statusCode).toBe(409);
    const events = await eventsAfter(0);
    const approval = events.find((e) => e.type === 'measure_approved');
    expect(approval.actor).toEqual({ user: 'admin', role: 'county-party/leader', on_behalf: false });
  });

  it('every event a command causes records the issuing user and role', async () => {
    const before = await headSeq();
    const id = await report({ headcount: 12 });
    await must(STAFF, id, { do: 'guide', result: 'failed' }); // summons the principal
    await must(TOWN, id, { do: 'persuade', result: 'failed' }); // activates: tier 2 police summoned
    await must('police-special-patrol.responsible', id, { do: 'headcount', value: 25 }); // tier 3 adds
    await must(WG_LEADER, id, { do: 'note', text: '已报告县领导' });
    await must(STAFF, id, { do: 'clear' }); // opens the case
    const events = await eventsAfter(before);
    expect(events.length).toBeGreaterThan(10);
    const grouped = new Map<string, string[]>();
    for (const e of events) {
      expect(e.actor, `${e.seq} ${e.type}`).not.toBeNull();
      expect(Object.keys(e.actor).sort()).toEqual(['on_behalf', 'role', 'user']);
      grouped.set(e.actor.user, [...(grouped.get(e.actor.user) ?? []), e.type]);
      expect(e.actor.role).toBe(roleOf(e.actor.user));
    }
    expect(grouped.get(STAFF)).toEqual(expect.arrayContaining(['incident_reported', 'guidance_attempted', 'summons_issued', 'incident_cleared', 'case_opened']));
    expect(grouped.get(TOWN)).toEqual(expect.arrayContaining(['persuasion_attempted', 'plan_activated', 'summons_issued']));
    expect(grouped.get('police-special-patrol.responsible')).toEqual(expect.arrayContaining(['headcount_updated', 'tier_raised', 'summons_issued']));
    expect(grouped.get(WG_LEADER)).toEqual(['note_posted']);
  });

  it('a refused-by-the-rules command (409) is recorded as a rejection under the issuing user and role', async () => {
    const id = await fresh();
    const before = await headSeq();
    const res = await issue(TOWN, id, { do: 'persuade', result: 'failed' });
    expect(res.statusCode).toBe(403);
    const again = await issue(WG_LEADER, id, { do: 'mark_major' });
    expect(again.statusCode).toBe(200);
    const twice = await issue(WG_LEADER, id, { do: 'mark_major' });
    expect(twice.statusCode).toBe(409);
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['marked_major', { user: WG_LEADER, role: 'working-group/leader', on_behalf: false }],
      ['command_rejected', { user: WG_LEADER, role: 'working-group/leader', on_behalf: false }],
    ]);
  });

  it('everyone signed in reads GET /api/incidents and GET /api/incidents/:id', async () => {
    const id = await fresh();
    const plan = await t.plans.current();
    const usernames = [...plan.roles].map(demoUsername).concat('admin');
    expect(usernames.length).toBeGreaterThan(30);
    for (const user of usernames) {
      const c = await Client.as(t.app, user);
      const list = await c.get('/api/incidents');
      expect(list.statusCode, user).toBe(200);
      expect(list.json().map((x: any) => x.id)).toEqual([id]);
      const one = await c.get(`/api/incidents/${id}`);
      expect(one.statusCode, user).toBe(200);
      expect(one.json().id).toBe(id);
    }
  });

  it('without a session every API request answers 401 unauthenticated', async () => {
    const id = await fresh();
    const before = await headSeq();
    const anonymous = new Client(t.app);
    const requests = [
      anonymous.get('/api/incidents'),
      anonymous.get(`/api/incidents/${id}`),
      anonymous.get('/api/events?after=0'),
      anonymous.get('/api/plan'),
      anonymous.get('/api/me'),
      anonymous.post('/api/incidents', reportBody()),
      anonymous.post(`/api/incidents/${id}/commands`, { do: 'clear' }),
    ];
    for (const res of await Promise.all(requests)) {
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
    }
    // A made-up session cookie is no session either.
    const forged = await t.app.inject({ method: 'GET', url: '/api/incidents', headers: { cookie: 'yingji_session=forged' } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('unauthenticated');
    expect(await headSeq()).toBe(before);
  });
});

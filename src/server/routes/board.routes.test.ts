import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/support/databases.js';
import { Client, reportBody, testApp, type TestApp } from '../../../test/support/server.js';

/*
 * Paging of the incident list and of the board's compact view (issue 13), on every database:
 * with more incidents than a page holds, every incident comes exactly once across the pages,
 * also while new ones are reported between pages; the last page says it is the last; the board
 * holds every open incident, then the lately ended ones, as cards far smaller than full views.
 */

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const ACCUSATION = '举报横埠镇干部截留补偿款(分页-甲)';

for (const dialect of DIALECTS) {
  describe(`incident list and board paging on ${dialect}`, () => {
    let t: TestApp;
    let staff: Client;
    let group: Client;
    /** The 120 open incidents reported up front, newest first. */
    let open: string[] = [];
    let accusation = '';

    const report = async (over: Record<string, unknown> = {}) => {
      const res = await staff.post('/api/incidents', reportBody(over));
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };

    /** Follows `X-Next-Cursor` from the first page to the last; `between` runs after each page but the last. */
    const listAll = async (query: string, between: () => Promise<void> = async () => {}) => {
      const ids: string[] = [];
      let pages = 0;
      let url: string | null = `/api/incidents?${query}`;
      while (url) {
        const res = await staff.get(url);
        expect(res.statusCode, res.body).toBe(200);
        ids.push(...(res.json() as { id: string }[]).map((i) => i.id));
        pages++;
        const next = res.headers['x-next-cursor'] as string | undefined;
        if (next) expect(res.headers.link).toContain(`after=${next}`);
        url = next ? `/api/incidents?${query}&after=${next}` : null;
        if (url) await between();
      }
      return { ids, pages };
    };

    /** Follows the board's `next` from the first page to the last. */
    const boardAll = async (c: Client, query: string, between: () => Promise<void> = async () => {}) => {
      const cards: any[] = [];
      let pages = 0;
      let after: string | null = '';
      while (after !== null) {
        const res = await c.get(`/api/board?${query}${after ? `&after=${after}` : ''}`);
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json() as { cards: any[]; next: string | null };
        cards.push(...page.cards);
        pages++;
        after = page.next;
        if (after !== null) await between();
      }
      return { cards, pages };
    };

    beforeAll(async () => {
      t = await testApp(dialect, T0);
      staff = await Client.as(t.app, 'petition-bureau.staff');
      group = await Client.as(t.app, 'working-group.leader');
      // Three at each instant: the order falls back on the id among incidents reported together.
      const reported: { id: string; at: number }[] = [];
      for (let n = 0; n < 120; n++) {
        if (n % 3 === 0) t.clock.now += 1000;
        const id = await report(n === 7 ? { units: ['town-hengbu'], category: 'accusation', matter: ACCUSATION } : { matter: `事项 ${n}` });
        if (n === 7) accusation = id;
        reported.push({ id, at: t.clock.now });
      }
      open = reported.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((x) => x.id);
    }, 120_000);
    afterAll(async () => t?.close());

    it('GET /api/incidents pages with a cursor: every incident once, newest first, and the last page says so', async () => {
      const { ids, pages } = await listAll('status=open&limit=50');
      expect(pages).toBe(3);
      expect(ids).toEqual(open);
      // Without a limit, 500 to a page: one page, no cursor.
      const all = await staff.get('/api/incidents?status=open');
      expect(all.json()).toHaveLength(120);
      expect(all.headers['x-next-cursor']).toBeUndefined();
      expect(all.headers.link).toBeUndefined();
    });

    it('loses and repeats none while new incidents are reported between pages', async () => {
      const arrived: string[] = [];
      const { ids } = await listAll('status=open&limit=50', async () => {
        for (let k = 0; k < 5; k++) arrived.push(await report({ matter: `新事项 ${k}` }));
        t.clock.now -= 5000; // also reported "earlier" than pages already read, as a clock step back would
        arrived.push(await report({ matter: '补报事项' }));
        t.clock.now += 5000;
      });
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of open) expect(ids).toContain(id);
      // The board's pages too.
      const before = new Set(arrived);
      const board = await boardAll(staff, 'limit=40', async () => {
        arrived.push(await report({ matter: '又一事项' }));
      });
      const cardIds = board.cards.map((c) => c.id);
      expect(new Set(cardIds).size).toBe(cardIds.length);
      for (const id of [...open, ...before]) expect(cardIds).toContain(id);
    });

    it('refuses a cursor it did not give', async () => {
      expect((await staff.get('/api/incidents?after=not-a-cursor')).statusCode).toBe(400);
      expect((await staff.get('/api/board?after=x')).statusCode).toBe(400);
      expect((await staff.get('/api/board?after=o')).statusCode).toBe(400);
    });

    it('GET /api/board: every open incident as a compact card, then the lately ended ones; every ended one on request', async () => {
      const ended = open.slice(10, 13);
      for (const id of ended) expect((await group.post(`/api/incidents/${id}/commands`, { do: 'clear' })).statusCode).toBe(200);
      const openNow = (await listAll('status=open')).ids;

      const { cards, pages } = await boardAll(staff, 'limit=50');
      expect(pages).toBeGreaterThan(1);
      const ids = cards.map((c) => c.id);
      expect(ids).toEqual([...openNow, ...ended]);
      expect(cards.at(-1).incident).toMatchObject({ status: 'cleared', cleared_at: expect.any(String) });

      // What a card shows, far smaller than the full view.
      const card = cards[0];
      const full = (await staff.get(`/api/incidents/${card.id}`)).json();
      expect(Object.keys(card).sort()).toEqual(['id', 'incident', 'measures', 'summons']);
      expect(card.incident).toMatchObject({ venue: full.incident.venue, headcount: full.incident.headcount, tier: full.incident.tier, status: 'open', stage: full.incident.stage, matter: full.incident.matter, reported_at: full.incident.reported_at });
      expect(card.summons).toEqual(full.summons.map((x: any) => ({ role: x.role, status: x.status, issued_at: x.issued_at, deadline: x.deadline, arrived_at: x.arrived_at, persons: x.persons.map((h: any) => ({ name: h.name })) })));
      const fullBytes = (await staff.get('/api/incidents?status=open&limit=1000')).rawPayload.length;
      const boardBytes = (await staff.get('/api/board?limit=1000')).rawPayload.length;
      expect(boardBytes).toBeLessThan(fullBytes / 2);

      // Past the plan's 30 minutes the ended ones leave the board, unless every ended one is asked for.
      t.clock.now += 31 * MINUTE;
      expect((await boardAll(staff, 'limit=50')).cards.map((c) => c.id)).toEqual(openNow);
      expect((await boardAll(staff, 'limit=50&ended=all')).cards.map((c) => c.id)).toEqual([...openNow, ...ended]);
    });

    it("withholds an accusation's text on a card as in the full view", async () => {
      const hengbu = await Client.as(t.app, 'town-hengbu.principal');
      const discipline = await Client.as(t.app, 'discipline-commission.principal');
      const cardOf = async (c: Client) => (await boardAll(c, 'limit=1000')).cards.find((x) => x.id === accusation);
      expect((await cardOf(hengbu)).incident).toMatchObject({ matter_withheld: true });
      expect(JSON.stringify((await boardAll(hengbu, 'limit=1000')).cards)).not.toContain(ACCUSATION);
      expect((await cardOf(discipline)).incident).toMatchObject({ matter: ACCUSATION, matter_withheld: false });
    });
  });
}

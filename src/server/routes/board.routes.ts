import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { BoardQuery, type BoardCard, type BoardPage } from '../../api/board.js';
import { countyTime } from '../../engine/county-time.js';
import { stageOf, type IncidentState } from '../../engine/incident/state.js';
import type { Plan } from '../../plan/plan.js';
import { casesRepository } from '../../store/cases.repository.js';
import { incidentCursor, incidentsRepository, type IncidentKey } from '../../store/incidents.repository.js';
import type { Reader } from '../auth/permissions.js';
import { matterFor } from '../auth/visibility.js';
import { principal, type Services } from '../context.js';
import { ApiError } from '../errors.js';
import { readCursor } from './incidents.routes.js';

/** Cards per page unless the reader asks for another number: about 150 KB with ten summonses each. */
const BOARD_PAGE = 500;

/**
 * The board pages through open incidents first, then ended ones; its cursor names the part and
 * the place in it: `o<key>` or `e<key>`, and a bare `e` for the start of the ended ones.
 */
type BoardPlace = { part: 'open' | 'ended'; after: IncidentKey | null };

function readPlace(after: string | undefined): BoardPlace {
  if (after === undefined) return { part: 'open', after: null };
  const part = after[0] === 'o' ? 'open' : after[0] === 'e' ? 'ended' : null;
  if (!part || (part === 'open' && after.length === 1)) throw new ApiError('bad_request', 'after: not a cursor this board gave');
  return { part, after: after.length > 1 ? readCursor(after.slice(1)) : null };
}

const writePlace = (part: BoardPlace['part'], key: IncidentKey | null) => `${part === 'open' ? 'o' : 'e'}${key ? incidentCursor.write(key) : ''}`;

/**
 * The command board's compact view (issue 13 §4): every active incident with only what a card
 * shows, a page at a time, so a wall with 10,000 incidents loads them all in answers of bounded
 * size and never misses one without saying so. Read rule `incident`, as the full views.
 */
export function boardRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/board',
    {
      schema: {
        querystring: BoardQuery,
        tags: ['incidents'],
        summary: 'The board: every active incident as a card, a page at a time',
        description:
          '`{ cards, next }`: open incidents newest first, then those that ended within the plan\'s `board_cleared_minutes` (every ended one with ' +
          '`ended=all`). Pass `next` as `after` until it is null. A card holds the incident view\'s fields a board card shows, under the same names.',
      },
      config: { read: 'incident' },
    },
    async (req): Promise<BoardPage> => {
      const p = principal(req);
      const { limit = BOARD_PAGE, ended = 'recent' } = req.query;
      let place = readPlace(req.query.after);
      const rows: { state: IncidentState; digest: string }[] = [];
      let next: string | null = null;
      if (place.part === 'open') {
        const page = await incidentsRepository.page(s.store.db, { statuses: ['open'], after: place.after, limit });
        rows.push(...page.rows);
        if (page.next) next = writePlace('open', page.next);
        else if (rows.length < limit) place = { part: 'ended', after: null };
        else next = writePlace('ended', null);
      }
      if (place.part === 'ended') {
        const since = ended === 'all' ? undefined : s.clock() - (await s.plans.current()).file.settings.board_cleared_minutes * 60_000;
        const page = await incidentsRepository.page(s.store.db, { statuses: ['cleared', 'closed'], updatedSince: since, after: place.after, limit: limit - rows.length });
        rows.push(...page.rows);
        if (page.next) next = writePlace('ended', page.next);
      }
      return { cards: await boardCards(s, p, rows), next };
    },
  );
}

/** Cards as the reader may see them: an accusation's text only for those `matterFor` lets read it, as in the full view. */
async function boardCards(s: Services, reader: Reader, rows: readonly { state: IncidentState; digest: string }[]): Promise<BoardCard[]> {
  // The units an accusation's case was forwarded to may read it too: only accusations need their cases.
  const accusations = rows.filter((r) => r.state.category === 'accusation');
  const cases = await casesRepository.many(s.store.db, accusations.flatMap((r) => r.state.cases.map((c) => c.id)));
  const plans = new Map<string, Plan>();
  const cards: BoardCard[] = [];
  for (const { state, digest } of rows) {
    let plan = plans.get(digest);
    if (!plan) plans.set(digest, (plan = await s.plans.byDigest(digest)));
    const forwardedTo = state.cases.flatMap((c) => cases.get(c.id)?.forwards.map((f) => f.to) ?? []);
    cards.push(boardCard(state, plan, matterFor(reader, plan, state, forwardedTo)));
  }
  return cards;
}

/** One card: the incident view's fields a card shows (`incidentView`), times in the county's offset. */
function boardCard(s: IncidentState, plan: Plan, matter: string): BoardCard {
  const t = countyTime(plan);
  const opt = (ms: number | null) => (ms === null ? null : t(ms));
  return {
    id: s.id,
    incident: {
      venue: s.venue,
      status: s.status,
      stage: stageOf(s),
      headcount: s.headcount,
      tier: s.tier,
      matter,
      matter_withheld: matter !== s.matter,
      reported_at: t(s.reportedAt),
      cleared_at: opt(s.clearedAt),
      closed_at: opt(s.closedAt),
    },
    summons: s.summons.map((x) => ({ role: x.role, status: x.status, issued_at: t(x.issuedAt), deadline: t(x.deadline), arrived_at: opt(x.arrivedAt), persons: x.persons.map((h) => ({ name: h.name })) })),
    measures: s.measures
      .filter((m) => m.flagged || (m.major && m.approvedAt === null && m.declinedAt === null && m.takenAt === null))
      .map((m) => ({ id: m.id, kind: m.kind, flagged: m.flagged, major: m.major, approved_at: opt(m.approvedAt), declined_at: opt(m.declinedAt), taken_at: opt(m.takenAt) })),
    // Positions on the site plan, only when some were placed: the card offers the plan on demand.
    ...(s.marks ? { marks: { at: t(s.marks.at), site_plan: s.marks.sitePlan, marks: s.marks.marks } } : {}),
  };
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { countyTime } from '../../engine/county-time.js';
import { LIMITS, ShortId, Slug } from '../../engine/limits.js';
import { Instant, PERSON, PersonBody, PersonPatch, PositionBody, ShiftBody, UnitBody, UnitPatch, VenueBody, VenuePatch } from '../../api/org.js';
import { loadPlanText } from '../../plan/plan.loader.js';
import { OrganizationSchema, type OrganizationFile } from '../../plan/plan.schema.js';
import { refusal } from '../../i18n/refusals.js';
import { parseInstant } from '../../engine/time.js';
import { orgRepository } from '../../store/org.repository.js';
import { plansRepository } from '../../store/plans.repository.js';
import type { Trx } from '../../store/db.js';
import { principal, requireAdmin, type Services } from '../context.js';
import { restoreCell, toCsv } from '../csv.js';
import { ApiError, notFound } from '../errors.js';
import { sitePlanRoutes } from './site-plans.routes.js';

const Id = Slug;

/**
 * The organization: units and venues (revisions of one document, checked against the active
 * plan), people, positions (who holds which role), the duty roster, and CSV import/export.
 */
export function orgRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = s.store.db;

  const currentOrg = async (trx: Trx | typeof db = db): Promise<{ rev: number; org: OrganizationFile }> => {
    const row = await orgRepository.current(trx);
    if (!row) throw new Error('no organization');
    return { rev: row.rev, org: JSON.parse(row.content) as OrganizationFile };
  };

  /** Saves a changed organization after checking it on its own and with the active plan. */
  const saveOrg = async (org: OrganizationFile, by: string) => {
    const shape = OrganizationSchema.safeParse(org);
    if (!shape.success) throw new ApiError('invalid_organization', shape.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const active = await plansRepository.active(db);
    const text = JSON.stringify(org, null, 1);
    const check = loadPlanText('active plan', active!.source, 'organization', text);
    if (!check.ok) throw new ApiError('invalid_organization', check.errors.map((e) => e.message).join('; '), { errors: check.errors });
    const rev = await orgRepository.saveRevision(db, JSON.stringify(org), s.clock(), by);
    s.plans.invalidate();
    return rev;
  };

  sitePlanRoutes(app, s, { current: () => currentOrg(), save: saveOrg });

  const roleExists = async (role: string) => (await s.plans.current()).roles.has(role);
  const personExists = async (id: string) => Boolean(await orgRepository.person(db, id));

  r.get('/api/org', { config: { read: 'organization' }, schema: { tags: ['organization'], summary: 'The organization document and its revision' } }, async (req) => {
    principal(req);
    const { rev, org } = await currentOrg();
    return { rev, ...org };
  });

  r.post('/api/org/units', { schema: { body: UnitBody, tags: ['organization'], summary: 'Add a unit' } }, async (req, reply) => {
    const p = requireAdmin(req);
    const { org } = await currentOrg();
    if (org.units.some((u) => u.id === req.body.id)) throw new ApiError('conflict', `unit ${req.body.id} exists`);
    const rev = await saveOrg({ ...org, units: [...org.units, req.body] }, p.username);
    reply.code(201);
    return { rev, unit: req.body };
  });

  r.patch('/api/org/units/:id', { schema: { params: z.object({ id: Id }), body: UnitPatch, tags: ['organization'], summary: 'Change a unit (units are never deleted)' } }, async (req) => {
    const p = requireAdmin(req);
    const { org } = await currentOrg();
    const unit = org.units.find((u) => u.id === req.params.id);
    if (!unit) throw notFound(`unit ${req.params.id}`);
    const changed = { ...unit, ...req.body };
    const rev = await saveOrg({ ...org, units: org.units.map((u) => (u.id === unit.id ? changed : u)) }, p.username);
    return { rev, unit: changed };
  });

  r.post('/api/org/venues', { schema: { body: VenueBody, tags: ['organization'], summary: 'Add a venue' } }, async (req, reply) => {
    const p = requireAdmin(req);
    const { org } = await currentOrg();
    if (org.venues.some((v) => v.id === req.body.id)) throw new ApiError('conflict', `venue ${req.body.id} exists`);
    const rev = await saveOrg({ ...org, venues: [...org.venues, req.body] }, p.username);
    reply.code(201);
    return { rev, venue: req.body };
  });

  r.patch('/api/org/venues/:id', { schema: { params: z.object({ id: Id }), body: VenuePatch, tags: ['organization'], summary: 'Change a venue' } }, async (req) => {
    const p = requireAdmin(req);
    const { org } = await currentOrg();
    const venue = org.venues.find((v) => v.id === req.params.id);
    if (!venue) throw notFound(`venue ${req.params.id}`);
    const changed = { ...venue, ...req.body };
    const rev = await saveOrg({ ...org, venues: org.venues.map((v) => (v.id === venue.id ? changed : v)) }, p.username);
    return { rev, venue: changed };
  });

  // --- People
  r.get('/api/org/people', { config: { read: 'organization' }, schema: { tags: ['organization'], summary: 'People' } }, async (req) => {
    principal(req);
    return (await orgRepository.people(db)).map((x) => ({ ...x, active: x.active === 1 }));
  });

  r.post('/api/org/people', { schema: { body: PersonBody, tags: ['organization'], summary: 'Add a person' } }, async (req, reply) => {
    requireAdmin(req);
    const plan = await s.plans.current();
    if (!plan.units.has(req.body.unit_id)) throw new ApiError('bad_request', refusal('input.unknown_unit', { id: req.body.unit_id }));
    const row = { id: crypto.randomUUID(), name: req.body.name, unit_id: req.body.unit_id, phone: req.body.phone ?? null, email: req.body.email ?? null, active: 1, created_at: s.clock() };
    await orgRepository.insertPerson(db, row);
    reply.code(201);
    return { ...row, active: true };
  });

  r.patch('/api/org/people/:id', { schema: { params: z.object({ id: ShortId }), body: PersonPatch, tags: ['organization'], summary: 'Change a person (deactivate instead of deleting)' } }, async (req) => {
    requireAdmin(req);
    if (!(await personExists(req.params.id))) throw notFound(`person ${req.params.id}`);
    const { active, ...rest } = req.body;
    await orgRepository.updatePerson(db, req.params.id, { ...rest, ...(active === undefined ? {} : { active: active ? 1 : 0 }) });
    const row = (await orgRepository.person(db, req.params.id))!;
    return { ...row, active: row.active === 1 };
  });

  // --- Positions
  r.get('/api/org/positions', { config: { read: 'organization' }, schema: { querystring: z.object({ all: z.enum(['1', 'true', '0', 'false']).optional() }), tags: ['organization'], summary: 'Who holds which role' } }, async (req) => {
    principal(req);
    return orgRepository.positions(db, { current: !(req.query.all === '1' || req.query.all === 'true') });
  });

  r.post('/api/org/positions', { schema: { body: PositionBody, tags: ['organization'], summary: 'Assign a person to a role' } }, async (req, reply) => {
    requireAdmin(req);
    if (!(await roleExists(req.body.role))) throw new ApiError('bad_request', refusal('input.unknown_role', { id: req.body.role }));
    if (!(await personExists(req.body.person_id))) throw new ApiError('bad_request', refusal('input.unknown_person', { id: req.body.person_id }));
    const row = { id: crypto.randomUUID(), person_id: req.body.person_id, role: req.body.role, created_at: s.clock() };
    await orgRepository.insertPosition(db, row);
    reply.code(201);
    return { ...row, ended_at: null };
  });

  r.post('/api/org/positions/:id/end', { schema: { params: z.object({ id: ShortId }), tags: ['organization'], summary: 'End an assignment (kept in history)' } }, async (req) => {
    requireAdmin(req);
    if (!(await orgRepository.endPosition(db, req.params.id, s.clock()))) throw notFound(`current position ${req.params.id}`);
    return { ok: true };
  });

  // --- Duty roster
  r.get('/api/org/roster', { config: { read: 'organization' }, schema: { querystring: z.object({ from: Instant.optional(), to: Instant.optional() }), tags: ['organization'], summary: 'Duty shifts overlapping a period' } }, async (req) => {
    principal(req);
    const t = countyTime(await s.plans.current());
    const rows = await orgRepository.roster(db, {
      from: req.query.from ? parseInstant(req.query.from)!.ms : undefined,
      to: req.query.to ? parseInstant(req.query.to)!.ms : undefined,
    });
    return rows.map((x) => ({ ...x, starts_at: t(Number(x.starts_at)), ends_at: t(Number(x.ends_at)), created_at: t(Number(x.created_at)) }));
  });

  r.post('/api/org/roster', { schema: { body: ShiftBody, tags: ['organization'], summary: 'Add a duty shift' } }, async (req, reply) => {
    requireAdmin(req);
    const shift = await checkShift(req.body);
    const row = { id: crypto.randomUUID(), ...shift, created_at: s.clock() };
    await orgRepository.insertShift(db, row);
    reply.code(201);
    return { id: row.id, role: row.role, person_id: row.person_id, starts_at: req.body.starts_at, ends_at: req.body.ends_at };
  });

  const checkShift = async (b: { role: string; person_id: string; starts_at: string; ends_at: string }) => {
    if (!(await roleExists(b.role))) throw new ApiError('bad_request', refusal('input.unknown_role', { id: b.role }));
    if (!(await personExists(b.person_id))) throw new ApiError('bad_request', refusal('input.unknown_person', { id: b.person_id }));
    const starts = parseInstant(b.starts_at)?.ms;
    const ends = parseInstant(b.ends_at)?.ms;
    if (starts === undefined || ends === undefined || ends <= starts) throw new ApiError('bad_request', 'a shift must end after it starts');
    return { role: b.role, person_id: b.person_id, starts_at: starts, ends_at: ends };
  };

  // --- CSV export and import (people, positions, roster)
  const csvReply = (filename: string, rows: Record<string, unknown>[], columns: string[]) =>
    ({ filename, body: toCsv(rows, { header: true, columns }) });

  const exports = {
    people: async () => csvReply('people.csv', await orgRepository.people(db), ['id', 'name', 'unit_id', 'phone', 'email', 'active']),
    positions: async () => csvReply('positions.csv', await orgRepository.positions(db, { current: true }), ['id', 'person_id', 'role']),
    roster: async () => {
      const t = countyTime(await s.plans.current());
      const rows = (await orgRepository.roster(db)).map((x) => ({ ...x, starts_at: t(Number(x.starts_at)), ends_at: t(Number(x.ends_at)) }));
      return csvReply('roster.csv', rows, ['id', 'role', 'person_id', 'starts_at', 'ends_at']);
    },
  };

  for (const kind of ['people', 'positions', 'roster'] as const) {
    r.get(`/api/org/${kind}.csv`, { config: { read: 'organization' }, schema: { tags: ['organization'], summary: `Export ${kind} as CSV` } }, async (req, reply) => {
      principal(req);
      const { filename, body } = await exports[kind]();
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`);
      return `\ufeff${body}`;
    });

    r.post(`/api/org/${kind}.csv`, { schema: { tags: ['organization'], summary: `Import ${kind} from CSV; all rows or none` } }, async (req) => {
      requireAdmin(req);
      if (typeof req.body !== 'string') throw new ApiError('bad_request', 'send the CSV as text/csv');
      let rows: Record<string, string>[];
      try {
        // A cell exported as `'=…` (formula neutralised) comes back as `=…`.
        rows = parseCsv(req.body.replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true, trim: true, cast: (value) => restoreCell(value) });
      } catch (err) {
        throw new ApiError('bad_request', `not valid CSV: ${(err as Error).message}`);
      }
      const imported = await importRows(kind, rows);
      return { imported };
    });
  }

  const importRows = async (kind: 'people' | 'positions' | 'roster', rows: Record<string, string>[]): Promise<number> => {
    const plan = await s.plans.current();
    const errors: string[] = [];
    const now = s.clock();
    return db.transaction().execute(async (trx) => {
      let count = 0;
      for (const [i, row] of rows.entries()) {
        const line = i + 2; // header is line 1
        const fail = (m: string) => errors.push(`line ${line}: ${m}`);
        // The same bounds as the JSON API: imported rows are kept for good too.
        if (row.id && row.id.length > LIMITS.id) fail(`id is longer than ${LIMITS.id} characters`);
        if (kind === 'people') {
          if (!row.name) fail('name is required');
          for (const field of ['name', 'phone', 'email'] as const) {
            if ((row[field]?.length ?? 0) > PERSON[field]) fail(`${field} is longer than ${PERSON[field]} characters`);
          }
          if (!row.unit_id || !plan.units.has(row.unit_id)) fail(`unknown unit "${row.unit_id ?? ''}"`);
          if (errors.length) continue;
          const fields = { name: row.name!, unit_id: row.unit_id!, phone: row.phone || null, email: row.email || null, active: row.active === 'false' || row.active === '0' ? 0 : 1 };
          if (row.id && (await orgRepository.person(trx, row.id))) await orgRepository.updatePerson(trx, row.id, fields);
          else await orgRepository.insertPerson(trx, { id: row.id || crypto.randomUUID(), ...fields, created_at: now });
        } else if (kind === 'positions') {
          if (!row.role || !plan.roles.has(row.role)) fail(`unknown role "${row.role ?? ''}"`);
          if (!row.person_id || !(await orgRepository.person(trx, row.person_id))) fail(`unknown person "${row.person_id ?? ''}"`);
          if (errors.length) continue;
          const held = (await orgRepository.positions(trx, { current: true })).some((x) => x.person_id === row.person_id && x.role === row.role);
          if (!held) await orgRepository.insertPosition(trx, { id: crypto.randomUUID(), person_id: row.person_id!, role: row.role!, created_at: now });
        } else {
          const starts = parseInstant(row.starts_at ?? '')?.ms;
          const ends = parseInstant(row.ends_at ?? '')?.ms;
          if (!row.role || !plan.roles.has(row.role)) fail(`unknown role "${row.role ?? ''}"`);
          if (!row.person_id || !(await orgRepository.person(trx, row.person_id))) fail(`unknown person "${row.person_id ?? ''}"`);
          if (starts === undefined || ends === undefined || ends <= starts) fail('starts_at and ends_at must be ISO times with offset, ending after starting');
          if (errors.length) continue;
          const shift = { role: row.role!, person_id: row.person_id!, starts_at: starts!, ends_at: ends! };
          // A row with the id of a stored shift updates it, so an exported roster can be edited and imported back.
          if (row.id && (await orgRepository.shift(trx, row.id))) await orgRepository.updateShift(trx, row.id, shift);
          else await orgRepository.insertShift(trx, { id: row.id || crypto.randomUUID(), ...shift, created_at: now });
        }
        count++;
      }
      if (errors.length) throw new ApiError('bad_request', `${errors.length} row(s) are invalid; nothing was imported`, { errors });
      return count;
    });
  };
}

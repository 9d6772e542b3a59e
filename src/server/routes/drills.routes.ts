import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parse } from 'yaml';
import { z } from 'zod';
import { countyTime } from '../../engine/county-time.js';
import { DrillDownloadQuery, DrillRunBody, DrillSaveBody } from '../../api/drills.js';
import { drillText } from '../../drill/drill.text.js';
import { parseScenario } from '../../drill/scenario.js';
import { DAY } from '../../plan/duration.js';
import { packagePath } from '../../package.root.js';
import type { Plan } from '../../plan/plan.js';
import { drillsRepository } from '../../store/drills.repository.js';
import type { DrillReportsTable } from '../../store/schema.js';
import type { Reader } from '../auth/permissions.js';
import { withhold, withheldMatters } from '../auth/visibility.js';
import { principal, type Services } from '../context.js';
import { refusal, say } from '../../i18n/refusals.js';
import { ApiError, notFound } from '../errors.js';
import { printDrill, sendDocument } from '../reports/documents/print.js';
import { drillResult, savedDrillReport, type DrillResult } from '../views/drills.js';

/** The example drills shipped with the product (`scenarios/`, next to `src/` and `dist/`). */
export const SCENARIO_DIR = packagePath('scenarios');

/** Longest virtual span a drill may cover through the API: a rehearsal, not a batch job. */
const MAX_SPAN = 31 * DAY;

const IdParams = z.object({ id: z.string().min(1).max(100) });

type RunInput = z.infer<typeof DrillRunBody>;

/** The scenario files shipped in `scenarios/`, sorted by name. */
function bundledFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Where `run_until` is written, for an error about it; the first line when it is not written. */
function runUntilLine(source: string): number {
  const index = source.split('\n').findIndex((line) => /^run_until\s*:/.test(line));
  return index < 0 ? 1 : index + 1;
}

/**
 * Drills: rehearsals of the active plan on a virtual clock (issue 5 §6). A bundled or uploaded
 * scenario runs entirely in memory with seeded ids, exactly as `yingji drill` runs it: nothing
 * is written to incidents, events, cases or timers. Any signed-in user may rehearse. Saved
 * reports live in their own table and are never counted in accountability.
 */
export function drillRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Reads the scenario a request names, checks it against the active plan, and runs it. */
  const runInput = async (input: RunInput) => {
    const plan = await s.plans.current();
    let file: string;
    let source: string;
    let origin: DrillReportsTable['origin'];
    if ('scenario' in input) {
      // Only a listed file: the name never becomes a path of its own.
      const bundled = bundledFiles().find((f) => f === input.scenario);
      if (!bundled) throw notFound(`bundled scenario "${input.scenario}"`);
      file = bundled;
      source = readFileSync(join(SCENARIO_DIR, bundled), 'utf8');
      origin = 'bundled';
    } else {
      file = input.name ?? 'scenario.yaml';
      source = input.source;
      origin = 'uploaded';
    }
    const parsed = parseScenario(file, source, plan);
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => ({ file: e.file, line: e.line, column: e.col, message: e.message }));
      throw new ApiError('invalid_scenario', refusal('drill.errors', { n: errors.length }), { errors });
    }
    const { scenario } = parsed;
    if (scenario.until - scenario.start > MAX_SPAN) {
      const tooLong = refusal('drill.too_long', { days: MAX_SPAN / DAY });
      throw new ApiError('invalid_scenario', tooLong, { errors: [{ file, line: runUntilLine(source), column: 1, message: say('en', tooLong) }] });
    }
    return { plan, file, source, origin, ...drillResult(scenario, plan, origin) };
  };

  r.get('/api/drills/scenarios', { config: { read: 'drill' }, schema: { tags: ['drills'], summary: 'The bundled drill scenarios: file, name (and `title`, the name in Chinese and English), description in both languages, step count, and whether they fit the active plan' } }, async (req) => {
    principal(req);
    const plan = await s.plans.current();
    return bundledFiles().map((file) => {
      const source = readFileSync(join(SCENARIO_DIR, file), 'utf8');
      const parsed = parseScenario(file, source, plan);
      const raw = (parse(source) ?? {}) as { name?: unknown; description?: unknown; steps?: unknown };
      // A scenario that no longer fits the plan is still listed, with what its file says.
      const title = parsed.ok ? parsed.scenario.title : wordsOf(raw.name) ?? { zh: file, en: file };
      return {
        file,
        name: parsed.ok ? parsed.scenario.name : title.zh,
        title,
        description: parsed.ok ? parsed.scenario.description : wordsOf(raw.description),
        steps: parsed.ok ? parsed.scenario.steps.length : Array.isArray(raw.steps) ? raw.steps.length : 0,
        valid: parsed.ok,
      };
    });
  });

  r.get('/api/drills/scenarios/:file', { config: { read: 'drill' }, schema: { params: z.object({ file: z.string().min(1).max(200) }), tags: ['drills'], summary: 'The YAML of one bundled scenario' } }, async (req, reply) => {
    principal(req);
    const file = bundledFiles().find((f) => f === req.params.file);
    if (!file) throw notFound(`bundled scenario "${req.params.file}"`);
    reply.type('text/yaml; charset=utf-8');
    return readFileSync(join(SCENARIO_DIR, file), 'utf8');
  });

  r.post('/api/drills', { schema: { body: DrillRunBody, tags: ['drills'], summary: 'Run a bundled or uploaded scenario against the active plan on a virtual clock; nothing is recorded' } }, async (req) => {
    const p = principal(req);
    const done = await runInput(req.body);
    return redact(done.body, secretsOf(p, done.plan, done.body));
  });

  r.post('/api/drills/reports', { schema: { body: DrillSaveBody, tags: ['drills'], summary: 'Run a scenario again and save its report (a rehearsal, never counted in accountability)' } }, async (req, reply) => {
    const p = principal(req);
    const { plan_digest: seen, ...input } = req.body;
    const done = await runInput(input);
    if (seen && seen !== done.plan.digest) {
      throw new ApiError('conflict', refusal('drill.plan_changed'));
    }
    const row: DrillReportsTable = {
      id: crypto.randomUUID(),
      scenario_name: done.run.scenario.name,
      scenario_file: done.file,
      origin: done.origin,
      source: done.source,
      plan_id: done.plan.id,
      plan_version: done.plan.version,
      plan_digest: done.plan.digest,
      virtual_start: done.run.scenario.start,
      report: JSON.stringify(done.body),
      text_zh: drillText(done.run, 'zh'),
      text_en: drillText(done.run, 'en'),
      created_at: s.clock(),
      created_by: p.username,
    };
    await drillsRepository.saveReport(s.store.db, row);
    reply.code(201);
    return redact(savedDrillReport(row, countyTime(done.plan)), secretsOf(p, done.plan, done.body));
  });

  r.get('/api/drills/reports', { config: { read: 'drill' }, schema: { tags: ['drills'], summary: 'Saved drill reports, newest first (at most 200)' } }, async (req) => {
    const p = principal(req);
    const plan = await s.plans.current();
    const t = countyTime(plan);
    const rows = await drillsRepository.reports(s.store.db, 200);
    return rows.map((row) => {
      const report = JSON.parse(row.report) as DrillResult;
      return redact(savedDrillReport(row, t), secretsOf(p, plan, report));
    });
  });

  r.get('/api/drills/reports/:id', { config: { read: 'drill' }, schema: { params: IdParams, tags: ['drills'], summary: 'One saved drill report with its scenario source' } }, async (req) => {
    const p = principal(req);
    const row = await reportRow(req.params.id);
    const plan = await s.plans.current();
    const report = JSON.parse(row.report) as DrillResult;
    const secrets = secretsOf(p, plan, report);
    return { ...redact(savedDrillReport(row, countyTime(plan)), secrets), source: withhold(row.source, secrets), report: redact(report, secrets) };
  });

  r.get(
    '/api/drills/reports/:id/download',
    { config: { read: 'drill' }, schema: { params: IdParams, querystring: DrillDownloadQuery, tags: ['drills'], summary: 'Download a saved drill report: JSON (format=json) or the readable text (format=text, lang=zh|en)' } },
    async (req, reply) => {
      const p = principal(req);
      const row = await reportRow(req.params.id);
      const secrets = secretsOf(p, await s.plans.current(), JSON.parse(row.report) as DrillResult);
      const { format, lang } = req.query;
      const base = `drill-${row.scenario_file.replace(/\.ya?ml$/i, '')}-${row.id.slice(0, 8)}`;
      const name = format === 'json' ? `${base}.json` : `${base}.${lang}.txt`;
      const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
      reply
        .header('content-type', format === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      return format === 'json' ? `${JSON.stringify(redact(JSON.parse(row.report), secrets), null, 2)}\n` : withhold(lang === 'zh' ? row.text_zh : row.text_en, secrets);
    },
  );

  for (const format of ['docx', 'pdf'] as const) {
    r.get(
      `/api/drills/reports/:id/report.${format}`,
      {
        config: { read: 'drill' },
        schema: { params: IdParams, tags: ['drills'], summary: `A saved drill as the incident report (事件处置报告), marked 演练 on every page, as ${format.toUpperCase()}` },
      },
      async (req, reply) => sendDocument(reply, await printDrill(s, principal(req), req.params.id), format),
    );
  }

  async function reportRow(id: string) {
    const row = await drillsRepository.report(s.store.db, id);
    if (!row) throw notFound(`drill report ${id}`);
    return row;
  }
}

/** A name or description as a scenario file gives it (one text, or `{ zh, en }`), in both languages; null when neither. */
function wordsOf(value: unknown): { zh: string; en: string } | null {
  if (typeof value === 'string') return { zh: value, en: value };
  const v = value as { zh?: unknown; en?: unknown } | null;
  return v && typeof v.zh === 'string' && typeof v.en === 'string' ? { zh: v.zh, en: v.en } : null;
}

/** An accusation's text in a rehearsal, when the reader may not read it (the visibility policy). */
function secretsOf(p: Reader, plan: Plan, body: DrillResult): string[] {
  const incident = body.drill.incident;
  return incident ? withheldMatters(p, plan, [incident]) : [];
}

/** A value with the secrets withheld from every text in it. */
function redact<T>(value: T, secrets: readonly string[]): T {
  if (!secrets.length) return value;
  // Inside JSON text a secret appears escaped.
  return JSON.parse(withhold(JSON.stringify(value), secrets.map((x) => JSON.stringify(x).slice(1, -1)))) as T;
}

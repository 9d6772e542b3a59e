import { z } from 'zod';
import { parseDuration } from '../plan/duration.js';
import type { Plan } from '../plan/plan.js';
import { YamlSource, sortErrors, type SourceError } from '../plan/yaml-source.js';
import { commandUnion, type Command } from '../engine/incident/commands.js';
import { ShortText, Text } from '../engine/limits.js';
import { parseInstant } from '../engine/time.js';

/** An offset from the scenario's start: `0m`, `90s`, `15m`, `1h5m`. */
const Offset = z
  .string({ error: 'expected an offset such as 0m, 90s, 15m or 1h5m' })
  .refine((s) => parseDuration(s) !== null, { message: 'expected an offset such as 0m, 90s, 15m or 1h5m' });

const StepSchema = commandUnion({ at: Offset });

/** A text given once, or in both languages of the product (`{ zh, en }`). */
const Words = <T extends z.ZodType<string>>(text: T) => z.union([text, z.strictObject({ zh: text, en: text })]);

const ScenarioSchema = z.strictObject({
  name: Words(ShortText.min(1)),
  description: Words(Text).optional(),
  start: z
    .string({ error: 'expected an ISO 8601 time with offset, such as 2026-03-02T09:00:00+08:00' })
    .refine((s) => parseInstant(s) !== null, {
      message: 'expected an ISO 8601 time with offset, such as 2026-03-02T09:00:00+08:00',
    }),
  steps: z.array(StepSchema).min(1),
  run_until: Offset.optional(),
});

/** A scenario ready to run: absolute times, validated commands. */
export interface Scenario {
  file: string;
  /** The name as one text, as the drill output's `scenario` shows it (contract §3): the Chinese one when given in both languages. */
  name: string;
  /** The name in each language (the same text twice when it was given once). */
  title: { zh: string; en: string };
  /** What the drill shows, in each language; null when the file has none. */
  description: { zh: string; en: string } | null;
  start: number;
  /** The start's offset (`+08:00`, `Z`): every time in the output uses it. */
  offset: string;
  steps: { at: number; command: Command }[];
  until: number;
}

/** After the last step, a drill runs this long unless `run_until` says otherwise (contract §3). */
export const DEFAULT_RUN_AFTER = 2 * 3_600_000;

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: SourceError[] };

/** Reads a scenario file and validates it against a plan. Never throws for bad input. */
export function loadScenario(file: string, plan: Plan): ScenarioResult {
  const read = YamlSource.read(file);
  if (!read.source || read.errors.length) return { ok: false, errors: read.errors };
  return checkScenario(read.source, plan);
}

/** Parses scenario text (for tests and uploads). */
export function parseScenario(file: string, text: string, plan: Plan): ScenarioResult {
  const { source, errors } = YamlSource.parse(file, text);
  if (errors.length) return { ok: false, errors };
  return checkScenario(source, plan);
}

function checkScenario(src: YamlSource, plan: Plan): ScenarioResult {
  const shape = src.check(ScenarioSchema);
  if (!shape.value) return { ok: false, errors: shape.errors };
  const raw = shape.value;
  const errors: SourceError[] = [];
  const start = parseInstant(raw.start)!;

  // Every id a step names must exist in the plan and organization: an unknown id is an
  // invalid scenario, not a rejection (contract §3).
  raw.steps.forEach((step, i) => {
    const at = (field: string, message: string) => errors.push(src.error(['steps', i, field], message));
    const role = (field: string, value: string) => {
      if (!plan.roles.has(value)) at(field, `unknown role "${value}"; the organization has no such unit or position`);
    };
    if (i === 0 && step.do !== 'report') at('do', `the first step must be "report", not "${step.do}"`);
    switch (step.do) {
      case 'report':
        if (!plan.venues.has(step.venue)) at('venue', `unknown venue "${step.venue}"; expected one of ${[...plan.venues].join(', ')}`);
        step.units.forEach((u, j) => {
          if (!plan.units.has(u)) errors.push(src.error(['steps', i, 'units', j], `unknown unit "${u}"`));
        });
        break;
      case 'ack':
      case 'arrive':
      case 'leave':
        role('role', step.role);
        break;
      case 'approve_measure':
      case 'decline_measure':
        role('by', step.by);
        break;
    }
  });

  const steps = raw.steps.map(({ at, ...command }) => ({ at: start.ms + parseDuration(at)!, command: command as Command }));
  steps.forEach((s, i) => {
    if (i > 0 && s.at < steps[i - 1]!.at) {
      errors.push(src.error(['steps', i, 'at'], 'steps must be in time order; this one is earlier than the step before'));
    }
  });
  const last = steps.at(-1)!.at;
  let until = last + DEFAULT_RUN_AFTER;
  if (raw.run_until !== undefined) {
    until = start.ms + parseDuration(raw.run_until)!;
    if (until < last) errors.push(src.error(['run_until'], 'run_until is earlier than the last step'));
  }
  if (errors.length) return { ok: false, errors: sortErrors(errors) };
  const title = bilingual(raw.name);
  const description = raw.description === undefined ? null : bilingual(raw.description);
  return { ok: true, scenario: { file: src.file, name: title.zh, title, description, start: start.ms, offset: start.offset, steps, until } };
}

/** A text in both languages: one given once serves both. */
function bilingual(words: string | { zh: string; en: string }): { zh: string; en: string } {
  return typeof words === 'string' ? { zh: words, en: words } : words;
}

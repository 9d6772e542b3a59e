import { describe, expect, it } from 'vitest';
import { CommandSchema, MAX_MARKS } from './commands.js';
import { incidentView } from './view.js';
import { Incident, min, report } from '../test-support/engine.fixture.js';
import { parseScenario } from '../../drill/scenario.js';
import { runDrill } from '../../drill/drill.runner.js';
import { drillJson } from '../../drill/drill.report.js';
import { plan } from '../test-support/engine.fixture.js';

const PLAN_A = 'a'.repeat(64);
const PLAN_B = 'b'.repeat(64);
const crowd = (x: number, y: number, label?: string) => ({ kind: 'crowd' as const, x, y, ...(label ? { label } : {}) });
const police = (x: number, y: number) => ({ kind: 'police' as const, x, y });

describe('place: positions on the site plan (extension of contract §1)', () => {
  it('records the marks with the plan image they were placed on; each placement replaces the last, the log keeps both', () => {
    const i = new Incident();
    i.do(0, report());
    i.do(2, { do: 'place', site_plan: PLAN_A, marks: [crowd(0.2, 0.3, '东门'), police(0.5, 0.5)] });
    expect(i.s.marks).toEqual({ at: min(2), sitePlan: PLAN_A, marks: [crowd(0.2, 0.3, '东门'), police(0.5, 0.5)] });
    i.do(5, { do: 'place', site_plan: PLAN_B, marks: [crowd(0.7, 0.1)] });
    expect(i.s.marks).toEqual({ at: min(5), sitePlan: PLAN_B, marks: [crowd(0.7, 0.1)] });
    expect(i.types().filter((x) => x === 'marks_placed')).toHaveLength(2);
    // An empty list takes every mark off.
    i.do(6, { do: 'place', site_plan: PLAN_B, marks: [] });
    expect(i.s.marks?.marks).toEqual([]);
  });

  it('report may carry the crowd mark: one marks_placed event right after the report', () => {
    const i = new Incident();
    const events = i.do(0, report({ marks: [crowd(0.4, 0.6)], site_plan: PLAN_A }));
    expect(i.types(events).slice(0, 2)).toEqual(['incident_reported', 'marks_placed']);
    expect(events[0]).not.toHaveProperty('marks');
    expect(i.s.marks).toEqual({ at: min(0), sitePlan: PLAN_A, marks: [crowd(0.4, 0.6)] });
  });

  it('report with marks but without the plan they were placed on is refused', () => {
    const i = new Incident();
    const [e] = i.do(0, report({ marks: [crowd(0.4, 0.6)] }));
    expect(e).toMatchObject({ type: 'command_rejected', do: 'report', code: 'marks_need_site_plan' });
    expect(i.state).toBeNull();
  });

  it('is refused once the people have left (cleared) and after close', () => {
    const cleared = new Incident();
    cleared.do(0, report());
    cleared.do(1, { do: 'clear' });
    expect(cleared.do(2, { do: 'place', site_plan: PLAN_A, marks: [crowd(0.1, 0.1)] })[0]).toMatchObject({ type: 'command_rejected', code: 'cleared' });
    const closed = new Incident();
    closed.do(0, report());
    closed.do(1, { do: 'close' });
    expect(closed.do(2, { do: 'place', site_plan: PLAN_A, marks: [crowd(0.1, 0.1)] })[0]).toMatchObject({ type: 'command_rejected', code: 'closed' });
    expect(closed.s.marks).toBeNull();
  });

  it('is refused before any report', () => {
    const i = new Incident();
    expect(i.do(0, { do: 'place', site_plan: PLAN_A, marks: [] })[0]).toMatchObject({ type: 'command_rejected', code: 'no_incident' });
  });

  it('is bounded: positions within the image (0–1), known kinds, at most 40 marks, short labels, a SHA-256', () => {
    const ok = (c: unknown) => CommandSchema.safeParse(c).success;
    const base = { do: 'place', site_plan: PLAN_A };
    expect(ok({ ...base, marks: [crowd(0, 1), police(1, 0)] })).toBe(true);
    expect(ok({ ...base, marks: [crowd(1.01, 0.5)] })).toBe(false);
    expect(ok({ ...base, marks: [crowd(0.5, -0.01)] })).toBe(false);
    expect(ok({ ...base, marks: [{ kind: 'tank', x: 0.5, y: 0.5 }] })).toBe(false);
    expect(ok({ ...base, marks: [{ ...crowd(0.5, 0.5), extra: 1 }] })).toBe(false);
    expect(ok({ ...base, marks: [crowd(0.5, 0.5, 'x'.repeat(61))] })).toBe(false);
    expect(ok({ ...base, marks: Array.from({ length: MAX_MARKS }, (_, n) => police(n / MAX_MARKS, 0.5)) })).toBe(true);
    expect(ok({ ...base, marks: Array.from({ length: MAX_MARKS + 1 }, (_, n) => police(n / 50, 0.5)) })).toBe(false);
    expect(ok({ do: 'place', site_plan: 'not-a-hash', marks: [] })).toBe(false);
    expect(ok({ do: 'place', marks: [] })).toBe(false);
    expect(ok({ do: 'report', venue: 'residence', headcount: 3, units: ['town-tanggou'], matter: 'x', marks: [], site_plan: PLAN_A })).toBe(false);
  });

  it('the view shows marks only when some were placed (the contract JSON of other incidents is unchanged)', () => {
    const t = (ms: number) => new Date(ms).toISOString();
    const i = new Incident();
    i.do(0, report());
    expect(incidentView(i.s, t)).not.toHaveProperty('marks');
    i.do(1, { do: 'place', site_plan: PLAN_A, marks: [crowd(0.5, 0.5)] });
    expect(incidentView(i.s, t).marks).toEqual({ at: t(min(1)), site_plan: PLAN_A, marks: [crowd(0.5, 0.5)] });
  });

  it('a drill takes place steps and its JSON lists the latest marks', () => {
    const source = [
      'name: crowd moves to the gate',
      'start: 2026-03-02T09:00:00+08:00',
      'steps:',
      `  - { at: 0m, do: report, venue: residence, headcount: 30, units: [town-tanggou], matter: 征地补偿款未发放, site_plan: "${PLAN_A}", marks: [{ kind: crowd, x: 0.5, y: 0.5 }] }`,
      `  - { at: 5m, do: place, site_plan: "${PLAN_A}", marks: [{ kind: crowd, x: 0.1, y: 0.9, label: 东门 }, { kind: police, x: 0.2, y: 0.8 }] }`,
      '  - { at: 6m, do: clear }',
      `  - { at: 7m, do: place, site_plan: "${PLAN_A}", marks: [] }`,
    ].join('\n');
    const parsed = parseScenario('inline.yaml', source, plan);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const json = drillJson(runDrill(parsed.scenario, plan));
    expect(json.marks).toEqual({ at: '2026-03-02T09:05:00+08:00', site_plan: PLAN_A, marks: [crowd(0.1, 0.9, '东门'), police(0.2, 0.8)] });
    expect(json.rejected).toEqual([expect.objectContaining({ do: 'place', code: 'cleared' })]);
    expect(json.events.filter((e) => e.type === 'marks_placed')).toHaveLength(2);
  });
});

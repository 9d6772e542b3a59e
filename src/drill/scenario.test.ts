import { describe, expect, it } from 'vitest';
import { loadPlanOrThrow } from '../plan/plan.loader.js';
import { drillJson } from './drill.report.js';
import { runDrill } from './drill.runner.js';
import { drillText } from './drill.text.js';
import { parseScenario } from './scenario.js';

/*
 * A scenario's name and description: one text (as contract §3 writes it) or `{ zh, en }`. The
 * drill output's `scenario` stays one text (the Chinese one when both are given); the readable
 * report and the web UI show the reader's language.
 */

const plan = loadPlanOrThrow();
const STEPS = `start: 2026-03-02T09:00:00+08:00
steps:
  - { at: 0m, do: report, venue: residence, headcount: 8, units: [town-tanggou], matter: 征地补偿款未发放 }
  - { at: 4m, do: guide, result: failed }
`;

describe('scenario names in one language or two', () => {
  it('a plain name, as in contract §3, is the output `scenario` and serves both languages', () => {
    const parsed = parseScenario('plain.yaml', `name: crowd grows at the residence\n${STEPS}`, plan);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.scenario).toMatchObject({ name: 'crowd grows at the residence', title: { zh: 'crowd grows at the residence', en: 'crowd grows at the residence' }, description: null });
    expect(drillJson(runDrill(parsed.scenario, plan)).scenario).toBe('crowd grows at the residence');
  });

  it('`{ zh, en }` names and descriptions: the output `scenario` is the Chinese name; the report reads in its language', () => {
    const source = `name: { zh: 巡视组驻地聚集人数增加, en: crowd grows at the residence }
description:
  zh: §4.1 劝导无效
  en: §4.1 guidance fails
${STEPS}`;
    const parsed = parseScenario('both.yaml', source, plan);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.scenario).toMatchObject({
      name: '巡视组驻地聚集人数增加',
      title: { zh: '巡视组驻地聚集人数增加', en: 'crowd grows at the residence' },
      description: { zh: '§4.1 劝导无效', en: '§4.1 guidance fails' },
    });
    const run = runDrill(parsed.scenario, plan);
    expect(drillJson(run).scenario).toBe('巡视组驻地聚集人数增加');
    expect(drillText(run, 'zh').split('\n')[0]).toBe('演练: 巡视组驻地聚集人数增加');
    expect(drillText(run, 'en').split('\n')[0]).toBe('Drill: crowd grows at the residence');
    // Named in both languages, a scenario draws the same ids as when it was named in English only.
    const plain = parseScenario('plain.yaml', `name: crowd grows at the residence\n${STEPS}`, plan);
    if (!plain.ok) throw new Error('plain');
    expect(drillJson(run).events).toEqual(drillJson(runDrill(plain.scenario, plan)).events);
  });

  it('a name in one language only, or an unknown language, is an invalid scenario, located', () => {
    for (const name of ['{ zh: 只有中文 }', '{ zh: 中文, en: English, fr: Français }', '""']) {
      const parsed = parseScenario('bad.yaml', `name: ${name}\n${STEPS}`, plan);
      expect(parsed.ok, name).toBe(false);
      if (!parsed.ok) expect(parsed.errors[0], name).toMatchObject({ file: 'bad.yaml', line: 1 });
    }
  });
});

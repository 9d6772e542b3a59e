/**
 * Engine throughput, no I/O, in one process.
 *
 * 1. Drills: many drills of a 20-step scenario (bench/twenty-steps.yaml); commands/s and
 *    drills/s, the median of ROUNDS rounds.
 * 2. Lifecycles, beside a BPMN engine: one incident lifecycle of the plan fragment in
 *    bench/lifecycle.yaml (report → guidance fails → summons to three units with 15/15/60-minute
 *    deadlines and a 5-minute acknowledgement escalation → acknowledgements and arrivals, one
 *    late → clear), run by the product's engine on its virtual clock, and the same fragment
 *    in bpmn-engine (bench/fragment.bpmn, timers on a virtual clock too: bench/bpmn.fragment.ts),
 *    in interleaved rounds; lifecycles/s min / median / max for both and the ratio.
 *
 * `npm run bench:engine`. ROUNDS, DRILLS, LIFECYCLES, BPMN_LIFECYCLES shrink or grow it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../src/plan/plan.loader.js';
import { loadScenario } from '../src/drill/scenario.js';
import { runDrill } from '../src/drill/drill.runner.js';
import { loadFragment, runLifecycle } from './bpmn.fragment.js';
import { fmt, interleaved, log, report, round2, spread } from './support.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const DRILLS = Number(process.env.DRILLS ?? 20_000);
const LIFECYCLES = Number(process.env.LIFECYCLES ?? 20_000);
const BPMN_LIFECYCLES = Number(process.env.BPMN_LIFECYCLES ?? 500);

const plan = loadPlanOrThrow();
const load = (file: string) => {
  const loaded = loadScenario(fileURLToPath(new URL(file, import.meta.url)), plan);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.scenario;
};

// 1. Drills.
const scenario = load('./twenty-steps.yaml');
const steps = scenario.steps.length;
const check = runDrill(scenario, plan);
if (check.state?.status !== 'closed' || check.state.rejected.length) {
  throw new Error(`bench scenario did not run as intended: ${JSON.stringify(check.state?.rejected)}`);
}
const eventsPerDrill = check.events.length;
for (let i = 0; i < 2_000; i++) runDrill(scenario, plan); // warm up the JIT

const rates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < DRILLS; i++) runDrill(scenario, plan);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rates.push(DRILLS / seconds);
  log(`drills round ${round + 1}/${ROUNDS}: ${Math.round(DRILLS / seconds).toLocaleString('en')} drills/s`);
}
rates.sort((a, b) => a - b);
const drillsPerSecond = rates[Math.floor(rates.length / 2)]!;
const drills = {
  steps_per_drill: steps,
  events_per_drill: eventsPerDrill,
  drills_per_second: Math.round(drillsPerSecond),
  commands_per_second: Math.round(drillsPerSecond * steps),
  events_per_second: Math.round(drillsPerSecond * eventsPerDrill),
  rounds: ROUNDS,
  drills_per_round: DRILLS,
};

// 2. The lifecycle fragment: the product's engine against bpmn-engine.
const lifecycle = load('./lifecycle.yaml');
const run = runDrill(lifecycle, plan);
const types = run.events.map((e) => e.type);
const count = (t: string) => types.filter((x) => x === t).length;
if (run.state?.rejected.length || run.state?.status !== 'cleared' || count('summons_issued') !== 3 || count('deadline_missed') !== 1 || count('incident_cleared') !== 1) {
  throw new Error(`lifecycle scenario did not run as intended: ${JSON.stringify({ types, rejected: run.state?.rejected, status: run.state?.status })}`);
}
const sourceContext = await loadFragment();
const trace: string[] = [];
await runLifecycle(sourceContext, trace);
const ended = (id: string) => trace.filter((t) => t === id).length;
if (ended('closed') !== 1 || ended('deadline_missed_education') !== 1 || ended('deadline_missed_housing') + ended('deadline_missed_hengbu') + trace.filter((t) => t.startsWith('ack_escalated')).length !== 0) {
  throw new Error(`BPMN fragment did not run as intended: ${trace.join(' ')}`);
}
for (let i = 0; i < 2_000; i++) runDrill(lifecycle, plan);
for (let i = 0; i < 50; i++) await runLifecycle(sourceContext);

const lifecycles = await interleaved(ROUNDS, {
  yingji: async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < LIFECYCLES; i++) runDrill(lifecycle, plan);
    return LIFECYCLES / (Number(process.hrtime.bigint() - t0) / 1e9);
  },
  'bpmn-engine': async () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BPMN_LIFECYCLES; i++) await runLifecycle(sourceContext);
    return BPMN_LIFECYCLES / (Number(process.hrtime.bigint() - t0) / 1e9);
  },
});
const yingji = spread(lifecycles.yingji!.map(Math.round));
const bpmn = spread(lifecycles['bpmn-engine']!.map(Math.round));
const ratio = round2(yingji.median / bpmn.median);
const bpmnVersion = (JSON.parse(readFileSync(new URL('../node_modules/bpmn-engine/package.json', import.meta.url), 'utf8')) as { version: string }).version;

report(
  'engine',
  {
    drills,
    lifecycle: {
      scenario: 'bench/lifecycle.yaml',
      bpmn: 'bench/fragment.bpmn',
      bpmn_engine: bpmnVersion,
      steps: lifecycle.steps.length,
      events: run.events.length,
      rounds: ROUNDS,
      per_round: { yingji: LIFECYCLES, bpmn_engine: BPMN_LIFECYCLES },
      yingji_lifecycles_per_second: yingji,
      bpmn_engine_lifecycles_per_second: bpmn,
      ratio,
    },
  },
  [
    `drills (${steps} steps, ${eventsPerDrill} events): ${drills.drills_per_second.toLocaleString('en')} drills/s, ${drills.commands_per_second.toLocaleString('en')} commands/s (median of ${ROUNDS})`,
    `lifecycle fragment (${lifecycle.steps.length} steps, ${run.events.length} events; ${ROUNDS} interleaved rounds, min / median / max):`,
    `  yingji engine:        ${fmt(yingji)} lifecycles/s`,
    `  bpmn-engine ${bpmnVersion}: ${fmt(bpmn)} lifecycles/s`,
    `  ratio yingji / bpmn-engine (medians): ${ratio.toLocaleString('en')}×`,
  ],
);

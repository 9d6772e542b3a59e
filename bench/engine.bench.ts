/**
 * Engine throughput: many drills of a 20-step scenario in one process, no I/O.
 * Prints commands per second and drills per second, the median of several rounds.
 * Run with `npm run bench:engine`.
 */
import { fileURLToPath } from 'node:url';
import { loadPlanOrThrow } from '../src/plan/plan.loader.js';
import { loadScenario } from '../src/drill/scenario.js';
import { runDrill } from '../src/drill/drill.runner.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const DRILLS = Number(process.env.DRILLS ?? 20_000);

const plan = loadPlanOrThrow();
const loaded = loadScenario(fileURLToPath(new URL('./twenty-steps.yaml', import.meta.url)), plan);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const scenario = loaded.scenario;
const steps = scenario.steps.length;

const check = runDrill(scenario, plan);
if (check.state?.status !== 'closed' || check.state.rejected.length) {
  throw new Error(`bench scenario did not run as intended: ${JSON.stringify(check.state?.rejected)}`);
}
const eventsPerDrill = check.events.length;

// Warm up the JIT before measuring.
for (let i = 0; i < 2_000; i++) runDrill(scenario, plan);

const rates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < DRILLS; i++) runDrill(scenario, plan);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rates.push(DRILLS / seconds);
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${Math.round(DRILLS / seconds).toLocaleString('en')} drills/s\n`);
}
rates.sort((a, b) => a - b);
const drillsPerSecond = rates[Math.floor(rates.length / 2)]!;
const result = {
  steps_per_drill: steps,
  events_per_drill: eventsPerDrill,
  drills_per_second: Math.round(drillsPerSecond),
  commands_per_second: Math.round(drillsPerSecond * steps),
  events_per_second: Math.round(drillsPerSecond * eventsPerDrill),
  rounds: ROUNDS,
  drills_per_round: DRILLS,
  node: process.version,
};
console.log(JSON.stringify(result, null, 2));

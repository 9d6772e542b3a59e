import { DEFAULT_PLAN_FILE, loadPlan } from '../plan/plan.loader.js';
import { formatSourceError } from '../plan/yaml-source.js';
import { drillJson } from '../drill/drill.report.js';
import { runDrill } from '../drill/drill.runner.js';
import { drillText } from '../drill/drill.text.js';
import { loadScenario } from '../drill/scenario.js';

/** `yingji drill`: 0 when the scenario ran (rejections included), 1 when plan or scenario is invalid. */
export function runDrillCommand(opts: { scenario: string; plan?: string; json?: boolean; lang: 'zh' | 'en' }): number {
  const planResult = loadPlan(opts.plan ?? DEFAULT_PLAN_FILE);
  if (!planResult.ok) return fail(planResult.errors);
  const scenarioResult = loadScenario(opts.scenario, planResult.plan);
  if (!scenarioResult.ok) return fail(scenarioResult.errors);
  const run = runDrill(scenarioResult.scenario, planResult.plan);
  process.stdout.write(opts.json ? `${JSON.stringify(drillJson(run), null, 2)}\n` : drillText(run, opts.lang));
  return 0;
}

function fail(errors: Parameters<typeof formatSourceError>[0][]): number {
  for (const e of errors) process.stderr.write(`${formatSourceError(e)}\n`);
  return 1;
}

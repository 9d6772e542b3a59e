import { loadPlan } from '../plan/plan.loader.js';
import { explainPlan } from '../plan/plan.explain.js';
import { formatSourceError } from '../plan/yaml-source.js';

/** `yingji plan validate FILE`: 0 when valid, 1 with located errors on stderr. */
export function validateCommand(file: string): number {
  const result = loadPlan(file);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${formatSourceError(e)}\n`);
    return 1;
  }
  const { plan } = result;
  process.stdout.write(`${file}: ok — ${plan.id} ${plan.version} ${plan.digest}\n`);
  return 0;
}

/** `yingji plan explain FILE`: a readable summary on stdout. */
export function explainCommand(file: string, lang: 'zh' | 'en'): number {
  const result = loadPlan(file);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${formatSourceError(e)}\n`);
    return 1;
  }
  process.stdout.write(explainPlan(result.plan, lang));
  return 0;
}

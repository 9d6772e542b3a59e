import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/*
 * Another county: the default plan, the demo organization and the bundled scenarios with every
 * unit id renamed. Nothing in the product may depend on the demo county's ids, so this county
 * must run exactly like the demo one, under the renaming.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PLAN = join(ROOT, 'plans/inspection-visit-petition-plan.yaml');
const ORG = join(ROOT, 'plans/demo-organization.yaml');
export const SCENARIOS = join(ROOT, 'scenarios');

export interface RenamedCounty {
  dir: string;
  planFile: string;
  scenarioDir: string;
  /** Old unit id → new unit id. */
  units: ReadonlyMap<string, string>;
  /** Renames every unit id inside a text (YAML, JSON, a role such as `unit/position`). */
  rename(text: string): string;
  /** A role or unit id under the renaming. */
  id(oldId: string): string;
}

/** Writes the renamed county into a fresh temporary folder. */
export function renamedCounty(): RenamedCounty {
  const org = parse(readFileSync(ORG, 'utf8')) as { units: { id: string }[] };
  // New ids share nothing with the old ones: `xa-unit-00`, `xa-unit-01`, …
  const units = new Map(org.units.map((u, i) => [u.id, `xa-unit-${String(i).padStart(2, '0')}`]));
  // Longest ids first, so `police-bureau` is never matched inside a longer id.
  const ids = [...units.keys()].sort((a, b) => b.length - a.length).map((id) => id.replace(/[-]/g, '\\-'));
  const pattern = new RegExp(`(?<![a-z0-9-])(${ids.join('|')})(?![a-z0-9-])`, 'g');
  const rename = (text: string) => text.replace(pattern, (id) => units.get(id)!);
  const dir = mkdtempSync(join(tmpdir(), 'yingji-county-'));
  const planFile = join(dir, 'plan.yaml');
  writeFileSync(planFile, rename(readFileSync(PLAN, 'utf8')).replace(/^organization: .*$/m, 'organization: organization.yaml'));
  writeFileSync(join(dir, 'organization.yaml'), rename(readFileSync(ORG, 'utf8')));
  const scenarioDir = join(dir, 'scenarios');
  // Scenarios are renamed the same way.
  mkdirSync(scenarioDir);
  for (const f of readdirSync(SCENARIOS).filter((f) => /\.ya?ml$/.test(f))) {
    writeFileSync(join(scenarioDir, f), rename(readFileSync(join(SCENARIOS, f), 'utf8')));
  }
  return { dir, planFile, scenarioDir, units, rename, id: (old) => rename(old) };
}

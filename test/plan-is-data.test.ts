import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VENUE_KINDS } from '../src/plan/plan.schema.js';

/*
 * The plan is data: no unit or venue id of the demo county is written into the product's code
 * (server or web), outside tests and fixtures. A county with other ids gets the same product;
 * a string literal naming a demo id would quietly work only for the demo.
 */
const org = parse(readFileSync(new URL('../plans/demo-organization.yaml', import.meta.url), 'utf8')) as { units: { id: string }[]; venues: { id: string }[] };
// A venue id that is also a venue kind (`residence`) names the kind where the code says it.
const ids = [...org.units.map((u) => u.id), ...org.venues.map((v) => v.id).filter((id) => !(VENUE_KINDS as readonly string[]).includes(id))];

describe('the plan is data', () => {
  it('no demo unit or venue id appears as a string in src/ or web/src/ (tests and fixtures aside)', () => {
    const files = execFileSync('git', ['ls-files', 'src', 'web/src'], { cwd: new URL('..', import.meta.url), encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$|test-support|fixtures/.test(f));
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      for (const id of ids) if (new RegExp(`['"]${id}(['"/])`).test(text)) found.push(`${file}: ${id}`);
    }
    expect(found).toEqual([]);
  });
});

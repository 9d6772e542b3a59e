import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDrillCommand } from '../cli/drill.command.js';
import { parseScenario } from '../drill/scenario.js';
import { LIMITS } from '../engine/limits.js';
import { DEFAULT_PLAN_FILE, loadPlan, loadPlanOrThrow, loadPlanText } from './plan.loader.js';
import { formatSourceError, MAX_YAML_DEPTH, YamlSource } from './yaml-source.js';

/*
 * YAML from users (drill scenarios, plan uploads, `yingji drill`) is parsed with limits: size,
 * nesting and alias expansions. Going past one is a located error, never a thrown one.
 */

/** A "billion laughs" document: each level repeats the one before nine times. */
const BOMB = [
  'name: bomb',
  'start: 2026-03-02T09:00:00+08:00',
  'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
  'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
  'steps: [*g]',
  '',
].join('\n');
const FIRST_ALIAS = { line: 4, col: 8 };

const plan = loadPlanOrThrow();
const ORG_TEXT = readFileSync(join(dirname(DEFAULT_PLAN_FILE), 'demo-organization.yaml'), 'utf8');

describe('YAML limits', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('an alias bomb is an error located at its first alias, not a hang or a throw', () => {
    const { errors } = YamlSource.parse('bomb.yaml', BOMB);
    expect(errors).toEqual([{ file: 'bomb.yaml', ...FIRST_ALIAS, message: expect.stringMatching(/too many alias expansions \(at most 100\)/) }]);
  });

  it('an alias without its anchor is a located error too', () => {
    const { errors } = YamlSource.parse('x.yaml', 'a: 1\nb: [1, *nowhere]\n');
    expect(errors).toEqual([{ file: 'x.yaml', line: 2, col: 8, message: expect.stringMatching(/Unresolved alias.*nowhere/) }]);
  });

  it('a few ordinary aliases are fine', () => {
    const { source, errors } = YamlSource.parse('ok.yaml', 'units: &u [town-tanggou]\nagain: *u\nmore: *u\n');
    expect(errors).toEqual([]);
    expect(source.value()).toEqual({ units: ['town-tanggou'], again: ['town-tanggou'], more: ['town-tanggou'] });
  });

  it('text longer than the limit is refused at the line where it goes past it', () => {
    const line = `note: ${'x'.repeat(1000)}\n`;
    const text = line.repeat(Math.ceil((LIMITS.yaml + 1) / line.length));
    const { errors } = YamlSource.parse('big.yaml', text);
    expect(errors).toEqual([{ file: 'big.yaml', line: Math.floor(LIMITS.yaml / line.length) + 1, col: 1, message: expect.stringMatching(/too large: at most 500000 characters/) }]);
    expect(YamlSource.parse('ok.yaml', text.slice(0, LIMITS.yaml - 100).replace(/[^\n]*$/, '')).errors.filter((e) => /too large/.test(e.message))).toEqual([]);
  });

  it('deep nesting is refused before the parser recurses: flow brackets and indentation alike', () => {
    const flow = YamlSource.parse('flow.yaml', `a: 1\nb: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(flow.errors).toEqual([{ file: 'flow.yaml', line: 2, col: 4 + MAX_YAML_DEPTH, message: expect.stringMatching(/nested too deeply/) }]);
    const block = Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}- `).join('\n');
    expect(YamlSource.parse('block.yaml', `${block}x\n`).errors).toEqual([expect.objectContaining({ file: 'block.yaml', line: 100, message: expect.stringMatching(/nested too deeply/) })]);
    const compact = `a:\n  ${'- '.repeat(3000)}x\n`;
    expect(YamlSource.parse('compact.yaml', compact).errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/nested too deeply/) })]);
    // Ordinary nesting, as the shipped plan has, is fine.
    expect(YamlSource.parse('ok.yaml', 'a:\n  b:\n    - { c: [1, [2, [3]]] }\n').errors).toEqual([]);
  });

  it('a drill scenario and a plan with an alias bomb are invalid, located', () => {
    const scenario = parseScenario('bomb.yaml', BOMB, plan);
    expect(scenario).toEqual({ ok: false, errors: [expect.objectContaining({ file: 'bomb.yaml', ...FIRST_ALIAS })] });
    const uploaded = loadPlanText('plan.yaml', BOMB, 'organization', ORG_TEXT);
    expect(uploaded).toEqual({ ok: false, errors: [expect.objectContaining({ file: 'plan.yaml', ...FIRST_ALIAS })] });
    const dir = mkdtempSync(join(tmpdir(), 'yingji-bomb-'));
    writeFileSync(join(dir, 'plan.yaml'), BOMB);
    expect(loadPlan(join(dir, 'plan.yaml'))).toEqual({ ok: false, errors: [expect.objectContaining({ file: join(dir, 'plan.yaml'), ...FIRST_ALIAS })] });
  });

  it('`yingji drill` with an alias bomb exits 1 with FILE:LINE:COL on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yingji-bomb-'));
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, BOMB);
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(runDrillCommand({ scenario: file, lang: 'en' })).toBe(1);
    expect(out).not.toHaveBeenCalled();
    expect(err.join('')).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:8: too many alias expansions`));
    expect(formatSourceError({ file: 'a.yaml', line: 4, col: 9, message: 'm' })).toBe('a.yaml:4:9: m');
  });

  it('the shipped plan and organization are within every limit', () => {
    expect(loadPlan().ok).toBe(true);
    expect(YamlSource.parse('organization', ORG_TEXT).errors).toEqual([]);
  });
});

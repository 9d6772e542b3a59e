import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PLAN_FILE, loadPlan } from './plan.loader.js';
import { arrivalLimit, tierFor } from './plan.js';
import { HOUR, MINUTE } from './duration.js';

const PLAN_TEXT = readFileSync(DEFAULT_PLAN_FILE, 'utf8');
const ORG_FILE = join(dirname(DEFAULT_PLAN_FILE), 'demo-organization.yaml');
const ORG_TEXT = readFileSync(ORG_FILE, 'utf8');

/** Writes a plan (and organization) into a fresh folder after edits, and loads it. */
function loadEdited(edit: (plan: string) => string, editOrg: (org: string) => string = (o) => o) {
  const dir = mkdtempSync(join(tmpdir(), 'yingji-plan-'));
  const planText = edit(PLAN_TEXT);
  if (planText === PLAN_TEXT && editOrg(ORG_TEXT) === ORG_TEXT) throw new Error('edit did not change anything');
  writeFileSync(join(dir, 'plan.yaml'), planText);
  writeFileSync(join(dir, 'demo-organization.yaml'), editOrg(ORG_TEXT));
  const result = loadPlan(join(dir, 'plan.yaml'));
  if (result.ok) throw new Error('expected the edited plan to be invalid');
  return { errors: result.errors, file: join(dir, 'plan.yaml'), org: join(dir, 'demo-organization.yaml'), text: planText };
}

/** 1-based line of the first occurrence of a snippet. */
const lineOf = (text: string, snippet: string) => text.slice(0, text.indexOf(snippet)).split('\n').length;

describe('the default plan', () => {
  const result = loadPlan();
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { plan } = result;

  it('encodes every clause of the source, §1 to §6', () => {
    const clauses = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) if (k === 'clause' && typeof x === 'string') clauses.add(x);
        Object.values(v).forEach(walk);
      }
    };
    walk(parse(PLAN_TEXT));
    for (const c of ['§1', '§2', '§3', '§4.1', '§4.1.1', '§4.1.2', '§4.1.3', '§4.2', '§5', '§5.1', '§5.2', '§6']) {
      expect(clauses, c).toContain(c);
    }
  });

  it('makes every open question of the source an explicit setting with its default', () => {
    expect(plan.guidanceWindow).toBe(10 * MINUTE);
    expect(plan.file.on_site.tiers.step_down).toBe('never');
    expect(plan.file.settings.collective_min_people).toBe(5);
    expect([...plan.majorMeasures].sort()).toEqual(['removal', 'take_items', 'transfer']);
    expect(plan.updateInterval).toBe(15 * MINUTE);
    expect(plan.acknowledgement).toEqual({ escalateAfter: 5 * MINUTE, deputy: 'responsible', workingGroup: true });
  });

  it('escalates an unacknowledged summons after 5 minutes by default, when a plan leaves the setting out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yingji-plan-'));
    const text = PLAN_TEXT.replace(/\n  acknowledgement:\n(    .*\n){4}/, '\n');
    expect(text).not.toContain('escalate_after');
    writeFileSync(join(dir, 'plan.yaml'), text);
    writeFileSync(join(dir, 'demo-organization.yaml'), ORG_TEXT);
    const loaded = loadPlan(join(dir, 'plan.yaml'));
    expect(loaded.ok && loaded.plan.acknowledgement).toEqual({ escalateAfter: 5 * MINUTE, deputy: 'responsible', workingGroup: true });
  });

  it('keeps a cleared incident on the board for 30 minutes by default, when a plan leaves the setting out', () => {
    expect(plan.file.settings.board_cleared_minutes).toBe(30);
    const dir = mkdtempSync(join(tmpdir(), 'yingji-plan-'));
    const text = PLAN_TEXT.replace(/\n  board_cleared_minutes: .*\n/, '\n');
    expect(text).not.toContain('board_cleared_minutes');
    writeFileSync(join(dir, 'plan.yaml'), text);
    writeFileSync(join(dir, 'demo-organization.yaml'), ORG_TEXT);
    const loaded = loadPlan(join(dir, 'plan.yaml'));
    expect(loaded.ok && loaded.plan.file.settings.board_cleared_minutes).toBe(30);
    writeFileSync(join(dir, 'plan.yaml'), text.replace('collective_min_people: 5', 'collective_min_people: 5\n  board_cleared_minutes: 5'));
    const five = loadPlan(join(dir, 'plan.yaml'));
    expect(five.ok && five.plan.file.settings.board_cleared_minutes).toBe(5);
  });

  it('has the §5 arrival limits: police 15 min, county departments 15 min, townships 1 h', () => {
    expect(arrivalLimit(plan, 'police-bureau')).toBe(15 * MINUTE);
    expect(arrivalLimit(plan, 'dept-housing')).toBe(15 * MINUTE);
    expect(arrivalLimit(plan, 'town-tanggou')).toBe(HOUR);
    expect(arrivalLimit(plan, 'joint-office')).toBe(15 * MINUTE);
  });

  it('has the fixed unit ids and venues of the contract, with Chinese and English names', () => {
    for (const id of [
      'police-bureau', 'police-special-patrol', 'police-public-order', 'police-station-zongyang', 'petition-bureau',
      'joint-office', 'political-legal-committee', 'discipline-commission', 'inspection-team', 'county-party',
      'county-government', 'town-zongyang', 'town-tanggou', 'town-hengbu', 'town-fushan', 'dept-housing',
      'dept-natural-resources', 'dept-human-resources', 'dept-education',
    ]) {
      const unit = plan.units.get(id);
      expect(unit, id).toBeDefined();
      expect(unit!.name.zh).toMatch(/\p{Script=Han}/u);
      expect(unit!.name.en).toMatch(/[A-Za-z]/);
    }
    expect(plan.units.get('town-fushan')!.kind).toBe('township');
    expect(plan.units.get('dept-education')!.kind).toBe('county-department');
    expect([...plan.venues]).toEqual(['residence', 'venue-1', 'venue-2']);
    for (const u of plan.org.units.filter((x) => x.kind === 'township' || x.kind === 'county-department')) {
      expect(u.in_charge, u.id).toMatch(/^county-(party|government)\//);
    }
  });

  it('has the roles the contract names', () => {
    for (const r of ['police-bureau/duty-leader', 'petition-bureau/staff', 'working-group/leader', 'working-group/executive-deputy',
      'working-group/deputy', 'working-group/member', 'county-party/leader', 'county-government/leader', 'town-tanggou/principal']) {
      expect(plan.roles.has(r), r).toBe(true);
    }
  });

  it('maps head counts to tiers at the inclusive bounds', () => {
    expect([1, 10, 11, 20, 21, 50, 51].map((n) => tierFor(plan, n))).toEqual([1, 1, 2, 2, 3, 3, 4]);
  });

  it('has a stable digest of plan and organization', () => {
    const again = loadPlan();
    expect(again.ok && again.plan.digest).toBe(plan.digest);
  });
});

describe('plan errors name file, line, column and what is wrong', () => {
  it("rejects the source's overlapping ranges (10人以下 / 10—20人)", () => {
    const { errors, file, text } = loadEdited((p) => p.replace('min: 11\n', 'min: 10\n'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file, line: lineOf(text, 'min: 10\n        max: 20'), col: 14 });
    expect(errors[0]!.message).toMatch(/overlapping tier 1/);
  });

  it('rejects a gap between tiers', () => {
    const { errors } = loadEdited((p) => p.replace('min: 21\n', 'min: 23\n'));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/gap: no tier covers 21–22 people/)]);
  });

  it('rejects a bounded highest tier', () => {
    const { errors } = loadEdited((p) => p.replace('min: 51\n        max: null', 'min: 51\n        max: 100'));
    expect(errors[0]!.message).toMatch(/highest tier must be unbounded/);
  });

  it('rejects a role that does not exist, pointing at it', () => {
    const { errors, text } = loadEdited((p) => p.replace('command: [police-bureau/principal]', 'command: [police-bureau/chief]'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(lineOf(text, 'police-bureau/chief'));
    expect(errors[0]!.message).toMatch(/no position "chief"/);
  });

  it('requires every designation, pointing at the block that lacks it', () => {
    const { errors, text } = loadEdited((p) => p.replace(/^  venue_staff: .*\n/m, ''));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(lineOf(text, 'designations:') + 1);
    expect(errors[0]!.message).toMatch(/venue_staff/);
  });

  it('rejects a designation naming a unit, role or kind the organization lacks, pointing at it', () => {
    const { errors, text } = loadEdited((p) =>
      p.replace('venue_staff: [petition-bureau/staff]', 'venue_staff: [petition-bureau/clerk]').replace('inspection_team: [inspection-team]', 'inspection_team: [inspectors]').replace('police: [kind:police]', 'police: [kind:army]'),
    );
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      // The accusation route may no longer forward to the inspection team, which is no longer designated.
      [lineOf(text, 'may_forward_to: [inspection-team]'), expect.stringMatching(/only to the inspection team or a discipline organ/)],
      [lineOf(text, 'venue_staff: [petition-bureau/clerk]'), expect.stringMatching(/no position "clerk"/)],
      [lineOf(text, 'police: [kind:army]'), expect.stringMatching(/unknown unit kind "army"/)],
      [lineOf(text, 'inspection_team: [inspectors]'), expect.stringMatching(/unknown unit "inspectors"/)],
    ]);
    expect(errors[1]!.col).toBe(text.split('\n')[errors[1]!.line - 1]!.indexOf('petition-bureau/clerk') + 1);
  });

  it('sends accusations only to a discipline organ, and forwards them only to the inspection team (safeguards 6)', () => {
    const { errors, text } = loadEdited((p) => p.replace('handler: { unit: discipline-commission }', 'handler: { unit: joint-office }').replace('may_forward_to: [inspection-team]', 'may_forward_to: [petition-bureau]'));
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [lineOf(text, 'handler: { unit: joint-office }'), expect.stringMatching(/discipline organ/)],
      [lineOf(text, 'may_forward_to: [petition-bureau]'), expect.stringMatching(/only to the inspection team/)],
    ]);
  });

  it('rejects an unknown unit', () => {
    const { errors } = loadEdited((p) => p.replace('implemented_by: police-bureau', 'implemented_by: police-hq'));
    expect(errors[0]!.message).toMatch(/unknown unit "police-hq"/);
  });

  it('rejects an approver who is not county leadership (§5.1)', () => {
    const { errors } = loadEdited((p) => p.replace('approvers: [county-party/leader, county-government/leader]', 'approvers: [county-party/leader, police-bureau/principal]'));
    expect(errors[0]!.message).toMatch(/approvers must be county party-committee or county-government leaders/);
  });

  it('rejects an escalation to a position the organization does not have', () => {
    const { errors, text } = loadEdited((p) => p.replace('deputy: responsible #', 'deputy: vice-chief #'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: lineOf(text, 'deputy: vice-chief') });
    expect(errors[0]!.message).toMatch(/unknown position "vice-chief"/);
  });

  it('rejects a non-positive deadline', () => {
    const { errors, text } = loadEdited((p) => p.replace('acceptance: 15d', 'acceptance: 0d'));
    expect(errors[0]).toMatchObject({ line: lineOf(text, 'acceptance: 0d') });
    expect(errors[0]!.message).toMatch(/positive duration/);
  });

  it('rejects an unknown field at the key, and a wrong type saying what was expected', () => {
    const { errors, text } = loadEdited((p) => p.replace('  collective_min_people: 5', '  collective_min_people: many\n  colective: 3'));
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [lineOf(text, 'collective_min_people: many'), expect.stringMatching(/settings.collective_min_people: expected number/)],
      [lineOf(text, 'colective'), 'settings.colective: unknown field "colective"'],
    ]);
    expect(errors[1]!.col).toBe(3);
  });

  it('reports YAML syntax errors with their position', () => {
    const { errors, text } = loadEdited((p) => p.replace('version: "2017.1"', 'version: [2017'));
    expect(errors[0]!.line).toBeGreaterThanOrEqual(lineOf(text, 'version: [2017'));
  });

  it('reports errors in the organization file against that file', () => {
    const { errors, org } = loadEdited(
      (p) => p.replace('organization: demo-organization.yaml', 'organization: ./demo-organization.yaml'),
      (o) => o.replace('in_charge: county-government/leader', 'in_charge: dept-housing/principal'),
    );
    expect(errors[0]).toMatchObject({ file: org });
    expect(errors[0]!.message).toMatch(/leader in charge must hold a role in a county leadership unit/);
  });

  it('reports a missing organization file', () => {
    const { errors } = loadEdited((p) => p.replace('organization: demo-organization.yaml', 'organization: missing.yaml'));
    expect(errors[0]!.message).toMatch(/cannot read organization file .*missing\.yaml/);
  });

  it('requires the last follow-up route to apply always, so every grievance becomes a case', () => {
    const { errors } = loadEdited((p) => p.replace('when: always', 'when: several_units'));
    expect(errors[0]!.message).toMatch(/last route must apply always/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { drillJson, type DrillJson } from '../src/drill/drill.report.js';
import { runDrill } from '../src/drill/drill.runner.js';
import { loadScenario } from '../src/drill/scenario.js';
import { loadPlanOrThrow } from '../src/plan/plan.loader.js';

/*
 * The example drills in scenarios/, each run on the shipped plan and checked against the
 * clause it illustrates. Every file there must load and be covered by a test below.
 */

const DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
const plan = loadPlanOrThrow();

const scenarioFiles = (): string[] => readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

/** Scenario files that some test below checks; filled while the suites are collected. */
const covered = new Set<string>();

/** Loads and runs one scenario file; throws with every located error when it is invalid. */
function drill(file: string): DrillJson {
  const loaded = loadScenario(join(DIR, file), plan);
  if (!loaded.ok) {
    throw new Error(`invalid scenario:\n${loaded.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n')}`);
  }
  return drillJson(runDrill(loaded.scenario, plan));
}

/** A test of one scenario's outcome. It must make assertions, and it marks the file covered. */
function scenario(file: string, title: string, check: (d: DrillJson) => void): void {
  covered.add(file);
  it(title, () => {
    expect.hasAssertions();
    check(drill(file));
  });
}

// Every scenario starts on 2026-03-02 at 09:00 China time.
/** An instant on the drill day, `hh:mm` in +08:00. */
const t = (hhmm: string) => `2026-03-02T${hhmm}:00+08:00`;

const TRACKING = /^YJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const INFORMED = ['working-group/leader', 'working-group/executive-deputy', 'working-group/deputy'];

type SummonsView = Pick<
  DrillJson['summons'][number],
  'role' | 'unit' | 'reason' | 'issued_at' | 'deadline' | 'acked_at' | 'arrived_at' | 'left_at' | 'stood_down_at' | 'status'
>;

/** The summons with exactly the contract's fields (§3); fields added later are not this file's concern. */
const contractSummons = (d: DrillJson): SummonsView[] =>
  d.summons.map(({ role, unit, reason, issued_at, deadline, acked_at, arrived_at, left_at, stood_down_at, status }) => ({
    role, unit, reason, issued_at, deadline, acked_at, arrived_at, left_at, stood_down_at, status,
  }));

/** A summons as the contract shows it; acked and left default to null. */
function summons(
  role: string,
  reason: SummonsView['reason'],
  issued: string,
  deadline: string,
  arrived: string | null,
  status: SummonsView['status'],
  more: { acked?: string; left?: string; stoodDown?: string } = {},
): SummonsView {
  return {
    role,
    unit: role.slice(0, role.indexOf('/')),
    reason,
    issued_at: t(issued),
    deadline: t(deadline),
    acked_at: more.acked ? t(more.acked) : null,
    arrived_at: arrived === null ? null : t(arrived),
    left_at: more.left ? t(more.left) : null,
    stood_down_at: more.stoodDown ? t(more.stoodDown) : null,
    status,
  };
}

/**
 * The single case a drill opens at `hh:mm`: acceptance within 15 days and handling within 60
 * days of acceptance (《信访工作条例》第二十二、三十四条), so accept by 03-17 and due 05-16.
 */
function theCase(route: string, handler: string, hhmm: string) {
  return [
    {
      id: 'case-1',
      route,
      handler,
      opened_at: t(hhmm),
      accept_by: `2026-03-17T${hhmm}:00+08:00`,
      due: `2026-05-16T${hhmm}:00+08:00`,
      tracking_code: expect.stringMatching(TRACKING),
      clause: '§4.2',
    },
  ];
}

const types = (d: DrillJson) => d.events.map((e) => e.type);
const eventsOf = (d: DrillJson, type: string) => d.events.filter((e) => e.type === type);
const accountabilityRow = (unit: string, on_time: number, late: number, missed: number, pending = 0, stood_down = 0) => ({
  unit,
  summoned: on_time + late + missed + pending + stood_down,
  on_time,
  late,
  missed,
  stood_down,
  pending,
});

describe('scenarios/ — every example drill', () => {
  it('loads without errors, is named in kebab-case and describes its clause', () => {
    const files = scenarioFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file, file).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.yaml$/);
      const loaded = loadScenario(join(DIR, file), plan);
      expect(loaded.ok ? [] : loaded.errors, file).toEqual([]);
      // Named and described in both languages, each citing its clause.
      const raw = parse(readFileSync(join(DIR, file), 'utf8')) as { name?: unknown; description?: unknown };
      expect(raw.name, file).toEqual({ zh: expect.stringMatching(/\p{Script=Han}/u), en: expect.stringMatching(/^[\x20-\x7e—–]+$/) });
      expect(raw.description, file).toEqual({ zh: expect.stringMatching(/§\d/), en: expect.stringMatching(/§\d/) });
      if (loaded.ok) expect(loaded.scenario.name, file).toBe((raw.name as { zh: string }).zh);
    }
  });

  it('is covered by at least one assertion-bearing test, and every test names an existing file', () => {
    // `covered` is complete here: describe bodies run before any test does.
    expect([...covered].sort()).toEqual(scenarioFiles());
  });

  it('runs reproducibly: the same scenario gives the same document, tracking codes included', () => {
    for (const file of scenarioFiles()) expect(drill(file), file).toEqual(drill(file));
  });
});

describe('§4.1 step 1 — guide people to the petition bureau', () => {
  scenario('guided-away-at-once.yaml', '§4.1 step 1: a successful guide clears at once, opens the case, summons nobody', (d) => {
    expect(d.incident).toMatchObject({ venue: 'venue-1', status: 'cleared', stage: 'cleared', tier: 1, activated_at: null, cleared_at: t('09:03') });
    expect(contractSummons(d)).toEqual([]);
    expect(d.alerts).toEqual([]);
    expect(d.rejected).toEqual([]);
    expect(d.tiers).toEqual([{ at: t('09:00'), tier: 1 }]);
    expect(d.accountability).toEqual([]);
    expect(eventsOf(d, 'incident_cleared')).toEqual([{ seq: 3, at: t('09:03'), type: 'incident_cleared', by: 'guide', clause: '§4.1' }]);
    // One unit, a claim, neither concluded nor major: the unit itself handles it.
    expect(d.cases).toEqual(theCase('responsible_unit', 'town-zongyang', '09:03'));
    // The guidance window was cancelled: nothing happened in the two hours after.
    expect(types(d)).toEqual(['incident_reported', 'guidance_attempted', 'incident_cleared', 'case_opened']);
  });

  scenario(
    'guided-away-as-guidance-window-ends.yaml',
    '§4.1 steps 1–2 (contract §3): a guide at the window\'s very end runs before the window timer, so nobody is summoned',
    (d) => {
      expect(d.incident).toMatchObject({ status: 'cleared', cleared_at: t('09:10') });
      expect(types(d)).not.toContain('guidance_window_expired');
      expect(contractSummons(d)).toEqual([]);
      expect(d.alerts).toEqual([]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'town-tanggou', '09:10'));
    },
  );
});

describe('§4.1 step 2 and §5.2 — summon the responsible units', () => {
  scenario(
    'units-summoned-persuasion-succeeds.yaml',
    '§4.1 step 2, §5.2: a failed guide summons each principal (township 1 h, county department 15 min); persuasion clears',
    (d) => {
      expect(contractSummons(d)).toEqual([
        summons('town-fushan/principal', 'unit_summoned', '09:05', '10:05', '09:50', 'on_time'),
        summons('dept-housing/principal', 'unit_summoned', '09:05', '09:20', '09:18', 'on_time', { acked: '09:12' }),
      ]);
      expect(eventsOf(d, 'summons_issued').map((e) => e.clause)).toEqual(['§5.2', '§5.2']);
      // Persuasion succeeded: the plan was never activated and no police were summoned.
      expect(d.incident).toMatchObject({ status: 'cleared', activated_at: null, cleared_at: t('09:55'), tier: 1 });
      expect(types(d)).not.toContain('plan_activated');
      expect(eventsOf(d, 'incident_cleared')).toMatchObject([{ at: t('09:55'), by: 'persuade' }]);
      expect(d.alerts).toEqual([]);
      expect(d.cases).toEqual(theCase('joint_reception', 'joint-office', '09:55'));
      expect(d.accountability).toEqual([accountabilityRow('town-fushan', 1, 0, 0), accountabilityRow('dept-housing', 1, 0, 0)]);
    },
  );

  scenario(
    'guidance-window-expires-units-summoned.yaml',
    '§4.1 step 2: with no guide result, the 10-minute guidance window summons the units at +10m',
    (d) => {
      expect(eventsOf(d, 'guidance_window_expired')).toEqual([{ seq: 2, at: t('09:10'), type: 'guidance_window_expired', clause: '§4.1' }]);
      expect(types(d)).not.toContain('guidance_attempted');
      expect(contractSummons(d)).toEqual([summons('dept-education/principal', 'unit_summoned', '09:10', '09:25', '09:22', 'on_time')]);
      expect(d.incident).toMatchObject({ status: 'cleared', activated_at: null, cleared_at: t('09:30') });
      expect(d.alerts).toEqual([]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'dept-education', '09:30'));
    },
  );
});

describe('§4.1 step 3 and the tier table — activation and police command by head count', () => {
  scenario(
    'persuasion-fails-crowd-grows-through-all-tiers.yaml',
    '§4.1 tiers: 6 → 15 → 30 → 60 people raise tiers 1→2→3→4, each adding its roles once; shrinking never steps down',
    (d) => {
      expect(eventsOf(d, 'plan_activated')).toEqual([
        // After the report, the failed guide, the summons, the escalation of the unacknowledged summons at 09:07, the arrival and the failed persuasion.
        { seq: 7, at: t('09:35'), type: 'plan_activated', trigger: 'persuade_failed', informed: INFORMED, clause: '§4.1' },
      ]);
      expect(eventsOf(d, 'acknowledgement_overdue').map((e) => [e.at, e.role])).toEqual([
        [t('09:07'), 'town-tanggou/principal'],
        [t('09:40'), 'police-station-zongyang/responsible'],
        [t('09:45'), 'police-special-patrol/responsible'],
        [t('09:45'), 'police-public-order/responsible'],
        [t('09:55'), 'police-bureau/duty-leader'],
        [t('09:55'), 'police-special-patrol/principal'],
        [t('09:55'), 'police-public-order/principal'],
        [t('09:55'), 'police-station-zongyang/principal'],
        [t('10:05'), 'police-bureau/principal'],
      ]);
      expect(d.tiers).toEqual([
        { at: t('09:00'), tier: 1 },
        { at: t('09:40'), tier: 2 },
        { at: t('09:50'), tier: 3 },
        { at: t('10:00'), tier: 4 },
      ]);
      expect(eventsOf(d, 'tier_raised').map((e) => [e.at, e.from, e.to])).toEqual([
        [t('09:40'), 1, 2],
        [t('09:50'), 2, 3],
        [t('10:00'), 3, 4],
      ]);
      expect(contractSummons(d)).toEqual([
        summons('town-tanggou/principal', 'unit_summoned', '09:02', '10:02', '09:30', 'on_time'),
        // tier 1 at activation
        summons('police-station-zongyang/responsible', 'tier_command', '09:35', '09:50', '09:42', 'on_time'),
        // tier 2 at 15 people
        summons('police-special-patrol/responsible', 'tier_command', '09:40', '09:55', '09:52', 'on_time'),
        summons('police-public-order/responsible', 'tier_command', '09:40', '09:55', '09:53', 'on_time'),
        // tier 3 at 30 people
        summons('police-bureau/duty-leader', 'tier_command', '09:50', '10:05', '09:58', 'on_time'),
        summons('police-special-patrol/principal', 'tier_assist', '09:50', '10:05', '09:59', 'on_time'),
        summons('police-public-order/principal', 'tier_assist', '09:50', '10:05', '10:02', 'on_time'),
        summons('police-station-zongyang/principal', 'tier_assist', '09:50', '10:05', '10:03', 'on_time'),
        // tier 4 at 60 people adds only the bureau's principal: its assists were already summoned
        summons('police-bureau/principal', 'tier_command', '10:00', '10:15', '10:10', 'on_time'),
      ]);
      const roles = d.summons.map((s) => s.role);
      expect(new Set(roles).size).toBe(roles.length);
      // 9 and 20 people after 15 and 30, and 40 after 60: the tier held each time.
      expect(d.incident).toMatchObject({ status: 'cleared', headcount: 40, max_headcount: 60, tier: 4, cleared_at: t('10:15') });
      // Notes at 09:46 and 10:01 (the latter exactly when one was due) kept update_due away.
      expect(d.alerts).toEqual([]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'town-tanggou', '10:15'));
    },
  );

  scenario(
    'crowd-grows-at-residence.yaml',
    '§4.1 tiers and §5.1: a jump from tier 1 to 3 after activation summons tier 3\'s roles; police no-shows miss 15-minute deadlines',
    (d) => {
      expect(d.incident).toMatchObject({ status: 'open', stage: 'activated', tier: 3, max_headcount: 25, activated_at: t('09:35'), cleared_at: null });
      expect(d.tiers).toEqual([
        { at: t('09:00'), tier: 1 },
        { at: t('09:36'), tier: 3 },
      ]);
      expect(contractSummons(d)).toEqual([
        summons('town-tanggou/principal', 'unit_summoned', '09:04', '10:04', '09:30', 'on_time'),
        summons('police-station-zongyang/responsible', 'tier_command', '09:35', '09:50', null, 'missed'),
        summons('police-bureau/duty-leader', 'tier_command', '09:36', '09:51', null, 'missed'),
        summons('police-special-patrol/principal', 'tier_assist', '09:36', '09:51', null, 'missed'),
        summons('police-public-order/principal', 'tier_assist', '09:36', '09:51', null, 'missed'),
        summons('police-station-zongyang/principal', 'tier_assist', '09:36', '09:51', null, 'missed'),
      ]);
      expect(d.alerts.filter((a) => a.kind === 'deadline_missed')).toEqual([
        { at: t('09:50'), kind: 'deadline_missed', role: 'police-station-zongyang/responsible' },
        { at: t('09:51'), kind: 'deadline_missed', role: 'police-bureau/duty-leader' },
        { at: t('09:51'), kind: 'deadline_missed', role: 'police-special-patrol/principal' },
        { at: t('09:51'), kind: 'deadline_missed', role: 'police-public-order/principal' },
        { at: t('09:51'), kind: 'deadline_missed', role: 'police-station-zongyang/principal' },
      ]);
      // §5.1: with no note, the tier-3 commander is asked for an update every 15 minutes until run_until.
      expect(d.alerts.filter((a) => a.kind === 'update_due')).toEqual(
        ['09:50', '10:05', '10:20', '10:35', '10:50', '11:05', '11:20', '11:35', '11:50'].map((hhmm) => ({
          at: t(hhmm),
          kind: 'update_due',
          role: 'police-bureau/duty-leader',
        })),
      );
      expect(d.cases).toEqual([]);
      expect(d.accountability).toEqual([
        accountabilityRow('town-tanggou', 1, 0, 0),
        accountabilityRow('police-station-zongyang', 0, 0, 2),
        accountabilityRow('police-bureau', 0, 0, 1),
        accountabilityRow('police-special-patrol', 0, 0, 1),
        accountabilityRow('police-public-order', 0, 0, 1),
      ]);
    },
  );
});

describe('§4.1.1–§4.1.3 — situations during handling', () => {
  scenario(
    'lingering-principal-stays-until-cleared.yaml',
    '§4.1.1: the responsible unit\'s principal may not check out while people linger, and may once the venue is cleared',
    (d) => {
      expect(eventsOf(d, 'behavior_observed')).toMatchObject([{ at: t('09:30'), kind: 'lingering', clause: '§4.1.1' }]);
      expect(d.rejected).toEqual([
        {
          at: t('09:50'),
          do: 'leave',
          code: 'lingering',
          reason: "people are still lingering at the venue: the responsible unit's principal stays on site until they have left (§4.1.1)",
        },
      ]);
      expect(contractSummons(d)).toEqual([
        // refused at 09:50, accepted at 10:02 after clearing at 10:00
        summons('town-zongyang/principal', 'unit_summoned', '09:02', '10:02', '09:20', 'on_time', { left: '10:02' }),
        // a police commander is not a responsible unit's principal: free to check out while people linger
        summons('police-station-zongyang/responsible', 'tier_command', '09:35', '09:50', '09:45', 'on_time', { left: '09:55' }),
      ]);
      expect(eventsOf(d, 'departure_recorded').map((e) => [e.at, e.role])).toEqual([
        [t('09:55'), 'police-station-zongyang/responsible'],
        [t('10:02'), 'town-zongyang/principal'],
      ]);
      expect(d.incident).toMatchObject({ status: 'cleared', lingering: false, cleared_at: t('10:00') });
      expect(d.cases).toEqual(theCase('responsible_unit', 'town-zongyang', '10:00'));
    },
  );

  scenario(
    'charging-activates-plan-while-guiding.yaml',
    '§4.1.2: charging at the guiding stage activates the plan at once; a warning, then a removal approved beforehand (§5.1)',
    (d) => {
      // Nothing had been tried yet: no guide, no summons, when charging was observed.
      expect(types(d).slice(0, 3)).toEqual(['incident_reported', 'behavior_observed', 'plan_activated']);
      expect(eventsOf(d, 'behavior_observed')).toMatchObject([{ at: t('09:02'), kind: 'charging', clause: '§4.1.2' }]);
      expect(eventsOf(d, 'plan_activated')).toEqual([
        { seq: 3, at: t('09:02'), type: 'plan_activated', trigger: 'charging', informed: INFORMED, clause: '§4.1' },
      ]);
      expect(d.incident).toMatchObject({ status: 'cleared', tier: 2, activated_at: t('09:02'), cleared_at: t('09:16') });
      // 12 people: tier 2's commanders, and the responsible unit's principal not yet summoned (§5.2).
      expect(contractSummons(d)).toEqual([
        summons('police-special-patrol/responsible', 'tier_command', '09:02', '09:17', '09:08', 'on_time'),
        summons('police-public-order/responsible', 'tier_command', '09:02', '09:17', '09:09', 'on_time'),
        summons('dept-natural-resources/principal', 'unit_summoned', '09:02', '09:17', '09:15', 'on_time'),
      ]);
      // The units were summoned by the activation, so the guidance window never expires.
      expect(types(d)).not.toContain('guidance_window_expired');
      expect(d.measures).toEqual([
        {
          id: 'w1', kind: 'warning', basis: '《治安管理处罚法》第二十三条', major: false, requested_at: t('09:03'),
          approved_by: null, approved_at: null, declined_by: null, declined_at: null, decline_reason: null, taken_at: t('09:04'), take_reason: null, flagged: false, taken_without_approval: false,
        },
        {
          id: 'r1', kind: 'removal', basis: '《治安管理处罚法》第二十三条', major: true, requested_at: t('09:10'),
          approved_by: 'county-party/leader', approved_at: t('09:12'), declined_by: null, declined_at: null, decline_reason: null, taken_at: t('09:14'), take_reason: null, flagged: false, taken_without_approval: false,
        },
      ]);
      expect(eventsOf(d, 'measure_approved')).toMatchObject([{ id: 'r1', after_the_fact: false, clause: '§5.1' }]);
      expect(d.alerts).toEqual([]);
      expect(d.rejected).toEqual([]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'dept-natural-resources', '09:16'));
    },
  );

  scenario(
    'banner-and-sit-in-items-taken-with-approval.yaml',
    '§4.1.3 and §5.1: banner and sit-in are recorded; taking the items waits for a county government leader\'s approval',
    (d) => {
      expect(eventsOf(d, 'behavior_observed').map((e) => [e.at, e.kind, e.clause])).toEqual([
        [t('09:00'), 'banner', '§4.1.3'],
        [t('09:06'), 'sit_in', '§4.1.3'],
      ]);
      // Abnormal conduct alone does not activate the plan; the failed persuasion does.
      expect(eventsOf(d, 'plan_activated')).toMatchObject([{ at: t('09:45'), trigger: 'persuade_failed' }]);
      expect(contractSummons(d)).toEqual([
        summons('town-hengbu/principal', 'unit_summoned', '09:03', '10:03', '09:40', 'on_time'),
        summons('police-station-zongyang/responsible', 'tier_command', '09:45', '10:00', '09:50', 'on_time'),
      ]);
      expect(d.measures).toEqual([
        {
          id: 'items-1', kind: 'take_items', basis: '《集会游行示威法》第二十七条', major: true, requested_at: t('09:52'),
          approved_by: 'county-government/leader', approved_at: t('09:55'), declined_by: null, declined_at: null, decline_reason: null, taken_at: t('09:59'), take_reason: null, flagged: false, taken_without_approval: false,
        },
      ]);
      expect(eventsOf(d, 'measure_taken')).toMatchObject([{ at: t('09:59'), id: 'items-1', flagged: false, clause: '§5.1' }]);
      expect(d.alerts).toEqual([]);
      expect(d.incident).toMatchObject({ status: 'cleared', cleared_at: t('10:05') });
      expect(d.cases).toEqual(theCase('responsible_unit', 'town-hengbu', '10:05'));
    },
  );
});

describe('§5.1 — measures need a county leader\'s approval', () => {
  scenario(
    'measure-taken-without-approval-is-flagged.yaml',
    '§5.1: a removal taken without approval is flagged with an unapproved_measure alert; the police principal may not approve',
    (d) => {
      expect(d.measures).toEqual([
        {
          id: 'removal-1', kind: 'removal', basis: '《治安管理处罚法》第二十三条', major: true, requested_at: t('09:14'),
          approved_by: null, approved_at: null, declined_by: null, declined_at: null, decline_reason: null, taken_at: t('09:15'), take_reason: null, flagged: true, taken_without_approval: true,
        },
      ]);
      expect(eventsOf(d, 'measure_taken')).toMatchObject([{ at: t('09:15'), id: 'removal-1', flagged: true, clause: '§5.1' }]);
      expect(d.alerts).toEqual([{ at: t('09:15'), kind: 'unapproved_measure', role: null, measure: 'removal-1' }]);
      expect(d.rejected).toEqual([
        {
          at: t('09:20'),
          do: 'approve_measure',
          code: 'not_approver',
          reason: 'police-bureau/principal may not approve measures: only a leader of the county party committee or the county government may (county-party/leader, county-government/leader; §5.1)',
        },
      ]);
      expect(types(d)).not.toContain('measure_approved');
      expect(eventsOf(d, 'plan_activated')).toMatchObject([{ at: t('09:01'), trigger: 'escalated', reason: '人员情绪激动' }]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'dept-human-resources', '09:25'));
    },
  );

  scenario(
    'measure-approved-after-the-fact.yaml',
    '§5.1: approval after the fact (even after clearing) lifts the flag but keeps taken_without_approval; a second approval is refused',
    (d) => {
      expect(d.measures).toEqual([
        {
          id: 'm1', kind: 'removal', basis: '《治安管理处罚法》第二十三条', major: true, requested_at: t('09:11'),
          approved_by: 'county-party/leader', approved_at: t('09:40'), declined_by: null, declined_at: null, decline_reason: null, taken_at: t('09:12'), take_reason: null, flagged: false, taken_without_approval: true,
        },
      ]);
      expect(eventsOf(d, 'measure_taken')).toMatchObject([{ at: t('09:12'), flagged: true }]);
      expect(eventsOf(d, 'measure_approved')).toEqual([
        { seq: expect.any(Number), at: t('09:40'), type: 'measure_approved', id: 'm1', by: 'county-party/leader', after_the_fact: true, clause: '§5.1' },
      ]);
      // The alert raised when it was taken stays in the record.
      expect(d.alerts).toEqual([{ at: t('09:12'), kind: 'unapproved_measure', role: null, measure: 'm1' }]);
      expect(d.rejected).toEqual([
        { at: t('09:45'), do: 'approve_measure', code: 'already_approved', reason: 'measure "m1" is already approved' },
      ]);
      expect(d.incident).toMatchObject({ status: 'cleared', cleared_at: t('09:20') });
      // The township principal, still on the way at clearing, was stood down; the arrival after it is still recorded.
      expect(contractSummons(d)).toEqual([
        summons('police-station-zongyang/responsible', 'tier_command', '09:01', '09:16', '09:10', 'on_time'),
        summons('town-tanggou/principal', 'unit_summoned', '09:01', '10:01', '09:50', 'stood_down', { stoodDown: '09:20' }),
      ]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'town-tanggou', '09:20'));
    },
  );
});

describe('§4.2 — follow-up routes', () => {
  scenario(
    'accusation-routed-to-discipline-commission.yaml',
    '§4.2 discipline_inspection: an accusation goes to the discipline commission, not to the accused unit',
    (d) => {
      expect(d.incident).toMatchObject({ category: 'accusation', units: ['dept-housing'], status: 'cleared' });
      expect(d.cases).toEqual(theCase('discipline_inspection', 'discipline-commission', '09:04'));
    },
  );

  scenario(
    'accusation-against-discipline-commission-forwarded-to-inspection-team.yaml',
    '§4.2 discipline_inspection (safeguard 6): an accusation naming the discipline commission is forwarded to the inspection team',
    (d) => {
      expect(d.incident).toMatchObject({ category: 'accusation', units: ['discipline-commission'] });
      expect(d.cases).toEqual(theCase('discipline_inspection', 'inspection-team', '09:05'));
    },
  );

  scenario('concluded-matter-handed-back.yaml', '§4.2 hand_back: a concluded matter is handed back to the responsible unit', (d) => {
    expect(eventsOf(d, 'marked_concluded')).toMatchObject([{ at: t('09:10') }]);
    expect(d.incident).toMatchObject({ concluded: true, major: false, status: 'cleared', cleared_at: t('09:45') });
    expect(d.cases).toEqual(theCase('hand_back', 'town-hengbu', '09:45'));
  });

  scenario(
    'major-matter-received-by-county-leader.yaml',
    '§4.2 county_leader_reception: a major matter goes to the county leader in charge of the first unit, ahead of joint reception',
    (d) => {
      expect(eventsOf(d, 'marked_major')).toMatchObject([{ at: t('09:08'), reason: '涉及多村搬迁，需县领导协调' }]);
      expect(d.incident).toMatchObject({ major: true, units: ['town-fushan', 'dept-natural-resources'] });
      // town-fushan's leader in charge (demo organization) is a county government leader.
      expect(d.cases).toEqual(theCase('county_leader_reception', 'county-government/leader', '09:45'));
    },
  );

  scenario('joint-reception-for-several-units.yaml', '§4.2 joint_reception: a matter of several units goes to the joint office', (d) => {
    expect(d.incident).toMatchObject({ units: ['town-tanggou', 'dept-housing', 'dept-natural-resources'], status: 'cleared' });
    expect(eventsOf(d, 'incident_cleared')).toMatchObject([{ at: t('09:55'), by: 'clear' }]);
    expect(contractSummons(d)).toEqual([
      summons('town-tanggou/principal', 'unit_summoned', '09:03', '10:03', '09:50', 'on_time'),
      summons('dept-housing/principal', 'unit_summoned', '09:03', '09:18', '09:15', 'on_time'),
      summons('dept-natural-resources/principal', 'unit_summoned', '09:03', '09:18', '09:17', 'on_time'),
    ]);
    expect(d.cases).toEqual(theCase('joint_reception', 'joint-office', '09:55'));
  });

  scenario(
    'suggestion-handled-by-responsible-unit.yaml',
    '§4.2 responsible_unit: a general matter of one unit is handled by that unit',
    (d) => {
      expect(d.incident).toMatchObject({ category: 'suggestion', units: ['dept-education'], major: false, concluded: false });
      expect(d.cases).toEqual(theCase('responsible_unit', 'dept-education', '09:25'));
    },
  );
});

describe('§5.2 and §5.1 — deadlines and on-site updates', () => {
  scenario(
    'police-stood-down-when-cleared.yaml',
    'contract §2: clearing stands down the police still on their way; no deadline_missed, neither late nor missed; an arrival after it is still recorded',
    (d) => {
      expect(d.incident).toMatchObject({ status: 'cleared', tier: 3, cleared_at: t('09:31') });
      expect(contractSummons(d)).toEqual([
        summons('town-tanggou/principal', 'unit_summoned', '09:05', '10:05', '09:25', 'on_time'),
        summons('police-station-zongyang/responsible', 'tier_command', '09:28', '09:43', '09:29', 'on_time'),
        summons('police-bureau/duty-leader', 'tier_command', '09:30', '09:45', null, 'stood_down', { stoodDown: '09:31' }),
        summons('police-special-patrol/principal', 'tier_assist', '09:30', '09:45', '09:40', 'stood_down', { stoodDown: '09:31' }),
        summons('police-public-order/principal', 'tier_assist', '09:30', '09:45', null, 'stood_down', { stoodDown: '09:31' }),
        summons('police-station-zongyang/principal', 'tier_assist', '09:30', '09:45', null, 'stood_down', { stoodDown: '09:31' }),
      ]);
      expect(eventsOf(d, 'summons_stood_down').map((e) => [e.at, e.role])).toEqual([
        [t('09:31'), 'police-bureau/duty-leader'],
        [t('09:31'), 'police-special-patrol/principal'],
        [t('09:31'), 'police-public-order/principal'],
        [t('09:31'), 'police-station-zongyang/principal'],
      ]);
      // The responsible police station's commander, summoned earlier, had arrived: not stood down.
      expect(d.alerts.filter((a) => a.kind === 'deadline_missed')).toEqual([]);
      expect(d.accountability).toEqual([
        accountabilityRow('town-tanggou', 1, 0, 0),
        { ...accountabilityRow('police-station-zongyang', 1, 0, 0, 0, 1) },
        accountabilityRow('police-bureau', 0, 0, 0, 0, 1),
        accountabilityRow('police-special-patrol', 0, 0, 0, 0, 1),
        accountabilityRow('police-public-order', 0, 0, 0, 0, 1),
      ]);
    },
  );

  scenario(
    'unit-late-and-unit-never-arrives.yaml',
    '§5.2: arriving at the deadline is on time, after it is late, never is missed; deadline_missed fires at the deadline',
    (d) => {
      expect(contractSummons(d)).toEqual([
        summons('dept-housing/principal', 'unit_summoned', '09:05', '09:20', '09:20', 'on_time'),
        summons('dept-education/principal', 'unit_summoned', '09:05', '09:20', '09:27', 'late'),
        summons('town-hengbu/principal', 'unit_summoned', '09:05', '10:05', null, 'missed'),
      ]);
      // No alert for the housing bureau; Hengbu's fires at 10:05, before the venue was cleared at 10:10.
      expect(d.alerts).toEqual([
        { at: t('09:20'), kind: 'deadline_missed', role: 'dept-education/principal' },
        { at: t('10:05'), kind: 'deadline_missed', role: 'town-hengbu/principal' },
      ]);
      expect(eventsOf(d, 'arrival_recorded').map((e) => [e.at, e.role, e.on_time])).toEqual([
        [t('09:20'), 'dept-housing/principal', true],
        [t('09:27'), 'dept-education/principal', false],
      ]);
      expect(eventsOf(d, 'deadline_missed')).toMatchObject([
        { at: t('09:20'), role: 'dept-education/principal', deadline: t('09:20'), clause: '§5.2' },
        { at: t('10:05'), role: 'town-hengbu/principal', deadline: t('10:05'), clause: '§5.2' },
      ]);
      expect(d.incident).toMatchObject({ status: 'cleared', cleared_at: t('10:10') });
      // A deadline that passed before clearing stays missed: nothing is stood down.
      expect(types(d)).not.toContain('summons_stood_down');
      expect(d.accountability).toEqual([
        accountabilityRow('dept-housing', 1, 0, 0),
        accountabilityRow('dept-education', 0, 1, 0),
        accountabilityRow('town-hengbu', 0, 0, 1),
      ]);
      expect(d.cases).toEqual(theCase('joint_reception', 'joint-office', '10:10'));
    },
  );

  scenario(
    'update-due-without-on-site-notes.yaml',
    '§5.1: update_due 15 minutes after the last note following activation; each note resets the clock; none after clearing',
    (d) => {
      expect(d.incident).toMatchObject({ activated_at: t('09:05'), cleared_at: t('09:54') });
      // Activation 09:05 → note 09:15 (no alert at 09:20) → alert 09:30 → note 09:40 (no alert at 09:45) → cleared 09:54.
      expect(d.alerts).toEqual([{ at: t('09:30'), kind: 'update_due', role: 'police-station-zongyang/responsible' }]);
      expect(eventsOf(d, 'update_due')).toEqual([
        {
          seq: expect.any(Number),
          at: t('09:30'),
          type: 'update_due',
          role: 'police-station-zongyang/responsible',
          since: t('09:15'),
          clause: '§5.1',
        },
      ]);
      expect(eventsOf(d, 'note_posted').map((e) => e.at)).toEqual([t('09:15'), t('09:40')]);
      expect(contractSummons(d)).toEqual([
        summons('police-station-zongyang/responsible', 'tier_command', '09:05', '09:20', '09:12', 'on_time'),
        summons('town-zongyang/principal', 'unit_summoned', '09:05', '10:05', '09:45', 'on_time'),
      ]);
      expect(d.cases).toEqual(theCase('responsible_unit', 'town-zongyang', '09:54'));
    },
  );
});

describe('close — safeguard 1: every grievance becomes one case', () => {
  scenario('close-without-clear.yaml', '§4.1 and safeguard 1: close clears first and opens exactly one case; later close/clear are refused', (d) => {
    expect(d.incident).toMatchObject({ status: 'closed', stage: 'closed', cleared_at: t('09:40'), closed_at: t('09:40') });
    expect(d.events.slice(-5).map((e) => [e.at, e.type])).toEqual([
      [t('09:40'), 'incident_cleared'],
      [t('09:40'), 'case_opened'],
      [t('09:40'), 'incident_closed'],
      [t('09:41'), 'command_rejected'],
      [t('09:42'), 'command_rejected'],
    ]);
    expect(eventsOf(d, 'incident_cleared')).toMatchObject([{ by: 'close', clause: '§4.1' }]);
    expect(eventsOf(d, 'case_opened')).toHaveLength(1);
    expect(d.cases).toEqual(theCase('responsible_unit', 'town-fushan', '09:40'));
    expect(d.rejected).toEqual([
      { at: t('09:41'), do: 'close', code: 'closed', reason: 'the incident is closed' },
      { at: t('09:42'), do: 'clear', code: 'closed', reason: 'the incident is closed' },
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the real `yingji` binary, as `npx yingji` does after `npm ci`. */
function yingji(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/yingji.js', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function scenarioFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'yingji-scn-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

const PLAN = 'plans/inspection-visit-petition-plan.yaml';

describe('yingji plan', () => {
  it('validate: exit 0 for the shipped plan, naming its digest', () => {
    const r = yingji('plan', 'validate', PLAN);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok — inspection-visit-petition-plan 2017\.1 sha256:[0-9a-f]{64}/);
  });

  it('validate: exit 1 with FILE:LINE:COL: message on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yingji-plan-'));
    writeFileSync(join(dir, 'p.yaml'), 'id: Bad Id\nversion: 1\n');
    const r = yingji('plan', 'validate', join(dir, 'p.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(dir, 'p.yaml')}:1:5: id: expected an id in kebab-case (a-z, 0-9, -)\n`);
    expect(r.err).toContain(`${join(dir, 'p.yaml')}:2:10: version: expected string, received number\n`);
    expect(r.err).toMatch(/p\.yaml:1:1: title: missing; expected object/);
  });

  it('explain: venues, tiers, deadlines, routes and approvers, in Chinese and English', () => {
    const zh = yingji('plan', 'explain', PLAN, '--lang', 'zh');
    expect(zh.code).toBe(0);
    for (const s of ['巡视组驻地', '枞阳派出所负责同志', '51+', '15天', '县委组长', '§4.1.1', '联合接访']) expect(zh.out).toContain(s);
    const en = yingji('plan', 'explain', PLAN, '--lang', 'en');
    for (const s of ['Inspection team residence', '21–50', 'Leader on duty', 'County Party Committee — Leader', 'township 1h']) {
      expect(en.out).toContain(s);
    }
  });
});

describe('yingji drill', () => {
  it('--json prints one document with the contract fields', () => {
    const r = yingji('drill', '--scenario', 'scenarios/crowd-grows-at-residence.yaml', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining([
      'scenario', 'plan', 'incident', 'summons', 'tiers', 'alerts', 'measures', 'rejected', 'cases', 'accountability', 'events',
    ]));
    expect(doc.incident).toMatchObject({ venue: 'residence', status: 'open', max_headcount: 25, tier: 3, activated_at: '2026-03-02T09:35:00+08:00', cleared_at: null });
    expect(doc.summons[0]).toEqual({
      role: 'town-tanggou/principal', unit: 'town-tanggou', reason: 'unit_summoned', issued_at: '2026-03-02T09:04:00+08:00',
      deadline: '2026-03-02T10:04:00+08:00', acked_at: null, arrived_at: '2026-03-02T09:30:00+08:00', left_at: null, stood_down_at: null, status: 'on_time', persons: [],
    });
    expect(doc.tiers).toEqual([{ at: '2026-03-02T09:00:00+08:00', tier: 1 }, { at: '2026-03-02T09:36:00+08:00', tier: 3 }]);
    expect(doc.events[0]).toMatchObject({ seq: 1, at: '2026-03-02T09:00:00+08:00', type: 'incident_reported' });
    expect(doc.events.map((e: { seq: number }) => e.seq)).toEqual(doc.events.map((_: unknown, i: number) => i + 1));
    expect(doc.accountability[0]).toEqual({ unit: 'town-tanggou', summoned: 1, on_time: 1, late: 0, missed: 0, stood_down: 0, pending: 0 });
  });

  it('prints a readable report in Chinese by default and in English on request', () => {
    const zh = yingji('drill', '--scenario', 'scenarios/crowd-grows-at-residence.yaml');
    expect(zh.code).toBe(0);
    for (const s of ['== 时间线 ==', '09:04:00', '汤沟镇主要负责同志', '按时到场', '== 到场考核 ==']) expect(zh.out).toContain(s);
    const en = yingji('drill', '--scenario', 'scenarios/crowd-grows-at-residence.yaml', '--lang', 'en');
    for (const s of ['== Timeline ==', 'Tier raised from 1 to 3', 'missed', '== Accountability ==']) expect(en.out).toContain(s);
  });

  it('exit 1 for an unknown id, located in the scenario', () => {
    const file = scenarioFile(
      'name: x\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - { at: 0m, do: report, venue: residence, headcount: 3, units: [town-nowhere], matter: m }\n  - { at: 5m, do: arrive, role: town-tanggou/boss }\n',
    );
    const r = yingji('drill', '--scenario', file, '--json');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([
      `${file}:4:67: unknown unit "town-nowhere"`,
      `${file}:5:33: unknown role "town-tanggou/boss"; the organization has no such unit or position`,
    ]);
  });

  it('exit 1 for a malformed step or offset, located', () => {
    const file = scenarioFile(
      'name: x\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - { at: 0m, do: report, venue: residence, headcount: 3, units: [town-tanggou], matter: m }\n  - { at: soon, do: guide, result: maybe }\n',
    );
    const r = yingji('drill', '--scenario', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:5:11: steps[1].at: expected an offset such as 0m, 90s, 15m or 1h5m`);
    expect(r.err).toContain(`${file}:5:36: steps[1].result: got "maybe"; expected one of "succeeded", "failed"`);
  });

  it('exit 1 for steps out of order and a missing file', () => {
    const file = scenarioFile(
      'name: x\nstart: 2026-03-02T09:00:00+08:00\nsteps:\n  - { at: 5m, do: report, venue: residence, headcount: 3, units: [town-tanggou], matter: m }\n  - { at: 1m, do: clear }\n',
    );
    expect(yingji('drill', '--scenario', file).err).toContain(`${file}:5:11: steps must be in time order`);
    const missing = yingji('drill', '--scenario', '/nonexistent.yaml');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^\/nonexistent\.yaml:1:1: cannot read file/);
  });

  it('runs a rejection without failing: exit 0 and the rejection in the output', () => {
    const file = scenarioFile(
      'name: x\nstart: 2026-03-02T09:00:00Z\nsteps:\n  - { at: 0m, do: report, venue: residence, headcount: 3, units: [town-tanggou], matter: m }\n  - { at: 1m, do: escalate }\n  - { at: 2m, do: escalate }\n',
    );
    const r = yingji('drill', '--scenario', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).rejected).toEqual([
      { at: '2026-03-02T09:02:00Z', do: 'escalate', code: 'already_activated', reason: 'the plan is already activated' },
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from './commands.js';
import { replay } from './evolve.js';
import { Incident, plan, report } from '../test-support/engine.fixture.js';

const ROLES = [
  'town-tanggou/principal',
  'dept-housing/principal',
  'police-station-zongyang/responsible',
  'police-special-patrol/responsible',
  'police-bureau/duty-leader',
  'police-bureau/principal',
  'county-party/leader',
  'town-fushan/principal',
];
const ids = fc.constantFrom('m1', 'm2', 'm3');
const role = fc.constantFrom(...ROLES);

/** Any command the schema accepts, with ids drawn so that many of them hit real state. */
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.integer({ min: 0, max: 120 }).map((value) => ({ do: 'headcount', value }) as const),
  fc.constantFrom('lingering', 'charging', 'banner', 'sit_in').map((kind) => ({ do: 'behavior', kind }) as const),
  fc.constantFrom('succeeded', 'failed').map((result) => ({ do: 'guide', result }) as const),
  fc.constantFrom('succeeded', 'failed').map((result) => ({ do: 'persuade', result }) as const),
  fc.constant({ do: 'escalate' } as const),
  role.map((r) => ({ do: 'ack', role: r }) as const),
  role.map((r) => ({ do: 'arrive', role: r }) as const),
  role.map((r) => ({ do: 'leave', role: r }) as const),
  fc.constant({ do: 'note', text: '现场动态' } as const),
  fc.constant({ do: 'mark_major' } as const),
  fc.constant({ do: 'mark_concluded' } as const),
  fc
    .tuple(ids, fc.constantFrom('removal', 'take_items', 'transfer', 'warning'))
    .map(([id, kind]) => ({ do: 'request_measure', id, kind, basis: '依法' }) as const),
  fc.tuple(ids, role).map(([id, by]) => ({ do: 'approve_measure', id, by }) as const),
  fc.tuple(ids, role).map(([id, by]) => ({ do: 'decline_measure', id, by, reason: '不同意' }) as const),
  ids.map((id) => ({ do: 'take_measure', id }) as const),
  fc.constant({ do: 'clear' } as const),
  fc.constant({ do: 'close' } as const),
  fc.constant(report()),
);

const opening = fc.record({
  headcount: fc.integer({ min: 1, max: 80 }),
  units: fc.subarray(['town-tanggou', 'dept-housing', 'town-fushan', 'discipline-commission'], { minLength: 1 }),
  category: fc.constantFrom('claim', 'suggestion', 'accusation'),
  behaviors: fc.subarray(['lingering', 'charging', 'banner', 'sit_in'] as const),
});

/** A run: a report, then commands each after a gap of 0–40 minutes, then two idle hours. */
const run = fc.tuple(opening, fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), command), { maxLength: 40 }));

type Run = typeof run extends fc.Arbitrary<infer R> ? R : never;

function play([open, steps]: Run): Incident {
  const i = new Incident();
  i.do(0, report(open as Partial<Extract<Command, { do: 'report' }>>));
  let at = 0;
  for (const [gap, c] of steps) i.do((at += gap), c);
  i.advance(at + 120);
  return i;
}

describe('engine properties over random command sequences', () => {
  it('never throws: every command yields events or a recorded rejection', () => {
    fc.assert(fc.property(run, (r) => void play(r)), { numRuns: 400 });
  });

  it('the version counts events one by one, and folding the log reproduces the state', () => {
    fc.assert(
      fc.property(run, (r) => {
        const i = play(r);
        expect(i.s.version).toBe(i.events.length);
        expect(replay(i.events)).toEqual(i.s);
      }),
      { numRuns: 300 },
    );
  });

  it('tiers never step down and match the largest head count', () => {
    fc.assert(
      fc.property(run, (r) => {
        const i = play(r);
        const tiers = i.s.tiers.map((t) => t.tier);
        for (let k = 1; k < tiers.length; k++) expect(tiers[k]!).toBeGreaterThan(tiers[k - 1]!);
        const expected = plan.tiers.find((l) => i.s.maxHeadcount >= l.min && (l.max === null || i.s.maxHeadcount <= l.max))!;
        expect(i.s.tier).toBe(expected.tier);
      }),
      { numRuns: 300 },
    );
  });

  it('nobody is summoned twice for one role in an incident', () => {
    fc.assert(
      fc.property(run, (r) => {
        const roles = play(r).s.summons.map((s) => s.role);
        expect(new Set(roles).size).toBe(roles.length);
      }),
      { numRuns: 300 },
    );
  });

  it('every cleared or closed incident has exactly one case; an open one has none', () => {
    fc.assert(
      fc.property(run, (r) => {
        const s = play(r).s;
        expect(s.cases).toHaveLength(s.status === 'open' ? 0 : 1);
      }),
      { numRuns: 300 },
    );
  });

  it('every passed deadline without arrival is missed, with one alert at the deadline, unless stood down before it', () => {
    fc.assert(
      fc.property(run, (r) => {
        const i = play(r);
        for (const s of i.s.summons) {
          const alerts = i.s.alerts.filter((a) => a.kind === 'deadline_missed' && a.role === s.role);
          if (s.status === 'stood_down') {
            // Stood down at clearing, with its deadline not yet passed; whoever came anyway is recorded.
            expect(s.stoodDownAt).toBe(i.s.clearedAt);
            expect(s.deadline).toBeGreaterThanOrEqual(s.stoodDownAt!);
            expect(s.arrivedAt === null || s.arrivedAt >= s.stoodDownAt!).toBe(true);
          } else if (s.arrivedAt === null) {
            expect(s.status).toBe(s.deadline <= i.now ? 'missed' : 'pending');
          } else {
            expect(s.status).toBe(s.arrivedAt <= s.deadline ? 'on_time' : 'late');
          }
          expect(alerts.map((a) => a.at)).toEqual(s.status === 'missed' || s.status === 'late' ? [s.deadline] : []);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a rejection changes nothing but the list of rejections', () => {
    fc.assert(
      fc.property(run, (r) => {
        const i = play(r);
        const rejected = i.events.filter((e) => e.type === 'command_rejected').length;
        expect(i.s.rejected).toHaveLength(rejected);
        const withoutRejections = replay(i.events.filter((e) => e.type !== 'command_rejected'))!;
        expect({ ...withoutRejections, rejected: [], version: 0 }).toEqual({ ...i.s, rejected: [], version: 0 });
      }),
      { numRuns: 200 },
    );
  });
});

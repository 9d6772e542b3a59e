import { describe, expect, it } from 'vitest';
import { DIALECTS, storeForEachTest } from '../../test/support/databases.js';
import { DAY, MINUTE } from '../plan/duration.js';
import { DEFAULT_PLAN_FILE } from '../plan/plan.loader.js';
import { refusal } from '../i18n/refusals.js';
import type { Command } from '../engine/incident/commands.js';
import type { CaseCommand } from '../engine/case/commands.js';
import { verifyChain } from '../store/audit.js';
import type { Store } from '../store/db.js';
import { Sealer } from './personal.js';
import { PlanRegistry } from './plan.registry.js';
import { StreamProcessor, type AnyDefinition, type Outcome } from './stream.processor.js';
import { caseStream, incidentStream, readPersonal, riskStream, type CaseProcessor, type IncidentProcessor, type RiskProcessor } from './streams.js';

/*
 * The invariant of the stream machinery, on every database, after every outcome of a mixed
 * workload (incidents summoning and clearing into a case, cases, register matters, refusals
 * after a timer catch-up, timers fired by advancing the clock): each stream's projection
 * version equals the number of its events in the log, and the timers table holds exactly the
 * pending timers its decider reads off the projection, at the same due times.
 */

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const staff = { userId: 'u1', username: 'petition-bureau.staff', role: 'petition-bureau/staff', onBehalf: false };
const report: Extract<Command, { do: 'report' }> = { do: 'report', venue: 'residence', headcount: 8, units: ['town-tanggou'], matter: '征地补偿款未发放', category: 'claim', behaviors: [] };
const walkIn: Extract<CaseCommand, { do: 'register' }> = { do: 'register', matter: '宅基地纠纷', units: ['town-tanggou'], category: 'claim', headcount: 1, representatives: 0, major: false, concluded: false };
const nobody = () => ({ forbidden: refusal('forbidden.admin') });

for (const dialect of DIALECTS) {
  describe(`stream invariant on ${dialect}`, () => {
    let store: Store;
    let plans: PlanRegistry;
    let now = T0;
    let incidents: IncidentProcessor;
    let cases: CaseProcessor;
    let risks: RiskProcessor;

    storeForEachTest(dialect, async (opened) => {
      store = opened;
      plans = new PlanRegistry(store);
      await plans.bootstrap(DEFAULT_PLAN_FILE, null);
      now = T0;
      const caseKind = caseStream({ retentionDays: 30, sealer: new Sealer(Buffer.alloc(32, 7)) });
      incidents = new StreamProcessor(store, plans, incidentStream(caseKind), () => now);
      cases = new StreamProcessor(store, plans, caseKind, () => now);
      risks = new StreamProcessor(store, plans, riskStream, () => now);
    });

    /** Checks every stream of every kind against the log and the timers table; returns the number of streams. */
    const consistent = async (): Promise<number> => {
      const counts = new Map<string, number>();
      for (const r of await store.db.selectFrom('events').select((eb) => ['stream', 'stream_id', eb.fn.countAll().as('n')]).groupBy(['stream', 'stream_id']).execute()) {
        counts.set(`${r.stream}:${r.stream_id}`, Number(r.n));
      }
      const timers = new Map<string, string[]>();
      for (const t of await store.db.selectFrom('timers').select(['stream', 'stream_id', 'key', 'due']).orderBy('key').execute()) {
        const key = `${t.stream}:${t.stream_id}`;
        timers.set(key, [...(timers.get(key) ?? []), `${t.key}@${Number(t.due)}`]);
      }
      const kinds: [AnyDefinition, string[]][] = [
        [incidents.definition, (await store.db.selectFrom('incidents').select('id').execute()).map((r) => r.id)],
        [cases.definition, (await store.db.selectFrom('cases').select('id').execute()).map((r) => r.id)],
        [risks.definition, (await store.db.selectFrom('risks').select('id').execute()).map((r) => r.id)],
      ];
      const projected = new Set<string>();
      await store.db.transaction().execute(async (trx) => {
        for (const [definition, ids] of kinds) {
          for (const id of ids) {
            const key = `${definition.decider.kind}:${id}`;
            projected.add(key);
            const { state, digest } = (await definition.load(trx, id))!;
            expect(state.version, `${key}: projection version vs events in the log`).toBe(counts.get(key) ?? 0);
            const plan = digest === null ? await plans.current(trx) : await plans.byDigest(digest, trx);
            const pending = (definition.decider.pending(state, { plan, ...definition.context() }) as { key: string; due: number }[]).map((t) => `${t.key}@${t.due}`).sort();
            expect(timers.get(key) ?? [], `${key}: timers table vs pending timers`).toEqual(pending);
          }
        }
      });
      // No events of a stream without a projection, no timers of a stream that does not exist.
      expect([...counts.keys()].filter((k) => !projected.has(k))).toEqual([]);
      expect([...timers.keys()].filter((k) => !projected.has(k))).toEqual([]);
      return projected.size;
    };

    /** Every outcome is followed by the check. */
    const checked = async <T>(outcome: Promise<T>): Promise<T> => {
      const o = await outcome;
      await consistent();
      return o;
    };
    const accepted = <S, E, R>(o: Outcome<S, E, R>): S => {
      if (o.kind !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(o)}`);
      return o.state;
    };

    it('holds after every outcome of a mixed workload: commands, refusals after a catch-up, timers', async () => {
      // An incident: reported, guidance fails and the township's principal is summoned.
      const incident = accepted(await checked(incidents.submit(null, report, staff)));
      now += 4 * MINUTE;
      await checked(incidents.submit(incident.id, { do: 'guide', result: 'failed' }, staff));
      now += MINUTE;
      // A batch: several commands on one incident at once, one of them refused by the rules.
      const batch = await checked(
        Promise.all([
          incidents.submit(incident.id, { do: 'ack', role: 'town-tanggou/principal' }, staff),
          incidents.submit(incident.id, { do: 'note', text: '现场平稳' }, staff),
          incidents.submit(incident.id, { do: 'leave', role: 'town-hengbu/principal' }, staff),
          incidents.submit('no-such-incident', { do: 'note', text: '?' }, staff),
        ]),
      );
      expect(batch.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'rejected', 'not_found']);

      // A register matter to review today, and a walk-in case with personal data.
      const matter = accepted(
        await checked(risks.submit(null, { do: 'report', kind: 'matter', unit: 'town-tanggou', matter: '工资拖欠', place: '工业园', affected: 40, level: 'medium', next_review: '2026-03-02' }, staff)),
      );
      const walkInCase = accepted(await checked(cases.submit(null, walkIn, staff, { name: '张三', phone: '13800000000' })));

      // Timers fired by advancing the clock to the incident's next one (the summons' deadline).
      const due = await store.db.selectFrom('timers').select('due').where('stream', '=', 'incident').orderBy('due').executeTakeFirstOrThrow();
      now = Number(due.due);
      expect(await checked(incidents.fireDueTimers())).toBe(1);
      expect(await checked(incidents.fireDueTimers())).toBe(0);

      // The clearing opens a case in the same transaction.
      now += MINUTE;
      const cleared = accepted(await checked(incidents.submit(incident.id, { do: 'clear' }, staff)));
      const opened = cleared.cases[0]!.id;

      // The next day the review is overdue: a forbidden command still records the catch-up.
      now = T0 + DAY;
      expect((await checked(risks.submit(matter.id, { do: 'record_action', text: '约谈' }, nobody))).kind).toBe('forbidden');
      expect(await checked(risks.fireDueTimers())).toBe(0);
      await checked(risks.submit(matter.id, { do: 'complete_review', note: '已约谈', next: '2026-03-10' }, staff));

      // Case commands: accepted, refused by the rules, a recorded read of personal data, not found.
      await checked(cases.submit(walkInCase.id, { do: 'accept' }, staff));
      expect((await checked(cases.submit(walkInCase.id, { do: 'accept' }, staff))).kind).toBe('rejected');
      expect(await checked(readPersonal(cases, walkInCase.id, staff, 'case handling'))).toEqual({ name: '张三', phone: '13800000000' });
      expect((await checked(cases.submit('no-such-case', { do: 'accept' }, staff))).kind).toBe('not_found');

      // The review of 2026-03-10 is overdue from midnight at its end, in the county.
      now = Date.parse('2026-03-10T23:59:00+08:00');
      expect(await checked(risks.fireDueTimers())).toBe(0);
      now = Date.parse('2026-03-11T00:00:00+08:00');
      expect(await checked(risks.fireDueTimers())).toBe(1);

      // The opened case's acceptance reminder falls due; a refused command catches it up first.
      const acceptBy = Number((await store.db.selectFrom('cases').select('accept_by').where('id', '=', opened).executeTakeFirstOrThrow()).accept_by);
      now = acceptBy - 3 * DAY + MINUTE;
      const before = await store.db.selectFrom('events').select('seq').where('stream_id', '=', opened).execute();
      expect((await checked(cases.submit(opened, { do: 'accept' }, nobody))).kind).toBe('forbidden');
      const after = await store.db.selectFrom('events').select('type').where('stream_id', '=', opened).orderBy('seq').execute();
      expect(after.length).toBe(before.length + 1);
      expect(after.at(-1)!.type).toBe('case_deadline_reminder');

      // Past the acceptance deadline and the walk-in case's handling reminder: the timer loops fire them.
      now = acceptBy + MINUTE;
      expect(await checked(cases.fireDueTimers())).toBeGreaterThan(0);
      expect(await checked(cases.fireDueTimers())).toBe(0);

      expect(await consistent()).toBe(4);
      expect((await verifyChain(store.db)).ok).toBe(true);
    });

    it('runs a slice of due timers in a transaction of its own: a command queued before it does not wait for it', async () => {
      const first = accepted(await incidents.submit(null, report, staff));
      for (let i = 0; i < 3; i++) accepted(await incidents.submit(null, report, staff));
      now = T0 + 11 * MINUTE;
      const commits: number[] = [];
      incidents.watchCommits({ committing: () => {}, committed: (seq) => void commits.push(seq), abandoned: () => {} });
      // Queued in one turn of the event loop, as a request arriving just before a slice would be.
      const note = incidents.submit(first.id, { do: 'note', text: '现场平稳' }, staff);
      const before = incidents.submit(first.id, { do: 'note', text: '再次确认' }, staff);
      const fired = incidents.fireDueTimers();
      const after = incidents.submit(first.id, { do: 'note', text: '之后' }, staff);
      await Promise.all([note, before, fired, after]);
      // The first incident's window was caught up in the notes' transaction, as before any command on a stream.
      expect(await fired).toBe(3);
      const events = await store.db.selectFrom('events').select(['seq', 'type']).orderBy('seq').execute();
      const seqs = (type: string) => events.filter((e) => e.type === type).map((e) => Number(e.seq));
      const notes = seqs('note_posted');
      const expired = seqs('guidance_window_expired');
      expect([notes.length, expired.length]).toEqual([3, 4]);
      // Three transactions: the two notes queued first, the slice, then the note queued after it.
      expect(commits).toHaveLength(3);
      expect(commits[0]).toBe(notes[1]);
      expect(expired.filter((seq) => seq > commits[0]! && seq <= commits[1]!)).toHaveLength(3);
      expect(commits[2]).toBe(notes[2]);
    });
  });
}

import type { Refusal } from '../i18n/refusals.js';
import type { Plan } from '../plan/plan.js';
import type { Command } from '../engine/commands.js';
import type { IncidentEvent, Rejection } from '../engine/events.js';
import { decide, rejectionEvent } from '../engine/incident.decider.js';
import { evolve } from '../engine/incident.evolve.js';
import type { IncidentState } from '../engine/incident.state.js';
import { fireDue, pendingTimers } from '../engine/incident.timers.js';
import { randomIds, type IdKind } from '../engine/ids.js';
import { caseFromIncident } from '../engine/case.decider.js';
import type { Store, Trx } from '../store/db.js';
import { LogWriter, type Actor, type FlushHook } from '../store/event.log.js';
import { incidentsRepository } from '../store/incidents.repository.js';
import { orgRepository } from '../store/org.repository.js';
import { timersRepository } from '../store/timers.repository.js';
import { registerCase } from './case.processor.js';
import type { PlanRegistry } from './plan.registry.js';

export type { Actor };

/**
 * Decides who acts, against the incident as it stands when the command applies (inside the
 * transaction, `trx`, so what it checks or uses up, e.g. a one-time link, commits or rolls
 * back with the command): returns the actor to record, or the reason it is not allowed.
 */
export type Authorize = (
  state: IncidentState | null,
  plan: Plan,
  trx: Trx,
) => Actor | { forbidden: Refusal } | Promise<Actor | { forbidden: Refusal }>;

export type Outcome =
  | { kind: 'accepted'; state: IncidentState; plan: Plan; events: IncidentEvent[] }
  | { kind: 'forbidden'; reason: Refusal }
  | { kind: 'rejected'; state: IncidentState | null; plan: Plan; rejection: Rejection }
  | { kind: 'not_found' };

type Job =
  | { kind: 'command'; incidentId: string | null; command: Command; actor: Actor | Authorize | null; done: (o: Outcome) => void; fail: (e: unknown) => void }
  | { kind: 'timers'; done: (fired: number) => void; fail: (e: unknown) => void };

interface Loaded {
  state: IncidentState | null;
  plan: Plan;
  isNew: boolean;
  /** The pending timers as stored, to skip rewriting them when unchanged. */
  timers: string;
}

/**
 * Runs commands and timers through the engine against the database. Commands that arrive
 * together are processed in one transaction (group commit): one fsync for many commands.
 * Within a batch, commands on one incident apply in arrival order, each seeing the last;
 * across processes, appends are serialized by the store's write lock. Every event is
 * appended, hash-chained, in the same transaction as the projection it updates.
 */
export class CommandProcessor {
  private queue: Job[] = [];
  private running = false;
  private readonly newId: (kind: IdKind) => string;
  private onFlush: FlushHook | null = null;

  constructor(
    private readonly store: Store,
    private readonly plans: PlanRegistry,
    private readonly clock: () => number = Date.now,
    newId?: (kind: IdKind) => string,
    private readonly maxBatch = 256,
  ) {
    this.newId = newId ?? randomIds();
  }

  /**
   * Runs one command; `incidentId` is null for a `report`. `actor` is who acts, or a function
   * that authorizes against the current state. Resolves once the outcome is durable.
   */
  submit(incidentId: string | null, command: Command, actor: Actor | Authorize | null): Promise<Outcome> {
    return new Promise((done, fail) => this.enqueue({ kind: 'command', incidentId, command, actor, done, fail }));
  }

  /** Sets what every transaction's appended events also cause, in that transaction (the notifications' outbox). */
  withFlushHook(hook: FlushHook | null): this {
    this.onFlush = hook;
    return this;
  }

  /** Fires every timer due now, across incidents. Resolves to the number of incidents touched. */
  fireDueTimers(): Promise<number> {
    return new Promise((done, fail) => this.enqueue({ kind: 'timers', done, fail }));
  }

  /** Resolves when everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.loop());
    }
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.runBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Job[]): Promise<void> {
    let results: unknown[];
    let lastSeq = 0;
    try {
      ({ results, lastSeq } = await this.store.db.transaction().execute((trx) => this.process(trx, batch)));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.fail(err);
        return;
      }
      // One bad job must not sink the others: retry each in its own transaction.
      for (const job of batch) await this.runBatch([job]);
      return;
    }
    if (lastSeq) this.store.committed(lastSeq);
    batch.forEach((job, i) => (job.done as (r: unknown) => void)(results[i]));
  }

  private async process(trx: Trx, batch: Job[]): Promise<{ results: unknown[]; lastSeq: number }> {
    const now = this.clock();
    const log = await LogWriter.open(this.store, trx, now, this.onFlush);
    const touched = new Map<string, Loaded>();
    const cases: { incident: IncidentState; plan: Plan; event: Extract<IncidentEvent, { type: 'case_opened' }> }[] = [];

    const load = async (id: string): Promise<Loaded | undefined> => {
      const known = touched.get(id);
      if (known) return known;
      const row = await incidentsRepository.get(trx, id);
      if (!row) return undefined;
      const plan = await this.plans.byDigest(row.digest, trx);
      const loaded = { state: row.state, plan, isNew: false, timers: timerKey(pendingTimers(row.state, plan)) };
      touched.set(id, loaded);
      return loaded;
    };

    const record = async (entry: Loaded, events: IncidentEvent[], actor: Actor | null) => {
      for (const raw of events) {
        const event = raw.type === 'summons_issued' ? await this.withHolders(trx, entry.plan, raw) : raw;
        entry.state = evolve(entry.state, event);
        log.append('incident', entry.state.id, entry.state.version, event, actor);
        if (event.type === 'case_opened') cases.push({ incident: entry.state, plan: entry.plan, event });
      }
    };

    /** Fires the incident's timers due by now, earliest first, before anything else happens to it. */
    const catchUp = async (entry: Loaded) => {
      await record(entry, fireDue(entry.state, { plan: entry.plan, newId: this.newId }, now).events, null);
    };

    const results: unknown[] = [];
    for (const job of batch) {
      if (job.kind === 'timers') {
        const ids = await timersRepository.claimDue(trx, this.store.dialect, 'incident', now);
        for (const id of ids) {
          const entry = await load(id);
          if (entry) await catchUp(entry);
        }
        results.push(ids.length);
        continue;
      }
      let entry: Loaded | undefined;
      if (job.incidentId === null) {
        entry = { state: null, plan: await this.plans.current(trx), isNew: true, timers: '' };
      } else {
        entry = await load(job.incidentId);
        if (!entry) {
          results.push({ kind: 'not_found' } satisfies Outcome);
          continue;
        }
        await catchUp(entry);
      }
      let actor: Actor | null = null;
      if (typeof job.actor === 'function') {
        const who = await job.actor(entry.state, entry.plan, trx);
        if ('forbidden' in who) {
          results.push({ kind: 'forbidden', reason: who.forbidden } satisfies Outcome);
          continue;
        }
        actor = who;
      } else actor = job.actor;
      const decision = decide(entry.state, job.command, { plan: entry.plan, now, newId: this.newId });
      if (decision.ok) {
        await record(entry, decision.events, actor);
        if (entry.isNew) touched.set(entry.state!.id, entry);
        results.push({ kind: 'accepted', state: entry.state!, plan: entry.plan, events: decision.events } satisfies Outcome);
      } else {
        // A report the rules refuse (unknown venue or unit) has no incident to record it on.
        if (entry.state) await record(entry, [rejectionEvent(job.command, decision.rejection, now)], actor);
        results.push({ kind: 'rejected', state: entry.state, plan: entry.plan, rejection: decision.rejection } satisfies Outcome);
      }
    }

    for (const entry of touched.values()) {
      const state = entry.state!;
      await incidentsRepository.save(trx, state, entry.isNew, now);
      const timers = pendingTimers(state, entry.plan);
      if (timerKey(timers) !== entry.timers) await timersRepository.replace(trx, 'incident', state.id, timers);
      entry.isNew = false;
    }
    // Safeguards 1: the grievance becomes a case with its own stream, in this same transaction.
    for (const { incident, plan, event } of cases) await registerCase(trx, log, caseFromIncident(incident, event), plan, now);
    return { results, lastSeq: await log.flush() };
  }

  /** Names who holds a summoned role at that moment: the roster for duty roles (§4.1 值班局领导). */
  private async withHolders(trx: Trx, plan: Plan, e: Extract<IncidentEvent, { type: 'summons_issued' }>) {
    const position = e.role.split('/')[1] ?? '';
    const duty = plan.org.positions[position]?.duty === true;
    const persons = await orgRepository.holders(trx, e.role, e.at, duty);
    return { ...e, persons };
  }
}

const timerKey = (timers: { key: string; due: number }[]) => timers.map((t) => `${t.key}@${t.due}`).join(',');

import type { Plan } from '../plan/plan.js';
import type { Db, Store, Trx } from '../store/db.js';
import { incidentsRepository } from '../store/incidents.repository.js';
import type { LoggedEvent } from './messages.js';
import type { Notifier } from './notifier.js';
import { enqueue } from './outbox.js';

export interface EscalatorOptions {
  store: Store;
  plans: { byDigest(digest: string, db?: Db | Trx): Promise<Plan> };
  notifier: Notifier;
  clock?: () => number;
}

/** The key every message of one summons' escalation starts with. */
export const escalationKey = (incident: string, role: string) => `incident:${incident}:escalation:${role}`;

/**
 * Unacknowledged escalation (plan setting `discipline.acknowledgement`): a summons nobody
 * acknowledged (or arrived on) within `escalate_after` of its issue notifies the summoned
 * unit's deputy position and the working group, once. Derived from the record, not recorded
 * as an event: the outbox rows (source: the incident) are its record, shown with the
 * incident's deliveries. Drills never reach it: it reads only the database.
 */
export class Escalator {
  private readonly clock: () => number;

  constructor(private readonly opts: EscalatorOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  /**
   * Enqueues every escalation due by now that is not in the outbox yet. Resolves to when the
   * next one falls due, or null when none is pending. Safe to run in several processes at
   * once: messages are keyed, so each is written once.
   */
  async sweep(): Promise<number | null> {
    const { store, plans, notifier } = this.opts;
    const now = this.clock();
    let next: number | null = null;
    for (const state of await incidentsRepository.list(store.db, { status: 'open', limit: 1000 })) {
      const plan = await plans.byDigest(state.plan.digest);
      const { escalateAfter, deputy, workingGroup } = plan.acknowledgement;
      for (const s of state.summons) {
        if (s.ackedAt !== null || s.arrivedAt !== null) continue;
        const due = s.issuedAt + escalateAfter;
        if (due > now) {
          next = next === null ? due : Math.min(next, due);
          continue;
        }
        const key = escalationKey(state.id, s.role);
        const done = await store.db.selectFrom('outbox').select('id').where('source_stream', '=', 'incident').where('source_id', '=', state.id).where('idempotency_key', 'like', `${key}:%`).executeTakeFirst();
        if (done) continue;
        const notify = [`${s.unit}/${deputy}`, ...(workingGroup ? plan.informed : [])].filter((r) => plan.roles.has(r) && r !== s.role);
        const e: LoggedEvent = {
          stream: 'incident',
          id: state.id,
          seq: null,
          key,
          type: 'acknowledgement_overdue',
          at: due,
          data: { role: s.role, unit: s.unit, summoned_at: s.issuedAt, deadline: s.deadline, after: escalateAfter, notify, clause: plan.file.discipline.acknowledgement?.clause ?? plan.file.discipline.arrival.clause },
        };
        await store.db.transaction().execute(async (trx) => {
          await enqueue(trx, await notifier.messagesOf(trx, e, plan, { kind: 'incident', state }), now);
        });
      }
    }
    return next;
  }
}

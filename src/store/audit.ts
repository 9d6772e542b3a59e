import { eventHash, GENESIS } from './chain.js';
import type { Db } from './db.js';
import { eventsRepository } from './events.repository.js';

export type AuditResult =
  | { ok: true; events: number; head: string | null }
  | { ok: false; events: number; seq: number; problem: string };

/**
 * Walks the event log in sequence order and checks the hash chain: numbering without gaps,
 * each event linked to the previous hash, each hash matching the event's content, and the
 * recorded head matching the last event (so a deleted tail shows). Reads only.
 */
export async function verifyChain(db: Db, onProgress?: (checked: number) => void): Promise<AuditResult> {
  let prev = GENESIS;
  let expected = 1;
  let count = 0;
  for (;;) {
    const page = await eventsRepository.after(db, expected - 1, 2000);
    if (!page.length) break;
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expected) return { ok: false, events: count, seq: expected, problem: `event ${expected} is missing (next stored is ${seq})` };
      if (row.prev_hash !== prev) return { ok: false, events: count, seq, problem: `event ${seq} does not link to the hash of event ${seq - 1}` };
      const { hash, prev_hash: _ignored, ...content } = row;
      const actual = eventHash(prev, { ...content, seq, at: Number(content.at), recorded_at: Number(content.recorded_at), made_at: content.made_at === null ? null : Number(content.made_at) });
      if (actual !== hash) return { ok: false, events: count, seq, problem: `event ${seq} was altered: its content does not match its hash` };
      prev = hash;
      expected++;
      count++;
    }
    onProgress?.(count);
  }
  const head = await eventsRepository.head(db);
  if (head.seq !== count) {
    return { ok: false, events: count, seq: count + 1, problem: `the chain head records ${head.seq} events but ${count} are stored` };
  }
  if (count && head.hash !== prev) return { ok: false, events: count, seq: count, problem: 'the chain head does not match the last event' };
  return { ok: true, events: count, head: count ? prev : null };
}

import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS } from './chain.js';

/*
 * The chain's format is forever: an event recorded by any earlier version must still verify.
 * These hashes were computed by the first implementation; a change to what is hashed, or how,
 * fails here before it fails an audit of a real county's log.
 */
describe('the event hash', () => {
  const row = {
    seq: 7,
    stream: 'incident' as const,
    stream_id: 'inc-1',
    version: 3,
    type: 'summons_issued',
    at: 1772413200000,
    data: JSON.stringify({ role: '县公安局/局长', deadline: 1772414100000, note: '到场' }),
    actor_user: null,
    actor_role: null,
    on_behalf: 0,
    recorded_at: 1772413200005,
  };

  it('of an incident event is what it always was', () => {
    expect(eventHash(GENESIS, row)).toBe('98891bf9f7a37022561d6235cdd33d54e2f351b7701c42319ed48f1c63ee2e3f');
  });

  it('of another stream’s event sent with the phone’s time is what it always was', () => {
    expect(eventHash('a'.repeat(64), { ...row, stream: 'case', made_at: 1772413100000 })).toBe('0062054d52f7693911ea782784d790ae7691d969eda6eca43b3e9c69837434bf');
  });

  it('changes with the previous hash and with any field', () => {
    const base = eventHash(GENESIS, row);
    expect(eventHash('a'.repeat(64), row)).not.toBe(base);
    expect(eventHash(GENESIS, { ...row, data: JSON.stringify({ role: '县公安局/局长', deadline: 1772414100001, note: '到场' }) })).not.toBe(base);
    expect(eventHash(GENESIS, { ...row, recorded_at: row.recorded_at + 1 })).not.toBe(base);
  });
});

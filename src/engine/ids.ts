import { createHash, randomBytes } from 'node:crypto';
import { v7 } from 'uuid';

/** Crockford base32: no I, L, O or U, so codes read aloud and typed by hand stay unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A tracking code (查询码) from 10 random bytes: `YJ-XXXX-XXXX-XXXX-XXXX`, 80 bits. */
export function trackingCodeFrom(bytes: Uint8Array): string {
  let bits = 0n;
  for (const b of bytes.subarray(0, 10)) bits = (bits << 8n) | BigInt(b);
  let chars = '';
  for (let i = 0; i < 16; i++) {
    chars = ALPHABET[Number(bits & 31n)] + chars;
    bits >>= 5n;
  }
  return `YJ-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}-${chars.slice(12)}`;
}

/** What a fresh id names: a stream (incident, case, early-warning matter) or a case's tracking code. */
export type IdKind = 'incident' | 'case' | 'tracking' | 'risk';

/**
 * A time-ordered UUID (version 7, RFC 9562): the creation time in milliseconds, then 74 random
 * bits, increasing within a millisecond too. Rows created together sort together, so the
 * indexes keyed by them (an incident's events, timers, messages and links, all led by its id)
 * put what one transaction writes on a few pages rather than one random page per row: firing a
 * slice of due timers wrote 39 KB per stream with random ids and 16 KB with these
 * (README, Speed). The id reveals when its row was made, nothing a reader of the row cannot see.
 *
 * The random bytes are cut from a pool drawn 256 ids' worth at a time (`uuid` alone asks the
 * system for 16 bytes per id: 3 % of the event loop while catching up timers). The time and
 * sequence are kept here as `uuid` keeps them: a new millisecond starts a 31-bit counter at a
 * random value, later ids of the same millisecond (or of a clock that went back) count up.
 */
export function timeOrderedId(): string {
  if (offset + RANDOM_BYTES > pool.length) {
    pool = randomBytes(RANDOM_BYTES * 256);
    offset = 0;
  }
  const random = pool.subarray(offset, (offset += RANDOM_BYTES));
  const now = Date.now();
  if (now > last.msecs) {
    last.msecs = now;
    last.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    last.seq = (last.seq + 1) | 0;
    if (last.seq === 0) last.msecs++;
  }
  return v7({ random, msecs: last.msecs, seq: last.seq });
}

const RANDOM_BYTES = 16;
let pool = Buffer.alloc(0);
let offset = 0;
/** The time and sequence of the last id made. */
const last = { msecs: -Infinity, seq: 0 };

/**
 * Unguessable ids for live use: time-ordered UUIDs for streams (74 random bits each; see
 * `timeOrderedId`) and wholly random tracking codes, the one id a petitioner holds.
 */
export function randomIds(): (kind: IdKind) => string {
  return (kind) => (kind === 'tracking' ? trackingCodeFrom(randomBytes(10)) : timeOrderedId());
}

/**
 * Reproducible ids for drills: the same seed gives the same ids, so a drill's output can be
 * compared run to run. Never used for real cases.
 */
export function seededIds(seed: string): (kind: IdKind) => string {
  const counters: Record<IdKind, number> = { incident: 0, case: 0, tracking: 0, risk: 0 };
  return (kind) => {
    const n = ++counters[kind];
    if (kind !== 'tracking') return `${kind}-${n}`;
    return trackingCodeFrom(createHash('sha256').update(`${seed}\u0000${n}`).digest());
  };
}

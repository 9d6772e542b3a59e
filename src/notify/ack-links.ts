import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ackLinksRepository } from '../store/ack-links.repository.js';
import type { Db, Trx } from '../store/db.js';
import type { AckLinksTable } from '../store/schema.js';

/** What a link lets its holder do: acknowledge a summons, or check in on arrival. */
export type AckAction = 'ack' | 'arrive';

/** Who the link speaks for, on which incident, in which role. */
export interface AckClaims {
  personId: string;
  incidentId: string;
  role: string;
  action: AckAction;
}

/**
 * Why a token was refused: not a token at all, a signature that does not match (forged, or
 * signed with another key), unknown to this database, past its expiry, or already used.
 */
export type AckRefusal = 'malformed' | 'forged' | 'unknown' | 'expired' | 'used';

export type AckCheck = { ok: true; claims: AckClaims; expiresAt: number } | { ok: false; reason: AckRefusal };

/** Default lifetime of a link: long enough for a summons and the journey (§5.2: up to 1 h). */
export const ACK_LINK_TTL_MS = 4 * 60 * 60_000;
const TOKEN = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/;
const MAC_CONTEXT = 'yingji-ack-link-v1:';

/**
 * Signed, expiring, single-use acknowledgement links. A token is a nonce (its creation time
 * and a sequence, then 128 random bits) and its HMAC-SHA256 under the configured key: a
 * forged or altered token is refused before any lookup, by a constant-time comparison. The
 * database keeps only the token's key (`tokenKey`: that time and sequence, then the token's
 * SHA-256) with the claims and the expiry, and using a token marks it used in one conditional
 * update, so of two simultaneous uses exactly one succeeds.
 */
export class AckLinks {
  private readonly key: Buffer;
  private readonly nonces = new Nonces();

  constructor(
    key: string | Buffer,
    private readonly clock: () => number = Date.now,
  ) {
    this.key = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (this.key.length < 32) throw new Error('the link signing key must have at least 32 bytes');
  }

  /** Makes a token for `claims`, valid for `ttlMs`; call it in the transaction that enqueues the message carrying it. */
  async create(db: Db | Trx, claims: AckClaims, ttlMs: number = ACK_LINK_TTL_MS): Promise<{ token: string; expiresAt: number }> {
    const link = this.sign(claims, ttlMs);
    await ackLinksRepository.insert(db, [link.row]);
    return link;
  }

  /**
   * Makes a token for `claims` without storing it: the caller stores `row` (many at once, with
   * `ackLinksRepository.insert`) in the transaction that enqueues the messages carrying them.
   */
  sign(claims: AckClaims, ttlMs: number = ACK_LINK_TTL_MS): { token: string; expiresAt: number; row: AckLinksTable } {
    const now = this.clock();
    const nonce = this.nonces.next(now).toString('base64url');
    const token = `${nonce}.${this.mac(nonce).toString('base64url')}`;
    const expiresAt = now + ttlMs;
    const row: AckLinksTable = {
      token_hash: tokenKey(token),
      person_id: claims.personId,
      incident_id: claims.incidentId,
      role: claims.role,
      action: claims.action,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    };
    return { token, expiresAt, row };
  }

  /** What a token would do, without using it (for the page with the one button). */
  async inspect(db: Db | Trx, token: string): Promise<AckCheck> {
    const signed = this.checkSignature(token);
    if (signed !== true) return { ok: false, reason: signed };
    const row = await ackLinksRepository.byKey(db, storedUnder(token));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.used_at !== null) return { ok: false, reason: 'used' };
    if (Number(row.expires_at) <= this.clock()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: claimsOf(row), expiresAt: Number(row.expires_at) };
  }

  /**
   * Uses a token: marks it used, atomically, and returns its claims, for the caller to record
   * the acknowledgement as that person (in the same transaction, so a failed command leaves
   * the link unused). A token works once, before its expiry, and only if signed with the key.
   */
  async redeem(db: Db | Trx, token: string): Promise<AckCheck> {
    const signed = this.checkSignature(token);
    if (signed !== true) return { ok: false, reason: signed };
    const now = this.clock();
    const keys = storedUnder(token);
    const row = await ackLinksRepository.use(db, keys, now);
    if (row) return { ok: true, claims: claimsOf(row), expiresAt: Number(row.expires_at) };
    const found = await ackLinksRepository.usage(db, keys);
    if (!found) return { ok: false, reason: 'unknown' };
    return { ok: false, reason: found.used_at !== null ? 'used' : 'expired' };
  }

  /** The link a message carries: `{base}/a/{token}`. */
  static url(publicUrl: string, token: string): string {
    return `${publicUrl.replace(/\/+$/, '')}/a/${token}`;
  }

  private mac(nonce: string): Buffer {
    return createHmac('sha256', this.key).update(MAC_CONTEXT + nonce).digest();
  }

  private checkSignature(token: string): true | 'malformed' | 'forged' {
    const m = TOKEN.exec(token);
    if (!m) return 'malformed';
    // Compared as text, so only the canonical encoding of the MAC passes.
    const given = Buffer.from(m[2]!, 'ascii');
    const expected = Buffer.from(this.mac(m[1]!).toString('base64url'), 'ascii');
    return given.length === expected.length && timingSafeEqual(given, expected) ? true : 'forged';
  }
}

/**
 * What the database keeps of a token, and finds it by: the order its nonce begins with (its
 * creation time and a sequence within that millisecond, 16 hex digits), then the token's
 * SHA-256. Led by that order, the keys of links made together land side by side in the
 * table's index: a slice of due timers signs hundreds of links, and keyed by the hash alone
 * each one dirtied its own random page of that index (README, Speed). Call it on a token
 * whose signature was checked.
 */
export function tokenKey(token: string): string {
  return Buffer.from(token.slice(0, NONCE_CHARS), 'base64url').toString('hex', 0, ORDER_BYTES) + hash('sha256', token, 'hex');
}

/** The keys a token may be stored under: `tokenKey`, and the SHA-256 alone of links made before keys led with the order (they expire within hours). */
function storedUnder(token: string): [string, string] {
  const key = tokenKey(token);
  return [key, key.slice(ORDER_BYTES * 2)];
}

/**
 * A nonce's 24 bytes, laid out as a UUIDv7's first half: the creation time in milliseconds
 * (48 bits, big-endian), a sequence (16 bits) that orders the nonces of one millisecond, and
 * 128 random bits. The time never goes back within the process: a nonce made in the same
 * millisecond as the last, or under a clock that went back, takes the last one's time and the
 * next sequence number (the time moves on by one when the sequence runs out).
 */
const TIME_BYTES = 6;
const ORDER_BYTES = 8;
const RANDOM_BYTES = 16;
const NONCE_CHARS = 32;

/** The nonces of one signer, in order (`tokenKey`). */
class Nonces {
  private lastTime = 0;
  private sequence = 0;

  /** A nonce made at `now`. */
  next(now: number): Buffer {
    const time = Math.max(0, Math.floor(now)) % 2 ** 48;
    if (time > this.lastTime) {
      this.lastTime = time;
      this.sequence = 0;
    } else if (++this.sequence > 0xffff) {
      this.lastTime += 1;
      this.sequence = 0;
    }
    const nonce = Buffer.alloc(ORDER_BYTES + RANDOM_BYTES);
    nonce.writeUIntBE(this.lastTime, 0, TIME_BYTES);
    nonce.writeUInt16BE(this.sequence, TIME_BYTES);
    randomInto(nonce, ORDER_BYTES);
    return nonce;
  }
}

/**
 * Random bytes are cut from a pool drawn 512 nonces' worth at a time: a slice of due timers
 * signs hundreds of links, and each call into the system's generator cost about 30 µs, more
 * than the rest of signing. No random byte is handed out twice.
 */
let pool = Buffer.alloc(0);
let offset = 0;
function randomInto(target: Buffer, at: number): void {
  if (offset + RANDOM_BYTES > pool.length) {
    pool = randomBytes(RANDOM_BYTES * 512);
    offset = 0;
  }
  pool.copy(target, at, offset, (offset += RANDOM_BYTES));
}

function claimsOf(row: { person_id: string; incident_id: string; role: string; action: string }): AckClaims {
  return { personId: row.person_id, incidentId: row.incident_id, role: row.role, action: row.action as AckAction };
}
